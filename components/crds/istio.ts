// Istio custom resources we create: Gateway, VirtualService, PeerAuthentication,
// AuthorizationPolicy, RequestAuthentication, Telemetry (all at the v1 API).
import type * as pulumi from "@pulumi/pulumi";
import type { IGateway } from "@kubernetes-models/istio/networking.istio.io/v1/Gateway";
import type { IVirtualService } from "@kubernetes-models/istio/networking.istio.io/v1/VirtualService";
import type { IAuthorizationPolicy } from "@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy";
import type { IPeerAuthentication } from "@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication";
import type { IRequestAuthentication } from "@kubernetes-models/istio/security.istio.io/v1/RequestAuthentication";
import type { ITelemetry } from "@kubernetes-models/istio/telemetry.istio.io/v1/Telemetry";
import { customResource, type Metadata } from "./custom-resource";

type Namespaced = Metadata & { namespace: string };
type Spec<T extends { spec?: unknown }> = NonNullable<T["spec"]>;
/** One HTTP route rule of a VirtualService. */
export type HttpRoute = NonNullable<Spec<IVirtualService>["http"]>[number];

export const gateway = (m: Namespaced, spec: Spec<IGateway>, opts: pulumi.CustomResourceOptions) =>
  customResource("networking.istio.io/v1", "Gateway", m, spec, opts);

export const virtualService = (m: Namespaced, spec: Spec<IVirtualService>, opts: pulumi.CustomResourceOptions) =>
  customResource("networking.istio.io/v1", "VirtualService", m, spec, opts);

export const peerAuthentication = (m: Namespaced, spec: Spec<IPeerAuthentication>, opts: pulumi.CustomResourceOptions) =>
  customResource("security.istio.io/v1", "PeerAuthentication", m, spec, opts);

export const authorizationPolicy = (m: Namespaced, spec: Spec<IAuthorizationPolicy>, opts: pulumi.CustomResourceOptions) =>
  customResource("security.istio.io/v1", "AuthorizationPolicy", m, spec, opts);

export const requestAuthentication = (m: Namespaced, spec: Spec<IRequestAuthentication>, opts: pulumi.CustomResourceOptions) =>
  customResource("security.istio.io/v1", "RequestAuthentication", m, spec, opts);

export const telemetry = (m: Namespaced, spec: Spec<ITelemetry>, opts: pulumi.CustomResourceOptions) =>
  customResource("telemetry.istio.io/v1", "Telemetry", m, spec, opts);

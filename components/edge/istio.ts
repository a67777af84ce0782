// Istio at one pinned version: base (CRDs), istiod (with the oauth2-proxy ext_authz
// provider and a short JWKS refresh), and the ingress gateway. Mesh-wide policy:
// STRICT mTLS and default-deny authorization; add-ons add explicit allows.
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { authorizationPolicy, peerAuthentication } from "../crds/istio";
import { helmChart, namespace } from "../helm";
import { charts, istioImage } from "../../infra/versions";

export const istioNamespace = "istio-system";
/** The release name sets the gateway pods' labels: app=istio-ingressgateway, istio=ingressgateway. */
export const ingressGatewayRelease = "istio-ingressgateway";
export const ingressGatewaySelector = { istio: "ingressgateway" };
export const ingressGatewayPrincipal = `cluster.local/ns/${istioNamespace}/sa/${ingressGatewayRelease}`;

export interface ExtAuthzProvider {
  name: string;
  /** In-cluster service FQDN of the authorizer. */
  service: string;
  port: number;
}

export interface IstioArgs {
  extAuthz: ExtAuthzProvider;
  gatewayService: { type: string; annotations: Record<string, string> };
  /** istiod and gateway replicas (2+ for HA). */
  replicas: number;
}

export class Istio extends pulumi.ComponentResource {
  public readonly namespace: k8s.core.v1.Namespace;
  /** Istio custom resources wait for this: CRDs installed and istiod's validating webhook serving. */
  public readonly controlPlane: k8s.helm.v4.Chart;
  public readonly gateway: k8s.helm.v4.Chart;

  constructor(name: string, args: IstioArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:edge:Istio", name, {}, opts);
    this.namespace = namespace(istioNamespace, false, { parent: this });
    const base = helmChart("istio-base", istioNamespace, charts.istioBase, { defaultRevision: "default" }, { parent: this, dependsOn: [this.namespace] });

    this.controlPlane = helmChart(
      "istiod",
      istioNamespace,
      charts.istiod,
      {
        global: { hub: istioImage.hub, tag: istioImage.tag },
        autoscaleMin: args.replicas,
        meshConfig: {
          accessLogFile: "/dev/stdout",
          extensionProviders: [
            {
              name: args.extAuthz.name,
              envoyExtAuthzHttp: {
                service: args.extAuthz.service,
                port: args.extAuthz.port,
                includeRequestHeadersInCheck: ["authorization", "cookie"],
                headersToUpstreamOnAllow: ["authorization", "path", "x-auth-request-email", "x-auth-request-groups", "x-auth-request-user"],
                headersToDownstreamOnDeny: ["content-type", "set-cookie"],
              },
            },
          ],
        },
        // Default is 20m: if istiod starts before Dex it would cache an empty JWKS that long.
        env: { PILOT_JWT_PUB_KEY_REFRESH_INTERVAL: "1m" },
      },
      { parent: this, dependsOn: [base] },
    );
    const afterIstiod = { parent: this, dependsOn: [this.controlPlane] };

    this.gateway = helmChart(
      ingressGatewayRelease,
      istioNamespace,
      charts.istioGateway,
      {
        service: { type: args.gatewayService.type, annotations: args.gatewayService.annotations },
        autoscaling: { minReplicas: args.replicas },
      },
      afterIstiod, // the gateway's proxy is injected by istiod
    );

    peerAuthentication({ name: "default", namespace: istioNamespace }, { mtls: { mode: "STRICT" } }, afterIstiod);
    // An ALLOW policy with no rules in the root namespace denies everything not explicitly allowed.
    authorizationPolicy({ name: "default-deny", namespace: istioNamespace }, {}, afterIstiod);
    // The gateway admits all traffic to its authorization chain (CUSTOM ext_authz, then DENY without a JWT).
    authorizationPolicy(
      { name: "allow-ingressgateway", namespace: istioNamespace },
      { selector: { matchLabels: ingressGatewaySelector }, action: "ALLOW", rules: [{}] },
      afterIstiod,
    );
    this.registerOutputs({});
  }
}

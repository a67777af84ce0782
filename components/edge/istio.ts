// Istio at one pinned version: base (CRDs), istiod (with the oauth2-proxy ext_authz
// provider and a short JWKS refresh), and the ingress gateway. Mesh-wide policy:
// STRICT mTLS and default-deny authorization; add-ons add explicit allows.
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { authorizationPolicy, peerAuthentication } from "../crds/istio";
import { annotateWebhookConfigurations, helmChart, namespace, waitForWebhookCa } from "../helm";
import { charts, istioImage } from "../../infra/versions";

export const istioNamespace = "istio-system";
/**
 * The ingress gateway's own namespace. Its image is "auto", filled in by istiod's injector, so the
 * namespace must be in the mesh (istio-system is labelled istio-injection=disabled, which no injection
 * webhook matches: the gateway would never start there).
 */
export const gatewayNamespace = "istio-ingress";
/** The release name sets the gateway pods' labels: app=istio-ingressgateway, istio=ingressgateway. */
export const ingressGatewayRelease = "istio-ingressgateway";
export const ingressGatewaySelector = { istio: "ingressgateway" };
export const ingressGatewayPrincipal = `cluster.local/ns/${gatewayNamespace}/sa/${ingressGatewayRelease}`;
/** The gateway's HTTPS listener; SSO policies apply to it only, so plain HTTP still reaches its redirect. */
export const httpsPort = 443;


export interface ExtAuthzProvider {
  name: string;
  /** In-cluster service FQDN of the authorizer. */
  service: string;
  port: number;
}

/** An OpenTelemetry collector that sidecars send spans to (a Telemetry resource selects it by name). */
export interface TracingProvider {
  name: string;
  /** In-cluster service FQDN of the collector's OTLP gRPC receiver. */
  service: string;
  port: number;
}

export interface IstioArgs {
  extAuthz: ExtAuthzProvider;
  tracing?: TracingProvider;
  gatewayService: { type: string; annotations: Record<string, string> };
  /** istiod and gateway replicas (2+ for HA). */
  replicas: number;
}

/**
 * Chart v4 renders charts as a fresh install, so Istio's validating webhooks are applied with
 * failurePolicy Ignore; istiod then sets Fail with a plain update and owns that field. The next
 * server-side apply of those objects (an Istio upgrade) would fail on the field-manager conflict.
 * Pulumi forces its apply on them instead; istiod sets Fail again once it is ready.
 */
export const forceApplyValidatingWebhooks = annotateWebhookConfigurations(["ValidatingWebhookConfiguration"], { "pulumi.com/patchForce": "true" });

export class Istio extends pulumi.ComponentResource {
  public readonly namespace: k8s.core.v1.Namespace;
  /** The ingress gateway's namespace (in the mesh); its certificate lives here. */
  public readonly gatewayNamespace: k8s.core.v1.Namespace;
  /**
   * Istio custom resources and meshed namespaces wait for this: CRDs installed, istiod ready and
   * its sidecar injector's webhook holding its CA (so injection works from the first pod on).
   */
  public readonly controlPlane: k8s.helm.v4.Chart;
  public readonly gateway: k8s.helm.v4.Chart;

  constructor(name: string, args: IstioArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:edge:Istio", name, {}, opts);
    this.namespace = namespace(istioNamespace, undefined, { parent: this });
    const forceApply = { transforms: [forceApplyValidatingWebhooks] };
    const base = helmChart("istio-base", istioNamespace, charts.istioBase, { defaultRevision: "default" }, { parent: this, dependsOn: [this.namespace], ...forceApply });

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
                // A session refresh happens during the check: its new cookie must reach the browser,
                // or the old cookie's (already rotated) refresh token signs the user out an hour later.
                headersToDownstreamOnAllow: ["set-cookie"],
              },
            },
            ...(args.tracing ? [{ name: args.tracing.name, opentelemetry: { service: args.tracing.service, port: args.tracing.port } }] : []),
          ],
        },
        // Default is 20m: if istiod starts before Dex it would cache an empty JWKS that long.
        env: { PILOT_JWT_PUB_KEY_REFRESH_INTERVAL: "1m" },
        // istiod patches its CA into the injector webhook after it starts; pods created before that are rejected.
        sidecarInjectorWebhookAnnotations: waitForWebhookCa,
      },
      { parent: this, dependsOn: [base], ...forceApply },
    );
    const afterIstiod = { parent: this, dependsOn: [this.controlPlane] };

    // The gateway's proxy is injected by istiod: its meshed namespace waits for the injector.
    this.gatewayNamespace = namespace(gatewayNamespace, this.controlPlane, { parent: this });
    this.gateway = helmChart(
      ingressGatewayRelease,
      gatewayNamespace,
      charts.istioGateway,
      {
        service: { type: args.gatewayService.type, annotations: args.gatewayService.annotations },
        autoscaling: { minReplicas: args.replicas },
      },
      { parent: this, dependsOn: [this.gatewayNamespace] },
    );

    peerAuthentication({ name: "default", namespace: istioNamespace }, { mtls: { mode: "STRICT" } }, afterIstiod);
    // An ALLOW policy with no rules in the root namespace denies everything not explicitly allowed.
    authorizationPolicy({ name: "default-deny", namespace: istioNamespace }, {}, afterIstiod);
    // The gateway admits all traffic to its authorization chain (CUSTOM ext_authz, then DENY without a JWT).
    authorizationPolicy(
      { name: "allow-ingressgateway", namespace: gatewayNamespace },
      { selector: { matchLabels: ingressGatewaySelector }, action: "ALLOW", rules: [{}] },
      { parent: this, dependsOn: [this.gatewayNamespace] },
    );
    this.registerOutputs({});
  }
}

// Single sign-on at the gateway, wired as Kubeflow 26.03 does it:
//  1. CUSTOM: requests without an Authorization header go to oauth2-proxy (ext_authz),
//     which redirects to Dex or returns the session's ID token as a bearer token;
//  2. RequestAuthentication: the gateway verifies that token against Dex and maps
//     email -> kubeflow-userid, groups -> kubeflow-groups;
//  3. DENY: anything still without a verified principal is refused.
// Dex's own host and oauth2-proxy's /oauth2/ paths are exempt, or nobody could log in. The
// policies apply to the HTTPS listener only: on port 80 they would answer before the gateway's
// HTTP->HTTPS redirect does (istio/istio#36498), so http:// would never reach HTTPS.
// API hosts (KServe's model hosts) take a Bearer token only: no oauth2-proxy check (a sign-in
// redirect from there would carry a callback Dex does not know), and no exempt paths (nothing
// there routes /oauth2/ to oauth2-proxy, so the exemption would admit unauthenticated requests).
import * as pulumi from "@pulumi/pulumi";
import { authorizationPolicy, requestAuthentication } from "../crds/istio";
import { gatewayNamespace, httpsPort, ingressGatewaySelector } from "../edge/istio";
import { dexService } from "./dex";
import { oauth2ProxyClientId } from "./sso";

export interface GatewayAuthArgs {
  domain: string;
  dexIssuer: string;
  extAuthzProvider: string;
  istioControlPlane: pulumi.Resource;
  gatewayNamespace: pulumi.Resource;
  /** The hosts whose routes send /oauth2/ to oauth2-proxy (the protected UIs): the only hosts where those paths are exempt. */
  ssoHosts: string[];
  /**
   * Host patterns for API clients only (Istio host match: exact or with a leading "*"): a request
   * without a valid Bearer token is refused (403), never redirected to sign in.
   */
  apiHosts?: string[];
}

/** Each host pattern with and without the HTTPS port: Istio matches the Host header as sent, port included. */
export const withHttpsPort = (hosts: string[]) => hosts.flatMap((h) => [h, `${h}:${httpsPort}`]);

export class GatewayAuth extends pulumi.ComponentResource {
  constructor(name: string, args: GatewayAuthArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:identity:GatewayAuth", name, {}, opts);
    const after = { parent: this, dependsOn: [args.istioControlPlane, args.gatewayNamespace] };
    const dexHost = `dex.${args.domain}`;
    const apiHosts = withHttpsPort(args.apiHosts ?? []);
    const ssoHosts = withHttpsPort(args.ssoHosts);
    const exempt = { ports: [String(httpsPort)], notHosts: [dexHost, `${dexHost}:*`], notPaths: ["/oauth2/*"] };
    const selector = { matchLabels: ingressGatewaySelector };

    authorizationPolicy(
      { name: "ingressgateway-oauth2-proxy", namespace: gatewayNamespace },
      {
        selector,
        action: "CUSTOM",
        provider: { name: args.extAuthzProvider },
        // Only the SSO hosts, by a positive list: any other Host header (Dex, API hosts, a host sent with
        // an unexpected port) gets no sign-in redirect and falls to the DENY below instead.
        rules: [{ to: [{ operation: { ports: exempt.ports, hosts: ssoHosts, notPaths: exempt.notPaths } }], when: [{ key: "request.headers[authorization]", notValues: ["*"] }] }],
      },
      after,
    );
    requestAuthentication(
      { name: "dex-jwt", namespace: gatewayNamespace },
      {
        selector,
        jwtRules: [
          {
            issuer: args.dexIssuer,
            // Only oauth2-proxy's ID tokens: tokens Dex issued to other clients (MLflow, Grafana) are refused.
            audiences: [oauth2ProxyClientId],
            // In-cluster: istiod fetches keys without going through the public gateway.
            jwksUri: `${dexService}/keys`,
            forwardOriginalToken: true,
            fromHeaders: [{ name: "Authorization", prefix: "Bearer " }],
            outputClaimToHeaders: [
              { header: "kubeflow-userid", claim: "email" },
              { header: "kubeflow-groups", claim: "groups" },
            ],
          },
        ],
      },
      after,
    );
    authorizationPolicy(
      { name: "ingressgateway-require-jwt", namespace: gatewayNamespace },
      { selector, action: "DENY", rules: [{ from: [{ source: { notRequestPrincipals: ["*"] } }], to: [{ operation: exempt }] }] },
      after,
    );
    // The exemption above is by path on every host; Istio matches the Host header as sent, port
    // included, while routing ignores the port. So /oauth2/ without a token is refused on every host
    // that does not route it to oauth2-proxy (a model host sent as "host:8443" included).
    authorizationPolicy(
      { name: "ingressgateway-oauth2-paths-sso-hosts-only", namespace: gatewayNamespace },
      { selector, action: "DENY", rules: [{ from: [{ source: { notRequestPrincipals: ["*"] } }], to: [{ operation: { ports: [String(httpsPort)], paths: ["/oauth2/*"], notHosts: ssoHosts } }] }] },
      after,
    );
    if (apiHosts.length > 0) {
      authorizationPolicy(
        { name: "ingressgateway-api-hosts-require-jwt", namespace: gatewayNamespace },
        { selector, action: "DENY", rules: [{ from: [{ source: { notRequestPrincipals: ["*"] } }], to: [{ operation: { ports: [String(httpsPort)], hosts: apiHosts } }] }] },
        after,
      );
    }
    this.registerOutputs({});
  }
}

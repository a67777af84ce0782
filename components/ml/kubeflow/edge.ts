// Kubeflow on the platform's edge: every Kubeflow route binds to kubeflow/kubeflow-gateway (the
// web apps' VirtualServices, and those the notebook and TensorBoard controllers create). Upstream
// that Gateway is plain HTTP for any host; here it is HTTPS on kubeflow.<domain>, on the same
// ingress gateway pods as the platform gateway, behind the same SSO (the gateway-wide oauth2-proxy
// check and Dex JWT policies apply to every host on port 443).
//
// Its own certificate, not the platform's wildcard: browsers reuse an HTTP/2 connection for any
// host its certificate covers, and a request for kubeflow.<domain> arriving on a connection opened
// for mlflow.<domain> would be routed by the platform gateway's routes, where Kubeflow has none
// (a 404). The two certificates cover disjoint hosts (see PlatformGateway's certificateHosts).
//
// KServe's model hosts, *.models.<domain>, are on a Gateway of their own (kubeflow/models-gateway)
// with a certificate of their own, for two reasons. Upstream's VirtualServices bind
// kubeflow-gateway with hosts ["*"], so on that Gateway every model host would serve the dashboard
// and the web apps. And model hosts are API hosts (GatewayAuth's apiHosts): a Bearer token or 403,
// never a sign-in redirect, which Dex would refuse (their callbacks are not registered).
import type * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { gatewayCertificate } from "../../edge/gateway";
import { gateway } from "../../crds/istio";
import { gatewayNamespace, ingressGatewaySelector } from "../../edge/istio";
import { uiHost, type UiRoutes } from "../../identity/ui-routes";
import { modelsGatewayName, modelsHosts } from "./kserve";

export const kubeflowNamespace = "kubeflow";
export const kubeflowUi = "kubeflow";
export const kubeflowGatewayName = "kubeflow-gateway";
export const kubeflowTlsSecret = "kubeflow-tls";
export const modelsTlsSecret = "kubeflow-models-tls";

export interface KubeflowEdgeArgs {
  routes: UiRoutes;
  issuerName: string;
  issuer: pulumi.Resource;
  /** The gateway's namespace: the certificate's Secret must be there. */
  gatewayNamespace: pulumi.Resource;
  /** The Directory that creates the kubeflow namespace. */
  kubeflowNamespace: pulumi.Resource;
  /** Also serve KServe's model hosts, *.models.<domain>, on kubeflow/models-gateway. */
  kserve: boolean;
  parent: pulumi.Resource;
}

export function kubeflowEdge(args: KubeflowEdgeArgs) {
  const httpsGateway = (name: string, serverName: string, hosts: string[], tlsSecret: string) => {
    const certificate = gatewayCertificate(tlsSecret, hosts, args.issuerName, { parent: args.parent, dependsOn: [args.issuer, args.gatewayNamespace] });
    const gw = gateway(
      { name, namespace: kubeflowNamespace },
      {
        selector: ingressGatewaySelector,
        // HTTP on port 80 is the platform gateway's (it redirects every *.<domain> host to HTTPS).
        servers: [{ port: { number: 443, name: serverName, protocol: "HTTPS" }, hosts, tls: { mode: "SIMPLE", credentialName: tlsSecret } }],
      },
      { parent: args.parent, dependsOn: [...args.routes.dependsOn, args.kubeflowNamespace] },
    );
    return { certificate, gateway: gw };
  };
  const hosts = [uiHost(args.routes, kubeflowUi)];
  const ui = httpsGateway(kubeflowGatewayName, "https-kubeflow", hosts, kubeflowTlsSecret);
  const models = args.kserve ? httpsGateway(modelsGatewayName, "https-models", [modelsHosts(args.routes.domain)], modelsTlsSecret) : undefined;
  // Kubeflow's own NetworkPolicies admit the gateway from namespace istio-system; the platform's
  // gateway runs in istio-ingress. Network policies add up, so one more admits it (Istio's
  // AuthorizationPolicies still decide which workloads accept the gateway's principal).
  const networkPolicy = new k8s.networking.v1.NetworkPolicy(
    "kubeflow-allow-ingress-gateway",
    {
      metadata: { name: "allow-platform-ingress-gateway", namespace: kubeflowNamespace },
      spec: {
        podSelector: {},
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": gatewayNamespace } }, podSelector: { matchLabels: ingressGatewaySelector } }] }],
      },
    },
    { parent: args.parent, dependsOn: [args.kubeflowNamespace] },
  );
  return { certificate: ui.certificate, gateway: ui.gateway, models, networkPolicy, url: `https://${hosts[0]}/` };
}

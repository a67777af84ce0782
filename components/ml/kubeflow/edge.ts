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
import type * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { gatewayCertificate } from "../../edge/gateway";
import { gateway } from "../../crds/istio";
import { gatewayNamespace, ingressGatewaySelector } from "../../edge/istio";
import { uiHost, type UiRoutes } from "../../identity/ui-routes";
import { modelsDomain } from "./kserve";

export const kubeflowNamespace = "kubeflow";
export const kubeflowUi = "kubeflow";
export const kubeflowGatewayName = "kubeflow-gateway";
export const kubeflowTlsSecret = "kubeflow-tls";

export interface KubeflowEdgeArgs {
  routes: UiRoutes;
  issuerName: string;
  issuer: pulumi.Resource;
  /** The gateway's namespace: the certificate's Secret must be there. */
  gatewayNamespace: pulumi.Resource;
  /** The Directory that creates the kubeflow namespace. */
  kubeflowNamespace: pulumi.Resource;
  /** Also serve KServe's model hosts, *.models.<domain>. */
  kserve: boolean;
  parent: pulumi.Resource;
}

/** The hosts the Kubeflow gateway serves and its certificate covers: the dashboard and, with KServe, the models. */
export const kubeflowHosts = (routes: Pick<UiRoutes, "domain">, kserve: boolean) => [uiHost(routes, kubeflowUi), ...(kserve ? [`*.${modelsDomain(routes.domain)}`] : [])];

export function kubeflowEdge(args: KubeflowEdgeArgs) {
  const hosts = kubeflowHosts(args.routes, args.kserve);
  const cert = gatewayCertificate(kubeflowTlsSecret, hosts, args.issuerName, { parent: args.parent, dependsOn: [args.issuer, args.gatewayNamespace] });
  const gw = gateway(
    { name: kubeflowGatewayName, namespace: kubeflowNamespace },
    {
      selector: ingressGatewaySelector,
      // HTTP on port 80 is the platform gateway's (it redirects every *.<domain> host to HTTPS).
      servers: [{ port: { number: 443, name: "https-kubeflow", protocol: "HTTPS" }, hosts, tls: { mode: "SIMPLE", credentialName: kubeflowTlsSecret } }],
    },
    { parent: args.parent, dependsOn: [...args.routes.dependsOn, args.kubeflowNamespace] },
  );
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
  return { certificate: cert, gateway: gw, networkPolicy, url: `https://${hosts[0]}/` };
}

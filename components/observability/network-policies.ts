// The monitoring namespace stays outside the mesh (memberlist gossip between Loki's and Mimir's
// pods, headless Services and pod-IP traffic do not go through sidecars well, and the collector
// must be reachable from every sidecar in plain OTLP). The mesh's default deny does not reach it,
// so NetworkPolicies keep it default-deny: ingress only from the namespace itself (Alloy -> the
// backends, the backends' own gossip and gRPC), from Grafana's namespace to the query ports, and
// from anywhere to Alloy's OTLP ports (every Envoy sidecar sends spans there). Egress stays open:
// object storage, the Kubernetes API and the kubelets are outside any selector.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { alloyOtlp, grafanaNamespace, lokiGateway, mimirGateway, monitoringNamespace, tempoService } from "./names";

const nsSelector = (name: string) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": name } } });
const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));

export function monitoringNetworkPolicies(opts: { parent: pulumi.Resource; dependsOn: pulumi.Resource[] }): k8s.networking.v1.NetworkPolicy[] {
  const policy = (name: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec) =>
    new k8s.networking.v1.NetworkPolicy(name, { metadata: { name, namespace: monitoringNamespace }, spec }, opts);
  return [
    policy("default-deny-ingress", { podSelector: {}, policyTypes: ["Ingress"] }),
    policy("allow-same-namespace", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: {} }] }] }),
    policy("allow-grafana-queries", {
      podSelector: {},
      policyTypes: ["Ingress"],
      ingress: [{ from: [nsSelector(grafanaNamespace)], ports: tcp(lokiGateway.targetPort, mimirGateway.targetPort, tempoService.httpPort) }],
    }),
    policy("allow-otlp-to-alloy", {
      podSelector: { matchLabels: { "app.kubernetes.io/name": "alloy" } },
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ namespaceSelector: {} }], ports: tcp(alloyOtlp.grpcPort, alloyOtlp.httpPort) }],
    }),
  ];
}

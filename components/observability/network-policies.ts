// The monitoring namespace stays outside the mesh (memberlist gossip between Loki's and Mimir's
// pods, headless Services and pod-IP traffic do not go through sidecars well, and the collector
// must be reachable from every sidecar in plain OTLP). The mesh's default deny does not reach it,
// so NetworkPolicies keep it default-deny: ingress only from the namespace itself (Alloy -> the
// backends, the backends' own gossip and gRPC), from Grafana's namespace to the query endpoints' pods and ports, and
// from anywhere to Alloy's OTLP ports (every Envoy sidecar sends spans there). Egress stays open:
// object storage, the Kubernetes API and the kubelets are outside any selector. Namespaces of other
// add-ons that isolate their pods (Kubeflow's) get policies admitting Alloy's scrapes (below).
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { alloyOtlp, grafanaNamespace, lokiGateway, mimirGateway, monitoringNamespace, tempoService } from "./names";

const nsSelector = (name: string) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": name } } });
const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));

/** Namespaces another add-on creates and isolates with NetworkPolicies of its own, which Alloy scrapes. */
export interface ScrapedNamespaces {
  namespaces: string[];
  /** What creates them (and their policies): ours are applied after it. */
  createdBy: pulumi.Resource;
}

/** Istio's merged metrics (pilot-agent), where meshed pods' prometheus.io annotations point. */
export const istioMergedMetricsPort = 15020;

/**
 * Pods outside the mesh that are annotated for scraping on a port of their own, by namespace (read
 * in kubeflow/manifests 26.03 for the components this platform installs: only katib-controller has
 * pod-level prometheus.io annotations with sidecar.istio.io/inject "false"; the notebook, profile
 * and tensorboard controllers' metrics patches are commented out, Services' annotations are not
 * scraped). Every other annotated pod there is meshed and scraped on 15020.
 */
const unmeshedScrapeTargets: Record<string, { name: string; matchLabels: Record<string, string>; port: number }[]> = {
  kubeflow: [{ name: "katib-controller", matchLabels: { "katib.kubeflow.org/component": "controller" }, port: 8080 }],
};

/** From Alloy's pods in `monitoring` only (both selectors in one peer: namespace AND pod). */
const fromAlloy = [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": monitoringNamespace } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "alloy" } } }];

/**
 * Kubeflow isolates its namespaces (default-allow-same-namespace, plus per-app policies), which
 * drops Alloy's scrapes from `monitoring`. These admit Alloy, and only on the metrics ports: 15020
 * on every pod, and the annotated port of each un-meshed target.
 */
export function scrapeNetworkPolicies(s: ScrapedNamespaces, opts: { parent: pulumi.Resource }): k8s.networking.v1.NetworkPolicy[] {
  const policy = (ns: string, name: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec) =>
    new k8s.networking.v1.NetworkPolicy(`${name}-${ns}`, { metadata: { name, namespace: ns }, spec }, { ...opts, dependsOn: [s.createdBy] });
  return s.namespaces.flatMap((ns) => [
    policy(ns, "allow-alloy-istio-metrics", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: fromAlloy, ports: tcp(istioMergedMetricsPort) }] }),
    ...(unmeshedScrapeTargets[ns] ?? []).map((t) =>
      policy(ns, `allow-alloy-metrics-${t.name}`, { podSelector: { matchLabels: t.matchLabels }, policyTypes: ["Ingress"], ingress: [{ from: fromAlloy, ports: tcp(t.port) }] }),
    ),
  ]);
}

export function monitoringNetworkPolicies(opts: { parent: pulumi.Resource; dependsOn: pulumi.Resource[] }): k8s.networking.v1.NetworkPolicy[] {
  const policy = (name: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec) =>
    new k8s.networking.v1.NetworkPolicy(name, { metadata: { name, namespace: monitoringNamespace }, spec }, opts);
  return [
    policy("default-deny-ingress", { podSelector: {}, policyTypes: ["Ingress"] }),
    policy("allow-same-namespace", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: {} }] }] }),
    // Grafana's datasources: each query endpoint's pods on its port only (not the distributors' push
    // API, kube-state-metrics or the backends' other ports).
    ...(
      [
        ["allow-grafana-to-loki-gateway", lokiGateway.podLabels, lokiGateway.targetPort],
        ["allow-grafana-to-mimir-gateway", mimirGateway.podLabels, mimirGateway.targetPort],
        ["allow-grafana-to-tempo", tempoService.podLabels, tempoService.httpPort],
      ] as const
    ).map(([name, matchLabels, port]) =>
      policy(name, { podSelector: { matchLabels: { ...matchLabels } }, policyTypes: ["Ingress"], ingress: [{ from: [nsSelector(grafanaNamespace)], ports: tcp(port) }] }),
    ),
    policy("allow-otlp-to-alloy", {
      podSelector: { matchLabels: { "app.kubernetes.io/name": "alloy" } },
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ namespaceSelector: {} }], ports: tcp(alloyOtlp.grpcPort, alloyOtlp.httpPort) }],
    }),
  ];
}

// Alloy values: a DaemonSet (one collector per node, reading /var/log/pods), the config from
// alloy-config.ts, OTLP ports on its Service, and RBAC cut down to what the config reads: the
// chart's default rules also list and watch every Secret and ConfigMap in the cluster.
import { alloyOtlp, lokiGateway, mimirGateway, serviceAccounts, tempoService } from "./names";
import { alloyConfig } from "./alloy-config";
import { requests, type Workload } from "./sizing";

/** Alloy's data directory on each node (hostPath), mounted at the same path. */
export const alloyDataHostPath = "/var/lib/alloy";
const alloyDataVolume = "alloy-data";

export function alloyValues(a: { cluster: string; workloads: Record<string, Workload> }): Record<string, unknown> {
  const config = alloyConfig({
    lokiPushUrl: `http://${lokiGateway.host}/loki/api/v1/push`,
    mimirPushUrl: `http://${mimirGateway.host}/api/v1/push`,
    tempoOtlpEndpoint: `${tempoService.host}:${tempoService.otlpGrpcPort}`,
    otlpGrpcPort: alloyOtlp.grpcPort,
    otlpHttpPort: alloyOtlp.httpPort,
    cluster: a.cluster,
  });
  return {
    // No PodLogs/monitoring CRDs: the config does not use them.
    crds: { create: false },
    serviceAccount: { create: true, name: serviceAccounts.alloy },
    rbac: {
      create: true,
      rules: [
        { apiGroups: [""], resources: ["pods", "namespaces"], verbs: ["get", "list", "watch"] },
      ],
      clusterRules: [
        { apiGroups: [""], resources: ["nodes"], verbs: ["get", "list", "watch"] },
        { apiGroups: [""], resources: ["nodes/metrics"], verbs: ["get"] },
      ],
    },
    controller: {
      type: "daemonset",
      // Every node, tainted ones included (GPU pools carry nvidia.com/gpu:NoSchedule, and GKE adds the
      // matching toleration only to pods that request a GPU): training and pipeline pods run there,
      // and discovery is node-local, so a node without Alloy has no logs, cAdvisor or scrapes at all.
      tolerations: [{ operator: "Exists" }],
      volumes: { extra: [{ name: alloyDataVolume, hostPath: { path: alloyDataHostPath, type: "DirectoryOrCreate" } }] },
      podAnnotations: { "prometheus.io/scrape": "true", "prometheus.io/port": "12345", "prometheus.io/path": "/metrics" },
    },
    alloy: {
      configMap: { create: true, content: config },
      enableReporting: false,
      // Data (log positions: how far each file was read, and the WAL) on the node, not in the
      // container's writable layer: after a restart, OOM or upgrade Alloy resumes where it was
      // instead of re-reading every file under /var/log/pods (a burst of duplicates into Loki).
      storagePath: `${alloyDataHostPath}/data`,
      mounts: { varlog: true, extra: [{ name: alloyDataVolume, mountPath: alloyDataHostPath }] },
      resources: requests(a.workloads.alloy),
      extraPorts: [
        { name: "otlp-grpc", port: alloyOtlp.grpcPort, targetPort: alloyOtlp.grpcPort, protocol: "TCP", appProtocol: "grpc" },
        { name: "otlp-http", port: alloyOtlp.httpPort, targetPort: alloyOtlp.httpPort, protocol: "TCP" },
      ],
    },
  };
}

/** kube-state-metrics: object state as metrics, scraped by Alloy through its pod annotation. */
export function kubeStateMetricsValues(w: Workload): Record<string, unknown> {
  return {
    resources: requests(w),
    // Alloy scrapes pods, not Services: annotate the pod (the chart's prometheusScrape annotates the Service).
    podAnnotations: { "prometheus.io/scrape": "true", "prometheus.io/port": "8080" },
    // Pipeline pods (Argo workflows) carry this label; the Kubeflow Pipelines dashboard groups by it.
    metricLabelsAllowlist: ["pods=[workflows.argoproj.io/workflow,app.kubernetes.io/name]"],
  };
}

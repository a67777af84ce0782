// Names the observability parts share with each other and with the rest of the platform (Istio's
// tracing provider, Grafana's datasources, the NetworkPolicies). Each chart's in-cluster Service
// name follows from its release name as the pinned chart renders it (checked against the chart
// templates: loki.fullname is the release when it contains "loki"; the same for tempo and mimir).
export const monitoringNamespace = "monitoring";
export const grafanaNamespace = "grafana";
const svc = (name: string) => `${name}.${monitoringNamespace}.svc.cluster.local`;

export const releases = { loki: "loki", tempo: "tempo", mimir: "mimir", alloy: "alloy", kubeStateMetrics: "kube-state-metrics", grafana: "grafana" } as const;

/** Kubernetes service accounts, set explicitly in each chart, so the cloud identity made before Helm binds exactly them. */
export const serviceAccounts = { loki: "loki", tempo: "tempo", mimir: "mimir", alloy: "alloy", grafana: "grafana" } as const;

/**
 * Loki's nginx gateway (push and query API): Service port 80 in front of nginx's 8080. podLabels: the
 * pods' selector labels (loki.gatewaySelectorLabels in the pinned chart).
 */
export const lokiGateway = {
  host: svc("loki-gateway"),
  port: 80,
  targetPort: 8080,
  podLabels: { "app.kubernetes.io/name": "loki", "app.kubernetes.io/instance": releases.loki, "app.kubernetes.io/component": "gateway" },
};
/** Tempo's single binary: HTTP API 3200, OTLP gRPC 4317; podLabels: tempo.selectorLabels. */
export const tempoService = {
  host: svc("tempo"),
  httpPort: 3200,
  otlpGrpcPort: 4317,
  podLabels: { "app.kubernetes.io/name": "tempo", "app.kubernetes.io/instance": releases.tempo },
};
/** Mimir's nginx gateway: /api/v1/push and /prometheus; Service port 80 in front of nginx's 8080; podLabels: mimir.selectorLabels (component gateway). */
export const mimirGateway = {
  host: svc("mimir-gateway"),
  port: 80,
  targetPort: 8080,
  podLabels: { "app.kubernetes.io/name": "mimir", "app.kubernetes.io/instance": releases.mimir, "app.kubernetes.io/component": "gateway" },
};
/** Alloy's OTLP receivers, which Envoy sidecars and applications send spans to. */
export const alloyOtlp = { host: svc("alloy"), grpcPort: 4317, httpPort: 4318 };

/** The Istio extension provider that sends spans to Alloy (meshConfig.extensionProviders + Telemetry). */
export const tracingProviderName = "otel-tracing";

/** Grafana datasource uids: fixed, so links between signals (and dashboards) resolve. */
export const datasourceUids = { metrics: "mimir", logs: "loki", traces: "tempo" } as const;

/**
 * The exemplar label that holds the trace id in Tempo's span metrics and service graph: Tempo's
 * default trace_id_label_name (modules/generator/registry: "traceID" when unset), left unset here.
 */
export const exemplarTraceIdLabel = "traceID";

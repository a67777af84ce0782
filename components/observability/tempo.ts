// Tempo values: the single-binary `tempo` chart on every tier. In prod too, one replica with its
// WAL on a volume: tempo-distributed 3.x needs an external Kafka (a second stateful system to run
// only for sampled traces), and this chart does not scale out (each replica would be its own
// store, so queries would see part of the traces). Alloy queues and retries spans while Tempo
// restarts. Retention is block_retention, a Go duration (hours, not days). The metrics generator
// writes span metrics and the service graph, with exemplars, to Mimir.
import { retentionHours } from "../../infra/config/observability";
import { mimirGateway, serviceAccounts, tempoService } from "./names";
import { accessKeyRef, credentialsEnvFrom, secretKeyRef, type BackendValuesArgs } from "./storage";
import { requests } from "./sizing";

export type TempoValuesArgs = BackendValuesArgs;

export function tempoValues(a: TempoValuesArgs): Record<string, unknown> {
  const s = a.storage;
  const trace =
    s.backend === "gcs"
      ? { backend: "gcs", gcs: { bucket_name: s.store.bucket } }
      : {
          backend: "s3",
          s3: {
            bucket: s.store.bucket,
            endpoint: s.s3Endpoint,
            region: s.store.region,
            ...(s.credentialsSecret ? { insecure: true, forcepathstyle: true, access_key: accessKeyRef, secret_key: secretKeyRef } : {}),
          },
        };
  return {
    replicas: 1,
    serviceAccount: { create: true, name: serviceAccounts.tempo, annotations: a.annotations },
    podAnnotations: { "prometheus.io/scrape": "true", "prometheus.io/port": String(tempoService.httpPort), "prometheus.io/path": "/metrics" },
    // The WAL (and blocks not yet flushed) survive a restart.
    persistence: { enabled: true, size: `${a.settings.sizes.tempoStorageGb}Gi`, ...(a.storageClass ? { storageClassName: a.storageClass } : {}) },
    tempo: {
      reportingEnabled: false,
      resources: requests(a.workloads.tempo),
      retention: `${retentionHours(a.settings.retention.traces)}h`,
      storage: { trace: { ...trace, wal: { path: "/var/tempo/wal" } } },
      // Spans come over OTLP (from Alloy). The chart's Jaeger receivers stay: its Service template
      // reads tempo.receivers.jaeger.protocols.* unguarded, so removing them (a null value, which
      // Helm treats as "delete the key") fails the render. The NetworkPolicy keeps them namespace-only.
      receivers: { otlp: { protocols: { grpc: { endpoint: `0.0.0.0:${tempoService.otlpGrpcPort}` }, http: { endpoint: "0.0.0.0:4318" } } } },
      metricsGenerator: {
        enabled: true,
        remoteWriteUrl: `http://${mimirGateway.host}/api/v1/push`,
        storage: { remote_write: [{ url: `http://${mimirGateway.host}/api/v1/push`, send_exemplars: true }] },
      },
      overrides: { defaults: { metrics_generator: { processors: ["service-graphs", "span-metrics"] } } },
      // MinIO keys: the tempo chart passes only -config.file, so expanding ${VAR} needs the flag here.
      ...(s.credentialsSecret ? { extraArgs: { "config.expand-env": "true" }, extraEnvFrom: credentialsEnvFrom(s) } : {}),
    },
  };
}

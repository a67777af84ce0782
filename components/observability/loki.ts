// Loki values: Monolithic (one binary, replicas 1) on small tiers; Distributed in prod, because
// SimpleScalable is deprecated and goes away in Loki 4 (the chart says so), and Distributed scales
// each path on its own. Ingesters are not zone-aware (Loki recommends one zone; zone awareness
// would also need the rollout-operator, off here). One tenant (auth_enabled: false), TSDB schema
// v13, retention by the compactor, caches sized for the tier (the chart's chunks cache is 8 GB).
import type { Tier } from "../../infra/config/schema";
import { accessKeyRef, credentialsEnvFrom, secretKeyRef, type BackendValuesArgs } from "./storage";
import { lokiCaches, memcachedMemoryMi, requests } from "./sizing";
import { serviceAccounts } from "./names";

export interface LokiValuesArgs extends BackendValuesArgs {
  tier: Tier;
}

/** When the TSDB v13 schema starts; never change it for an existing install (add a new period instead). */
export const lokiSchemaFrom = "2025-01-01";

export function lokiValues(a: LokiValuesArgs): Record<string, unknown> {
  const s = a.storage;
  const ha = a.settings.highAvailability;
  const w = a.workloads;
  const bucket = s.store.bucket;
  const storage =
    s.backend === "gcs"
      ? { type: "gcs", bucketNames: { chunks: bucket, ruler: bucket } }
      : {
          type: "s3",
          bucketNames: { chunks: bucket, ruler: bucket },
          s3: {
            region: s.store.region,
            ...(s.credentialsSecret ? { endpoint: s.s3Endpoint, s3ForcePathStyle: true, insecure: true, accessKeyId: accessKeyRef, secretAccessKey: secretKeyRef } : {}),
          },
        };
  const caches = lokiCaches(a.tier);
  const volume = (gb: number) => ({ enabled: true, size: `${gb}Gi`, ...(a.storageClass ? { storageClass: a.storageClass } : {}) });
  // Ingester and compactor: the chart renders their `claims` list first and synthesises a claim from
  // size/storageClass only when no claim is named "data", which its default list has: so a list here.
  const claims = (gb: number) => ({ enabled: true, claims: [{ name: "data", accessModes: ["ReadWriteOnce"], size: `${gb}Gi`, ...(a.storageClass ? { storageClass: a.storageClass } : {}) }] });
  const off = { replicas: 0 };
  const scrape = { "prometheus.io/scrape": "true", "prometheus.io/port": "3100", "prometheus.io/path": "/metrics" };
  return {
    deploymentMode: ha ? "Distributed" : "Monolithic",
    serviceAccount: { create: true, name: serviceAccounts.loki, annotations: a.annotations },
    defaults: {
      podAnnotations: scrape,
      // MinIO keys: env from the Cloud port's Secret, referenced as ${VAR} in the config (the chart
      // already passes -config.expand-env=true to every Loki target: templates/_pod.tpl).
      ...(s.credentialsSecret ? { extraEnvFrom: credentialsEnvFrom(s) } : {}),
    },
    loki: {
      auth_enabled: false,
      commonConfig: { replication_factor: ha ? 3 : 1 },
      storage,
      schemaConfig: {
        configs: [{ from: lokiSchemaFrom, store: "tsdb", object_store: s.backend, schema: "v13", index: { prefix: "index_", period: "24h" } }],
      },
      limits_config: {
        retention_period: a.settings.retention.logs,
        max_query_lookback: a.settings.retention.logs,
        // Per-tier (platform:observability.limits.logs).
        ingestion_rate_mb: a.settings.limits.logs.ingestionRateMb,
        ingestion_burst_size_mb: a.settings.limits.logs.ingestionBurstSizeMb,
      },
      compactor: { retention_enabled: true, delete_request_store: s.backend, working_directory: "/var/loki/compactor" },
      analytics: { reporting_enabled: false },
    },
    // Rules and alerting are not part of this stack (Grafana alerting can query Loki).
    ruler: { enabled: false },
    lokiCanary: { enabled: false },
    test: { enabled: false },
    gateway: { replicas: w["loki-gateway"].replicas, resources: requests(w["loki-gateway"]) },
    chunksCache: caches.chunksMb > 0 ? { enabled: true, allocatedMemory: caches.chunksMb, allocatedCPU: `${w["loki-chunks-cache"].cpu}m` } : { enabled: false },
    resultsCache: caches.resultsMb > 0 ? { enabled: true, allocatedMemory: caches.resultsMb, allocatedCPU: `${w["loki-results-cache"].cpu}m` } : { enabled: false },
    // SimpleScalable's targets default to 3 replicas each; neither mode here uses them.
    read: off,
    write: off,
    backend: off,
    ...(ha
      ? {
          singleBinary: off,
          ingester: {
            replicas: w["loki-ingester"].replicas,
            zoneAwareReplication: { enabled: false },
            persistence: claims(a.settings.sizes.lokiStorageGb),
            resources: requests(w["loki-ingester"]),
          },
          distributor: { replicas: w["loki-distributor"].replicas, resources: requests(w["loki-distributor"]) },
          querier: { replicas: w["loki-querier"].replicas, resources: requests(w["loki-querier"]) },
          queryFrontend: { replicas: w["loki-query-frontend"].replicas, resources: requests(w["loki-query-frontend"]) },
          queryScheduler: { replicas: w["loki-query-scheduler"].replicas, resources: requests(w["loki-query-scheduler"]) },
          indexGateway: { replicas: w["loki-index-gateway"].replicas, resources: requests(w["loki-index-gateway"]) },
          compactor: { replicas: 1, persistence: claims(10), resources: requests(w["loki-compactor"]) },
        }
      : {
          singleBinary: { replicas: 1, persistence: volume(a.settings.sizes.lokiStorageGb), resources: requests(w.loki) },
        }),
  };
}

/** For tests and the README: the memory a cache pod of `mb` requests. */
export const lokiCacheRequestMi = memcachedMemoryMi;

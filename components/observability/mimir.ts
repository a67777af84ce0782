// Mimir values (mimir-distributed 6.0.4, Mimir 3.0): the classic architecture (ingest storage and
// the bundled Kafka off, ingesters take pushes over gRPC) on every tier, no bundled MinIO, object
// storage in one bucket with a prefix per store (blocks, ruler, alertmanager: Mimir refuses stores
// that overlap). The base config sets blocks_storage.backend: s3 explicitly, so the backend is set
// there too, not only in common. Prod: three ingesters and store-gateways in three *logical* zones
// (zone-aware replication), coordinated by the rollout-operator; its webhooks are off (see below).
// topologyKey kubernetes.io/hostname makes the chart add anti-affinity between zones, so no node
// holds two zones and losing one node costs at most one replica of each series. The zones are not
// pinned to availability zones (that needs a nodeSelector per zone from the cluster's zones).
import type { Tier } from "../../infra/config/schema";
import { serviceAccounts } from "./names";
import { accessKeyRef, credentialsEnvFrom, secretKeyRef, type BackendValuesArgs } from "./storage";
import { mimirCaches, requests } from "./sizing";

export interface MimirValuesArgs extends BackendValuesArgs {
  tier: Tier;
}

/** Exemplars kept per tenant: what metrics->traces links need (0, the default, drops them). */
export const maxExemplars = 100000;

export function mimirValues(a: MimirValuesArgs): Record<string, unknown> {
  const s = a.storage;
  const ha = a.settings.highAvailability;
  const w = a.workloads;
  const storageConfig =
    s.backend === "gcs"
      ? { backend: "gcs", gcs: { bucket_name: s.store.bucket } }
      : {
          backend: "s3",
          s3: {
            bucket_name: s.store.bucket,
            endpoint: s.s3Endpoint,
            region: s.store.region,
            ...(s.credentialsSecret ? { insecure: true, access_key_id: accessKeyRef, secret_access_key: secretKeyRef } : {}),
          },
        };
  // Scraped per component: global.podAnnotations would also reach the nginx gateway, which serves no /metrics.
  const scrape = { "prometheus.io/scrape": "true", "prometheus.io/port": "8080", "prometheus.io/path": "/metrics" };
  const component = (name: string, extra: Record<string, unknown> = {}) => ({ replicas: w[name].replicas, resources: requests(w[name]), podAnnotations: scrape, ...extra });
  const volume = (gb: number) => ({ persistentVolume: { enabled: true, size: `${gb}Gi`, ...(a.storageClass ? { storageClass: a.storageClass } : {}) } });
  // Without topologyKey the chart generates no anti-affinity: two zones could share a node.
  // Prod's index and metadata caches (the chart wires them into the store-gateway's config when enabled).
  const sizes = mimirCaches(a.tier);
  const cacheScrape = { "prometheus.io/scrape": "true", "prometheus.io/port": "9150", "prometheus.io/path": "/metrics" };
  const cache = (name: string, mb: number) => ({ enabled: true, replicas: w[name].replicas, allocatedMemory: mb, resources: requests(w[name]), podAnnotations: cacheScrape });
  const caches =
    sizes.indexMb > 0 && sizes.metadataMb > 0
      ? { "index-cache": cache("mimir-index-cache", sizes.indexMb), "metadata-cache": cache("mimir-metadata-cache", sizes.metadataMb), memcachedExporter: { resources: requests(w["mimir-cache-exporter"]) } }
      : {};
  const zones = { zoneAwareReplication: ha ? { enabled: true, topologyKey: "kubernetes.io/hostname" } : { enabled: false } };
  return {
    serviceAccount: { create: true, name: serviceAccounts.mimir, annotations: a.annotations },
    // MinIO keys: env from the Cloud port's Secret for every component, which expands the config's
    // ${VAR} references (the chart passes -config.expand-env=true to each component itself).
    ...(s.credentialsSecret ? { global: { extraEnvFrom: credentialsEnvFrom(s) } } : {}),
    mimir: {
      structuredConfig: {
        usage_stats: { enabled: false },
        common: { storage: storageConfig },
        blocks_storage: { backend: storageConfig.backend, storage_prefix: "blocks" },
        ruler_storage: { storage_prefix: "ruler" },
        alertmanager_storage: { storage_prefix: "alertmanager" },
        ingest_storage: { enabled: false },
        ingester: { push_grpc_method_enabled: true, ring: { replication_factor: ha ? 3 : 1 } },
        store_gateway: { sharding_ring: { replication_factor: ha ? 3 : 1 } },
        limits: {
          // Per-tier ceilings (platform:observability.limits.metrics); Mimir's defaults refuse a modest prod cluster's series.
          max_global_series_per_user: a.settings.limits.metrics.maxSeries,
          ingestion_rate: a.settings.limits.metrics.ingestionRate,
          ingestion_burst_size: a.settings.limits.metrics.ingestionBurstSize,
          compactor_blocks_retention_period: a.settings.retention.metrics,
          max_global_exemplars_per_user: maxExemplars,
          // Queries may not reach past retention.
          max_total_query_length: a.settings.retention.metrics,
        },
      },
    },
    minio: { enabled: false },
    kafka: { enabled: false },
    // Alerting and recording rules are not part of this stack.
    alertmanager: { enabled: false },
    ruler: { enabled: false },
    overrides_exporter: { enabled: false },
    // The rollout-operator applies changes zone by zone to the multi-zone StatefulSets (they use
    // OnDelete), so prod needs it. Its webhooks listen on 8443, which a private GKE control plane
    // cannot reach (it reaches nodes on 443 and 10250 only), and its pod-eviction webhook fails
    // closed (failurePolicy Fail), so every eviction in the namespace (node drains, upgrades)
    // would be refused: they are off.
    rollout_operator: ha ? { enabled: true, webhooks: { enabled: false }, resources: requests(w["mimir-rollout-operator"]) } : { enabled: false },
    distributor: component("mimir-distributor"),
    ingester: component("mimir-ingester", { ...zones, ...volume(a.settings.sizes.mimirStorageGb) }),
    querier: component("mimir-querier"),
    query_frontend: component("mimir-query-frontend"),
    query_scheduler: component("mimir-query-scheduler"),
    store_gateway: component("mimir-store-gateway", { ...zones, ...volume(ha ? 20 : 2) }),
    compactor: component("mimir-compactor", volume(ha ? 20 : 2)),
    gateway: { enabled: true, replicas: w["mimir-gateway"].replicas, resources: requests(w["mimir-gateway"]) },
    ...caches,
  };
}

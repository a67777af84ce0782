// Resource requests of every observability workload, per tier, in one table: the charts' values
// are built from it, and so are the totals the README shows (npm test checks that they agree).
// Requests only: limits are left to the charts (memory limits on Go programs that size their heap
// from GOMEMLIMIT are set by the charts where they have them).
import type { Tier } from "../../infra/config/schema";

export interface Workload {
  replicas: number;
  /** millicores */
  cpu: number;
  /** MiB */
  memoryMi: number;
  /** One pod per node (Alloy): totals are per node. */
  perNode?: boolean;
}

export const requests = (w: Workload) => ({ requests: { cpu: `${w.cpu}m`, memory: `${w.memoryMi}Mi` } });

/** Loki's memcached pods request 1.2x their cache size (the chart's own formula for allocatedMemory). */
export const memcachedMemoryMi = (allocatedMb: number) => Math.round(allocatedMb * 1.2);

const small = (tier: Tier) => tier !== "prod";

/** Cache sizes (MB) of Loki's memcached; 0 = cache off (the chart's default chunks cache is 8 GB). */
export function lokiCaches(tier: Tier): { chunksMb: number; resultsMb: number } {
  if (tier === "local" || tier === "ephemeral") return { chunksMb: 0, resultsMb: 0 };
  if (tier === "dev") return { chunksMb: 256, resultsMb: 64 };
  return { chunksMb: 2048, resultsMb: 512 };
}

/**
 * Cache sizes (MB) of Mimir's memcached in prod; 0 = off (the chart ships every cache off). The
 * store-gateways would otherwise read block indexes and metadata from the bucket on every query over
 * 90 days of retention. Chunks and results caches stay off.
 */
export function mimirCaches(tier: Tier): { indexMb: number; metadataMb: number } {
  return tier === "prod" ? { indexMb: 1024, metadataMb: 256 } : { indexMb: 0, metadataMb: 0 };
}

/** Every workload by component, for `tier`; `ingesters` are Mimir's and Loki's (prod). */
export function observabilityWorkloads(tier: Tier, mimirIngesters: number, lokiIngesters: number): Record<string, Workload> {
  const dev = tier === "dev";
  const caches = lokiCaches(tier);
  const cache = (mb: number, cpu: number): Workload[] => (mb > 0 ? [{ replicas: 1, cpu, memoryMi: memcachedMemoryMi(mb) }] : []);
  const w: Record<string, Workload> = {};
  const add = (name: string, x: Workload | undefined) => {
    if (x) w[name] = x;
  };
  if (small(tier)) {
    add("loki", { replicas: 1, cpu: dev ? 250 : 100, memoryMi: dev ? 512 : 256 });
    add("loki-gateway", { replicas: 1, cpu: 10, memoryMi: 32 });
    add("tempo", { replicas: 1, cpu: dev ? 200 : 100, memoryMi: dev ? 512 : 256 });
    add("mimir-distributor", { replicas: 1, cpu: 50, memoryMi: 128 });
    add("mimir-ingester", { replicas: mimirIngesters, cpu: dev ? 200 : 100, memoryMi: dev ? 1024 : 512 });
    add("mimir-querier", { replicas: 1, cpu: 50, memoryMi: 128 });
    add("mimir-query-frontend", { replicas: 1, cpu: 20, memoryMi: 64 });
    add("mimir-query-scheduler", { replicas: 1, cpu: 20, memoryMi: 64 });
    add("mimir-store-gateway", { replicas: 1, cpu: 50, memoryMi: 128 });
    add("mimir-compactor", { replicas: 1, cpu: 50, memoryMi: 128 });
    add("mimir-gateway", { replicas: 1, cpu: 10, memoryMi: 32 });
    add("alloy", { replicas: 1, cpu: dev ? 100 : 50, memoryMi: dev ? 256 : 128, perNode: true });
    add("kube-state-metrics", { replicas: 1, cpu: 10, memoryMi: 64 });
    add("grafana", { replicas: 1, cpu: dev ? 100 : 50, memoryMi: dev ? 256 : 128 });
    add("grafana-sidecar", { replicas: 1, cpu: 10, memoryMi: 64 });
  } else {
    add("loki-distributor", { replicas: 2, cpu: 250, memoryMi: 512 });
    add("loki-ingester", { replicas: lokiIngesters, cpu: 500, memoryMi: 2048 });
    add("loki-querier", { replicas: 2, cpu: 500, memoryMi: 1024 });
    add("loki-query-frontend", { replicas: 2, cpu: 100, memoryMi: 256 });
    add("loki-query-scheduler", { replicas: 2, cpu: 100, memoryMi: 128 });
    add("loki-index-gateway", { replicas: 2, cpu: 100, memoryMi: 512 });
    add("loki-compactor", { replicas: 1, cpu: 250, memoryMi: 512 });
    add("loki-gateway", { replicas: 2, cpu: 50, memoryMi: 64 });
    add("tempo", { replicas: 1, cpu: 500, memoryMi: 2048 });
    add("mimir-distributor", { replicas: 2, cpu: 250, memoryMi: 512 });
    // Holds every series (replication factor 3 over three ingesters): about 500k at 4 GiB (the prod series limit).
    add("mimir-ingester", { replicas: mimirIngesters, cpu: 500, memoryMi: 4096 });
    add("mimir-querier", { replicas: 2, cpu: 250, memoryMi: 512 });
    add("mimir-query-frontend", { replicas: 2, cpu: 100, memoryMi: 256 });
    add("mimir-query-scheduler", { replicas: 2, cpu: 100, memoryMi: 128 });
    add("mimir-store-gateway", { replicas: 3, cpu: 250, memoryMi: 1024 });
    add("mimir-compactor", { replicas: 1, cpu: 250, memoryMi: 1024 });
    add("mimir-gateway", { replicas: 2, cpu: 50, memoryMi: 64 });
    add("mimir-rollout-operator", { replicas: 1, cpu: 100, memoryMi: 100 });
    add("alloy", { replicas: 1, cpu: 200, memoryMi: 512, perNode: true });
    add("kube-state-metrics", { replicas: 1, cpu: 50, memoryMi: 128 });
    add("grafana", { replicas: 1, cpu: 250, memoryMi: 512 });
    add("grafana-sidecar", { replicas: 1, cpu: 50, memoryMi: 64 });
  }
  const mimir = mimirCaches(tier);
  cache(mimir.indexMb, 100).forEach((c) => add("mimir-index-cache", c));
  cache(mimir.metadataMb, 100).forEach((c) => add("mimir-metadata-cache", c));
  // The chart's memcached exporter, a container in each Mimir cache pod.
  const mimirCachePods = [mimir.indexMb, mimir.metadataMb].filter((mb) => mb > 0).length;
  if (mimirCachePods > 0) add("mimir-cache-exporter", { replicas: mimirCachePods, cpu: 20, memoryMi: 32 });
  cache(caches.chunksMb, tier === "prod" ? 500 : 100).forEach((c) => add("loki-chunks-cache", c));
  cache(caches.resultsMb, tier === "prod" ? 100 : 50).forEach((c) => add("loki-results-cache", c));
  return w;
}

/** CPU (millicores) and memory (MiB) requested in total: the cluster-wide part, and Alloy's part per node. */
export function totals(workloads: Record<string, Workload>): { cpu: number; memoryMi: number; perNode: { cpu: number; memoryMi: number } } {
  const sum = (ws: Workload[]) => ws.reduce((t, x) => ({ cpu: t.cpu + x.replicas * x.cpu, memoryMi: t.memoryMi + x.replicas * x.memoryMi }), { cpu: 0, memoryMi: 0 });
  const all = Object.values(workloads);
  return { ...sum(all.filter((x) => !x.perNode)), perNode: sum(all.filter((x) => x.perNode)) };
}

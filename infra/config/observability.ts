// The observability stack's configuration, platform:observability: Loki (logs), Tempo (traces),
// Mimir (metrics), Grafana and the Alloy collector. Schema, tier defaults and rules live here;
// resolve.ts calls resolveObservability.
import { z } from "zod";
import type { Problem } from "./errors";
import type { Tier } from "./schema";

/** A retention such as 7d or 72h: whole days or hours, as Loki, Tempo and Mimir all read them. */
const retention = z.string().regex(/^[1-9]\d*[dh]$/, { message: "expected whole days or hours such as 7d or 72h" });
/** A volume size in GB. */
const storageGb = z.number().int().min(1).max(16384);
/** A whole count for a per-tenant limit. */
const count = z.number().int().min(1).max(1_000_000_000);
/** A rate or size in MB (Loki's limits take fractions). */
const megabytes = z.number().positive().max(100_000);
/** Dex group names as the connector reports them (GitHub: org:team, Entra: group object IDs). */
const groups = z.array(z.string().min(1)).optional();

export const observability = z.strictObject({
  /** Default: on. */
  enabled: z.boolean().optional(),
  /** How long each signal is kept in object storage. */
  retention: z
    .strictObject({
      logs: retention.optional(),
      traces: retention.optional(),
      metrics: retention.optional(),
    })
    .optional(),
  /** Mesh-wide trace sampling, in percent of requests (0-100; default: 100 on local, 10 on dev/ephemeral, 1 in prod). */
  tracingSamplingPercent: z.number().min(0).max(100).optional(),
  /**
   * Sizes: volumes (WAL, caches' disks) in GB and replicas of the scalable parts. The *StorageGb
   * sizes are set at install time: they are StatefulSet volumeClaimTemplates, which are immutable, so a
   * later change replaces the StatefulSet (its pods go down) and the existing volumes keep their old
   * size (`npm run plan:diff` shows the replace). Resize the PVCs themselves instead.
   */
  sizes: z
    .strictObject({
      /** Loki's WAL and index volume per pod, install-time (default: local/ephemeral 5, dev 10, prod 50). */
      lokiStorageGb: storageGb.optional(),
      /** Tempo's WAL volume, install-time (default: local/ephemeral 5, dev 10, prod 50). */
      tempoStorageGb: storageGb.optional(),
      /** Mimir's ingester volume per pod, install-time (default: local/ephemeral 5, dev 10, prod 50). */
      mimirStorageGb: storageGb.optional(),
      /** Mimir ingesters (default: 1; prod 3, one per zone; at least 3 in prod for zone-aware replication). */
      mimirIngesters: z.number().int().min(1).max(30).optional(),
      /** Loki ingesters in prod (Distributed mode; default 3). Small tiers run Loki as one binary. */
      lokiIngesters: z.number().int().min(1).max(30).optional(),
    })
    .optional(),
  /** Per-tenant ingestion limits (one tenant): pushes beyond them are refused (HTTP 429/400) and counted as discarded. */
  limits: z
    .strictObject({
      metrics: z
        .strictObject({
          /** Active series (Mimir max_global_series_per_user; default 150000, Mimir's own, except prod 500000). */
          maxSeries: count.optional(),
          /** Samples per second (ingestion_rate; default 10000, prod 50000). */
          ingestionRate: count.optional(),
          /** Samples in a burst (ingestion_burst_size; default 200000, prod 500000). */
          ingestionBurstSize: count.optional(),
        })
        .optional(),
      logs: z
        .strictObject({
          /** MB per second (Loki ingestion_rate_mb; default local/ephemeral 4, Loki's own, dev 8, prod 20). */
          ingestionRateMb: megabytes.optional(),
          /** MB in a burst (ingestion_burst_size_mb; default local/ephemeral 6, dev 16, prod 40). */
          ingestionBurstSizeMb: megabytes.optional(),
        })
        .optional(),
    })
    .optional(),
  grafana: z
    .strictObject({
      /** Grafana role of a signed-in user in no listed group (default: Admin on local, else Viewer). */
      defaultRole: z.enum(["Viewer", "Editor", "Admin"]).optional(),
      /** Members of any of these groups (Dex's groups claim) are Grafana admins. */
      adminGroups: groups,
      /** Members of any of these groups are editors. */
      editorGroups: groups,
    })
    .optional(),
});
export type ObservabilityInput = z.infer<typeof observability>;

export interface ObservabilitySettings {
  enabled: boolean;
  retention: { logs: string; traces: string; metrics: string };
  tracingSamplingPercent: number;
  sizes: { lokiStorageGb: number; tempoStorageGb: number; mimirStorageGb: number; mimirIngesters: number; lokiIngesters: number };
  grafana: { defaultRole: "Viewer" | "Editor" | "Admin"; adminGroups: string[]; editorGroups: string[] };
  limits: IngestionLimits;
  /** prod: Loki Distributed, Mimir zone-aware, replicas of every stateless part. */
  highAvailability: boolean;
}

const tierRetention: Record<Tier, ObservabilitySettings["retention"]> = {
  local: { logs: "2d", traces: "1d", metrics: "3d" },
  ephemeral: { logs: "2d", traces: "1d", metrics: "3d" },
  dev: { logs: "7d", traces: "3d", metrics: "15d" },
  prod: { logs: "30d", traces: "14d", metrics: "90d" },
};
export interface IngestionLimits {
  metrics: { maxSeries: number; ingestionRate: number; ingestionBurstSize: number };
  logs: { ingestionRateMb: number; ingestionBurstSizeMb: number };
}
// Small tiers keep Mimir's and Loki's own defaults. Prod's series limit follows its ingesters' memory
// (sizing.ts: 4 GiB each; Mimir's capacity guide: about 2.5 GB per 300k in-memory series, and each of
// the three ingesters holds every series at replication factor 3). Alloy scrapes every 60s, so
// 500k series are about 8k samples/s; the rate leaves room for Tempo's span metrics and bursts.
const tierLimits: Record<Tier, IngestionLimits> = {
  local: { metrics: { maxSeries: 150_000, ingestionRate: 10_000, ingestionBurstSize: 200_000 }, logs: { ingestionRateMb: 4, ingestionBurstSizeMb: 6 } },
  ephemeral: { metrics: { maxSeries: 150_000, ingestionRate: 10_000, ingestionBurstSize: 200_000 }, logs: { ingestionRateMb: 4, ingestionBurstSizeMb: 6 } },
  dev: { metrics: { maxSeries: 150_000, ingestionRate: 10_000, ingestionBurstSize: 200_000 }, logs: { ingestionRateMb: 8, ingestionBurstSizeMb: 16 } },
  prod: { metrics: { maxSeries: 500_000, ingestionRate: 50_000, ingestionBurstSize: 500_000 }, logs: { ingestionRateMb: 20, ingestionBurstSizeMb: 40 } },
};
const tierSampling: Record<Tier, number> = { local: 100, ephemeral: 10, dev: 10, prod: 1 };
const tierStorageGb: Record<Tier, number> = { local: 5, ephemeral: 5, dev: 10, prod: 50 };

/** Hours in a retention such as 7d or 72h. */
export function retentionHours(r: string): number {
  const n = Number(r.slice(0, -1));
  return r.endsWith("d") ? n * 24 : n;
}

/** Applies tier defaults and rules to platform:observability. */
export function resolveObservability(tier: Tier | undefined, o: ObservabilityInput, problems: Problem[], noObjectStore = false): ObservabilitySettings {
  const t = tier ?? "dev";
  const enabled = o.enabled ?? true;
  if (enabled && noObjectStore) {
    problems.push({
      key: "platform:observability.enabled",
      message: "Loki, Tempo and Mimir keep their data in the object store, and this existing cluster has none (ml.objectStore.minio.enabled is false); enable MinIO or set observability.enabled: false",
    });
  }
  const prod = tier === "prod";
  const retentionSettings = { ...tierRetention[t], ...definedOnly(o.retention ?? {}) };
  // Loki's compactor deletes in whole index periods (24h): a shorter retention would keep a day anyway.
  if (retentionHours(retentionSettings.logs) < 24) {
    problems.push({ key: "platform:observability.retention.logs", message: `Loki deletes logs in whole days (its index period is 24h); use at least 24h or 1d (found ${retentionSettings.logs})` });
  }
  const mimirIngesters = o.sizes?.mimirIngesters ?? (prod ? 3 : 1);
  // Zone-aware replication writes each series to three zones: fewer ingesters cannot hold it.
  if (prod && mimirIngesters < 3) {
    problems.push({ key: "platform:observability.sizes.mimirIngesters", message: `prod replicates metrics over three zones, one ingester each at least; use 3 or more (found ${mimirIngesters})` });
  }
  if (!prod && o.sizes?.lokiIngesters !== undefined) {
    problems.push({ key: "platform:observability.sizes.lokiIngesters", message: `tier ${t} runs Loki as one binary (Monolithic); lokiIngesters applies to prod's Distributed mode only; remove it` });
  }
  const size = tierStorageGb[t];
  return {
    enabled,
    retention: retentionSettings,
    tracingSamplingPercent: o.tracingSamplingPercent ?? tierSampling[t],
    sizes: {
      lokiStorageGb: o.sizes?.lokiStorageGb ?? size,
      tempoStorageGb: o.sizes?.tempoStorageGb ?? size,
      mimirStorageGb: o.sizes?.mimirStorageGb ?? size,
      mimirIngesters,
      lokiIngesters: o.sizes?.lokiIngesters ?? 3,
    },
    grafana: {
      defaultRole: o.grafana?.defaultRole ?? (tier === "local" ? "Admin" : "Viewer"),
      adminGroups: o.grafana?.adminGroups ?? [],
      editorGroups: o.grafana?.editorGroups ?? [],
    },
    limits: {
      metrics: { ...tierLimits[t].metrics, ...definedOnly(o.limits?.metrics ?? {}) },
      logs: { ...tierLimits[t].logs, ...definedOnly(o.limits?.logs ?? {}) },
    },
    highAvailability: prod,
  };
}

function definedOnly<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

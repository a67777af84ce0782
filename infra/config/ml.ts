// The ML data layer's configuration, platform:ml: MLflow, its PostgreSQL database, and the
// in-cluster object store (MinIO) that existing clusters use instead of GCS or S3. Schema, tier
// defaults and rules live here; resolve.ts calls resolveMl.
import { z } from "zod";
import type { Problem } from "./errors";
import type { Tier } from "./schema";

export const databaseTiers = ["small", "medium", "large"] as const;
/** RDS's limit for automated backups. */
export const rdsMaxBackupRetentionDays = 35;
export type DatabaseTier = (typeof databaseTiers)[number];

export const ml = z.strictObject({
  mlflow: z
    .strictObject({
      /** Default: on. */
      enabled: z.boolean().optional(),
      /** Tracking server replicas (default: 2 in prod, else 1). */
      replicas: z.number().int().min(1).max(10).optional(),
    })
    .optional(),
  /** The PostgreSQL server the ML services share (one database and user per consumer). */
  database: z
    .strictObject({
      /** small: 1 vCPU / ~4 GB; medium: 2 vCPU / ~8 GB; large: 4 vCPU / ~16 GB (each cloud's nearest size). */
      tier: z.enum(databaseTiers).optional(),
      /** Disk size in GB (default: 100 in prod, else 20). */
      storageGb: z.number().int().min(10).max(16384).optional(),
      /** Days of automated backups kept (default: 30 in prod, 7 in dev, 1 elsewhere). */
      backupRetentionDays: z.number().int().min(1).max(365).optional(),
    })
    .optional(),
  /** Existing clusters only: the in-cluster MinIO behind Cloud.bucket. Cloud stacks use GCS or S3. */
  objectStore: z
    .strictObject({
      minio: z
        .strictObject({
          /** Default: on (existing clusters have no other object store). */
          enabled: z.boolean().optional(),
          /** standalone: one server (default); distributed: erasure-coded over `replicas` servers (at least 4). */
          mode: z.enum(["standalone", "distributed"]).optional(),
          replicas: z.number().int().min(4).max(32).optional(),
          /** Volume size per server in GB (default: 10 on local, 50 elsewhere). */
          storageGb: z.number().int().min(1).max(65536).optional(),
        })
        .optional(),
    })
    .optional(),
});
export type MlInput = z.infer<typeof ml>;

export interface MinioSettings {
  mode: "standalone" | "distributed";
  replicas: number;
  storageGb: number;
}

export interface MlSettings {
  mlflow: { enabled: boolean; replicas: number };
  database: { tier: DatabaseTier; storageGb: number; backupRetentionDays: number; highAvailability: boolean };
  /** Present on existing clusters with MinIO on; cloud stacks use GCS or S3. */
  minio?: MinioSettings;
}

/** Applies tier defaults and rules to platform:ml. `cloudKind` is undefined when platform:cloud is invalid. */
export function resolveMl(tier: Tier | undefined, cloudKind: "gke" | "eks" | "existing" | undefined, m: MlInput, problems: Problem[]): MlSettings {
  const prod = tier === "prod";
  const minioInput = m.objectStore?.minio;
  if (minioInput && cloudKind && cloudKind !== "existing") {
    problems.push({
      key: "platform:ml.objectStore.minio",
      message: `a ${cloudKind} stack stores objects in ${cloudKind === "gke" ? "GCS" : "S3"} through workload identity; remove ml.objectStore.minio (it is for existing clusters)`,
    });
  }
  const minioEnabled = cloudKind === "existing" && (minioInput?.enabled ?? true);
  const mode = minioInput?.mode ?? "standalone";
  if (mode === "standalone" && minioInput?.replicas !== undefined) {
    problems.push({ key: "platform:ml.objectStore.minio.replicas", message: "a standalone MinIO runs one server; remove replicas or set mode: distributed" });
  }
  const retention = m.database?.backupRetentionDays;
  if (cloudKind === "eks" && retention !== undefined && retention > rdsMaxBackupRetentionDays) {
    problems.push({ key: "platform:ml.database.backupRetentionDays", message: `RDS keeps automated backups for at most ${rdsMaxBackupRetentionDays} days (found ${retention}); use snapshots for longer retention` });
  }
  // CloudNativePG backups (to the object store) are not built yet: say so instead of running without them.
  if (cloudKind === "existing" && (retention !== undefined || tier === "prod")) {
    problems.push({
      key: "platform:ml.database.backupRetentionDays",
      message:
        tier === "prod"
          ? "prod needs database backups, and backups of the in-cluster PostgreSQL (CloudNativePG) are not implemented yet; run prod on GKE or EKS"
          : "backups of the in-cluster PostgreSQL (CloudNativePG) are not implemented yet; remove backupRetentionDays on existing clusters",
    });
  }
  const mlflowEnabled = m.mlflow?.enabled ?? true;
  if (mlflowEnabled && cloudKind === "existing" && !minioEnabled) {
    problems.push({
      key: "platform:ml.mlflow.enabled",
      message: "MLflow stores its artifacts in the object store, and this existing cluster has none (ml.objectStore.minio.enabled is false); enable MinIO or set mlflow.enabled: false",
    });
  }
  return {
    mlflow: { enabled: mlflowEnabled, replicas: m.mlflow?.replicas ?? (prod ? 2 : 1) },
    database: {
      tier: m.database?.tier ?? (prod ? "medium" : "small"),
      storageGb: m.database?.storageGb ?? (prod ? 100 : 20),
      backupRetentionDays: m.database?.backupRetentionDays ?? (prod ? 30 : tier === "dev" ? 7 : 1),
      highAvailability: prod,
    },
    minio: minioEnabled ? { mode, replicas: mode === "distributed" ? (minioInput?.replicas ?? 4) : 1, storageGb: minioInput?.storageGb ?? (tier === "local" ? 10 : 50) } : undefined,
  };
}

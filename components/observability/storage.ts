// One bucket per backend (Loki, Tempo, Mimir) through the Cloud port, and the identity that may
// use it, bound to the service account name the backend's chart is told to create. GCS and S3 use
// workload identity (no keys anywhere); on existing clusters the bucket is MinIO's and the Cloud
// port hands back a Secret with a MinIO user's keys, which reach the backend as environment
// variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) that its config references as ${VAR}: never
// as chart values. Expanding them needs -config.expand-env=true, which the Loki and Mimir charts pass
// to every component themselves; Tempo's chart does not, so tempo.ts adds it.
import type * as pulumi from "@pulumi/pulumi";
import type { Cloud, ObjectStore, WorkloadIdentity } from "../cloud/cloud";
import type { ObservabilitySettings } from "../../infra/config/observability";
import { monitoringNamespace } from "./names";
import type { Workload } from "./sizing";

export interface BackendStorage {
  store: ObjectStore;
  identity: WorkloadIdentity;
  /** GCS or S3-compatible, as the backends name them. */
  backend: "gcs" | "s3";
  /** MinIO only: the Secret with the user's keys, for envFrom. */
  credentialsSecret?: string;
  /** S3 endpoint host[:port] without scheme (AWS: the regional endpoint; MinIO: the in-cluster Service). */
  s3Endpoint?: pulumi.Output<string> | string;
  /** MinIO speaks plain HTTP inside the cluster. */
  insecure: boolean;
}

/** The ${VAR} references the backends' configs use for MinIO keys (expanded from the env at start). */
/** What every backend's chart values are computed from (Loki and Mimir add the tier). */
export interface BackendValuesArgs {
  settings: ObservabilitySettings;
  storage: BackendStorage;
  workloads: Record<string, Workload>;
  /** The stack's StorageClass for the backend's volumes; undefined: the cluster default. */
  storageClass?: string;
  /** The identity's ServiceAccount annotations (GKE WI / IRSA). */
  annotations: unknown;
}

export const accessKeyRef = "${AWS_ACCESS_KEY_ID}";
export const secretKeyRef = "${AWS_SECRET_ACCESS_KEY}";

export function backendStorage(cloud: Cloud, name: string, serviceAccount: string, opts: { parent: pulumi.Resource; dependsOn: pulumi.Resource[] }): BackendStorage {
  // Telemetry is never empty and not user data: outside prod, destroy deletes it with the bucket.
  const store = cloud.bucket(name, { versioning: false, disposable: true }, { parent: opts.parent });
  const identity = cloud.workloadIdentity(name, { namespace: monitoringNamespace, name: serviceAccount }, [{ kind: "objectStore", store, access: "readWrite" }], opts);
  switch (store.kind) {
    case "gcs":
      return { store, identity, backend: "gcs", insecure: false };
    case "s3":
      return { store, identity, backend: "s3", s3Endpoint: `s3.${store.region}.amazonaws.com`, insecure: false };
    case "minio":
      if (!identity.credentialsSecret || !store.endpoint) {
        throw new Error(`${name}: a MinIO bucket needs an endpoint and the consumer's credentials Secret (Cloud.workloadIdentity on existing clusters)`);
      }
      return { store, identity, backend: "s3", credentialsSecret: identity.credentialsSecret, s3Endpoint: store.endpoint.apply((e) => e.replace(/^https?:\/\//, "")), insecure: true };
  }
}

/** envFrom for a backend's pods: the MinIO keys, or nothing (workload identity). */
export const credentialsEnvFrom = (s: BackendStorage) => (s.credentialsSecret ? [{ secretRef: { name: s.credentialsSecret } }] : []);

// Kubeflow Pipelines on the platform's object store (the overlay removes the bundled SeaweedFS):
// where each part of Pipelines finds the store, per kind (GCS, S3, MinIO), as pure functions the
// tests read, and the objects in namespace kubeflow that the overlay's patches point at.
//
// Artifact isolation is by bucket: each team's runs write to the team's own bucket through the
// team's identity on default-editor (teams.ts), so one team's identity cannot read another's runs.
// The API server and the UI have a bucket of their own and read access to the team buckets.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { stringify as yamlOf } from "yaml";
import type { Cloud, ObjectStore, WorkloadIdentity } from "../../cloud/cloud";
import { kubeflowNamespace } from "./edge";

/** The ConfigMap the API server's and UI's env read (see kustomize/kubeflow/pipelines). */
export const objectStoreConfigMap = "pipelines-object-store";
/** Credentials Secrets the overlay points the API server and UI at; names follow Cloud.workloadIdentity's `<name>-s3-credentials`. */
export const pipelinesIdentities = { api: { name: "kfp-api", serviceAccount: "ml-pipeline" }, ui: { name: "kfp-ui", serviceAccount: "ml-pipeline-ui" } } as const;
export const credentialsSecretName = (identityName: string) => `${identityName}-s3-credentials`;

/** A MinIO store always carries its endpoint (Cloud.bucket on existing clusters). */
function minioUrl(endpoint: string | undefined): URL {
  if (!endpoint) throw new Error("a MinIO object store has no endpoint; this is a bug in the cloud adapter");
  return new URL(endpoint);
}

/** The pipelines-object-store ConfigMap's data: the API server speaks S3 only; the UI also reads gs:// itself. */
export function objectStoreSettings(store: Pick<ObjectStore, "kind" | "region">, bucket: string, minioEndpoint?: string): Record<string, string> {
  switch (store.kind) {
    case "minio": {
      const url = minioUrl(minioEndpoint);
      const [host, namespace] = url.hostname.split(".");
      return { host: url.hostname, port: url.port || "80", secure: String(url.protocol === "https:"), bucket, region: store.region ?? "us-east-1", minioHost: host, minioNamespace: namespace };
    }
    case "s3": {
      const region = store.region ?? "us-east-1";
      return { host: `s3.${region}.amazonaws.com`, port: "443", secure: "true", bucket, region, minioHost: "", minioNamespace: "" };
    }
    case "gcs":
      // GCS's S3-compatible API needs HMAC keys, which this platform does not mint: the API server
      // reaches no bucket on GKE (archived step logs and v1 artifacts are not shown). Runs, the UI
      // (gs:// through workload identity) and the launcher are unaffected.
      return { host: "storage.googleapis.com", port: "443", secure: "true", bucket, region: "auto", minioHost: "", minioNamespace: "" };
  }
}

/** A team namespace's kfp-launcher ConfigMap: where KFP v2 steps write artifacts, and how they authenticate. */
export function launcherConfig(store: Pick<ObjectStore, "kind" | "region">, bucket: string, credentialsSecret: string | undefined, minioEndpoint?: string): Record<string, string> {
  const root = `${store.kind === "gcs" ? "gs" : store.kind === "s3" ? "s3" : "minio"}://${bucket}/v2/artifacts`;
  switch (store.kind) {
    case "gcs":
      // No providers block: the launcher opens gs:// with application default credentials (workload identity).
      return { defaultPipelineRoot: root };
    case "s3":
      return { defaultPipelineRoot: root, providers: yamlOf({ s3: { default: { region: store.region ?? "us-east-1", credentials: { fromEnv: true } } } }) };
    case "minio": {
      if (!credentialsSecret) throw new Error("a MinIO pipeline root needs the team's credentials Secret");
      const url = minioUrl(minioEndpoint);
      return {
        defaultPipelineRoot: root,
        providers: yamlOf({
          minio: {
            default: {
              endpoint: url.host,
              region: store.region ?? "us-east-1",
              disableSSL: url.protocol !== "https:",
              forcePathStyle: true,
              credentials: { fromEnv: false, secretRef: { secretName: credentialsSecret, accessKeyKey: "AWS_ACCESS_KEY_ID", secretKeyKey: "AWS_SECRET_ACCESS_KEY" } },
            },
          },
        }),
      };
    }
  }
}

/** Argo's default artifact repository of a team namespace (ConfigMap artifact-repositories, key default-namespaced). */
export function argoArtifactRepository(store: Pick<ObjectStore, "kind" | "region">, bucket: string, credentialsSecret: string | undefined, minioEndpoint?: string): Record<string, unknown> {
  const keyFormat = "artifacts/{{workflow.name}}/{{workflow.creationTimestamp.Y}}/{{workflow.creationTimestamp.m}}/{{workflow.creationTimestamp.d}}/{{pod.name}}";
  switch (store.kind) {
    case "gcs":
      return { archiveLogs: true, gcs: { bucket, keyFormat } };
    case "s3":
      return { archiveLogs: true, s3: { endpoint: "s3.amazonaws.com", bucket, region: store.region ?? "us-east-1", useSDKCreds: true, keyFormat } };
    case "minio": {
      if (!credentialsSecret) throw new Error("a MinIO artifact repository needs the team's credentials Secret");
      const url = minioUrl(minioEndpoint);
      return {
        archiveLogs: true,
        s3: {
          endpoint: url.host,
          bucket,
          insecure: url.protocol !== "https:",
          keyFormat,
          accessKeySecret: { name: credentialsSecret, key: "AWS_ACCESS_KEY_ID" },
          secretKeySecret: { name: credentialsSecret, key: "AWS_SECRET_ACCESS_KEY" },
        },
      };
    }
  }
}




export interface PipelinesStoreArgs {
  cloud: Cloud;
  /** The kubeflow namespace (the platform Directory). */
  kubeflowNamespace: pulumi.Resource;
  /** Team buckets the UI reads artifacts from. */
  teamBuckets: ObjectStore[];
  parent: pulumi.Resource;
}

/**
 * The API server's bucket and the objects in namespace kubeflow that the overlay points at. The
 * pipelines Directory must depend on `ready`: the service accounts carry their identity before any
 * pod exists, and the ConfigMap and Secrets exist before the pods read them.
 */
export function pipelinesStore(args: PipelinesStoreArgs) {
  const { cloud, parent } = args;
  const after = { parent, dependsOn: [args.kubeflowNamespace] };
  const bucket = cloud.bucket("kubeflow-pipelines", {}, { parent });
  const identities: Record<"api" | "ui", WorkloadIdentity> = {
    api: cloud.workloadIdentity(pipelinesIdentities.api.name, { namespace: kubeflowNamespace, name: pipelinesIdentities.api.serviceAccount }, [{ kind: "objectStore", store: bucket, access: "readWrite" }], after),
    ui: cloud.workloadIdentity(
      pipelinesIdentities.ui.name,
      { namespace: kubeflowNamespace, name: pipelinesIdentities.ui.serviceAccount },
      [bucket, ...args.teamBuckets].map((store) => ({ kind: "objectStore" as const, store, access: "read" as const })),
      after,
    ),
  };
  const ready: pulumi.Resource[] = [];
  for (const [role, identity] of Object.entries(identities) as ["api" | "ui", WorkloadIdentity][]) {
    const ids = pipelinesIdentities[role];
    ready.push(
      new k8s.core.v1.ServiceAccount(
        `kubeflow-${ids.serviceAccount}`,
        { metadata: { name: ids.serviceAccount, namespace: kubeflowNamespace, annotations: identity.annotations, labels: { "app.kubernetes.io/part-of": "mlops-platform" } } },
        { parent, dependsOn: [args.kubeflowNamespace, ...identity.ready] },
      ),
      ...identity.ready,
    );
    // Workload identity needs no keys; the overlay's env still names the Secret, so it exists, empty.
    if (!identity.credentialsSecret) {
      ready.push(
        new k8s.core.v1.Secret(
          `kubeflow-${credentialsSecretName(ids.name)}`,
          { metadata: { name: credentialsSecretName(ids.name), namespace: kubeflowNamespace }, stringData: { AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "" } },
          after,
        ),
      );
    } else if (identity.credentialsSecret !== credentialsSecretName(ids.name)) {
      throw new Error(`Pipelines ${role}: the overlay reads ${credentialsSecretName(ids.name)}, the cloud made ${identity.credentialsSecret}`);
    }
  }
  const data = pulumi.all([bucket.bucket, bucket.endpoint]).apply(([name, endpoint]) => objectStoreSettings(bucket, name, endpoint));
  ready.push(new k8s.core.v1.ConfigMap(`kubeflow-${objectStoreConfigMap}`, { metadata: { name: objectStoreConfigMap, namespace: kubeflowNamespace }, data }, after));
  return { bucket, identities, ready };
}

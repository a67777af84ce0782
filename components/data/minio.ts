// MinIO: the object store behind Cloud.bucket on existing clusters. One chart per stack in
// namespace `minio` (outside the mesh: meshed clients reach it in plain HTTP), root credentials
// generated and handed to the chart through `existingSecret`. Buckets, users and policies are not
// the chart's business (its provisioning runs in Helm hooks, which Helm Chart v4 does not run):
// Kubernetes Jobs with the mc image make them, created after the chart is ready and awaited by
// Pulumi, so a consumer waits for exactly its own bucket, user and policy.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import type { MinioSettings } from "../../infra/config/ml";
import type { Tier } from "../../infra/config/schema";
import { charts, minioImages } from "../../infra/versions";
import { helmChart, namespace } from "../helm";

export const minioNamespace = "minio";
/** The chart's API Service for release "minio": fullname "minio" (the release name contains the chart name), service.port 9000. */
export const minioEndpoint = `http://minio.${minioNamespace}.svc.cluster.local:9000`;
/** MinIO's default region (MINIO_REGION unset). */
export const minioRegion = "us-east-1";
export const rootSecretName = "minio-root-credentials";

/** image reference `repository:tag@digest`; the chart renders `repository:tag`, so the digest rides on the tag. */
export const pinnedTag = (i: { tag: string; digest: string }) => `${i.tag}@${i.digest}`;
export const mcImage = `${minioImages.mc.repository}:${pinnedTag(minioImages.mc)}`;

/** Server requests and limits per tier (the chart's default asks for 16Gi of memory per server). */
export const minioResources: Record<Tier, { requests: { cpu: string; memory: string }; limits: { memory: string } }> = {
  local: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } },
  ephemeral: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } },
  dev: { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "2Gi" } },
  prod: { requests: { cpu: "500m", memory: "2Gi" }, limits: { memory: "4Gi" } },
};

/** S3 bucket names: 3-63 characters, lowercase letters, digits, dots and hyphens, starting and ending alphanumeric. */
const bucketName = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** MinIO access keys: at least 3 characters; kept to what is also a Kubernetes name. */
const userName = /^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$/;

export type MinioAccess = "read" | "readWrite";

const readActions = ["s3:GetBucketLocation", "s3:ListBucket", "s3:GetObject"];
const writeActions = ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"];
const bucketLevel = new Set(["s3:GetBucketLocation", "s3:ListBucket"]);

/** An IAM-style policy document, as MinIO reads it. */
export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: { Effect: "Allow"; Action: string[]; Resource: string[] }[];
}

/** A policy allowing exactly `grants`: bucket-level actions on each bucket's ARN, object actions on its objects. */
export function bucketPolicy(grants: { bucket: string; access: MinioAccess }[]): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: grants.flatMap(({ bucket, access }) => {
      const actions = access === "readWrite" ? [...readActions, ...writeActions] : readActions;
      return [
        { Effect: "Allow" as const, Action: actions.filter((a) => bucketLevel.has(a)), Resource: [`arn:aws:s3:::${bucket}`] },
        { Effect: "Allow" as const, Action: actions.filter((a) => !bucketLevel.has(a)), Resource: [`arn:aws:s3:::${bucket}/*`] },
      ];
    }),
  };
}

export interface MinioArgs {
  settings: MinioSettings;
  tier: Tier;
  /** StorageClass of the servers' volumes; undefined means the cluster default. */
  storageClass?: string;
  /** prod: the standalone server's volume is protected and kept when the stack is destroyed. */
  protect: boolean;
  provider: k8s.Provider;
}

interface BucketRecord {
  name: string;
  job: k8s.batch.v1.Job;
}

export interface MinioUser {
  /** The user's access key (its name). */
  user: string;
  /** The Secret in the consumer's namespace with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. */
  credentialsSecret: k8s.core.v1.Secret;
  /** The Job that made the user and its policy (and so waited for the buckets' Jobs). */
  job: k8s.batch.v1.Job;
  /** The bucket Jobs of the granted buckets. */
  buckets: k8s.batch.v1.Job[];
}

const mergeDependsOn = (opts: pulumi.CustomResourceOptions | undefined, extra: pulumi.Resource[]): pulumi.Input<pulumi.Input<pulumi.Resource>[]> =>
  pulumi.output(opts?.dependsOn ?? []).apply((d) => [...(Array.isArray(d) ? d : [d]), ...extra]) as unknown as pulumi.Input<pulumi.Input<pulumi.Resource>[]>;

export class Minio extends pulumi.ComponentResource {
  public readonly endpoint = minioEndpoint;
  public readonly chart: k8s.helm.v4.Chart;
  public readonly rootSecret: k8s.core.v1.Secret;
  private readonly provider: k8s.Provider;
  private readonly buckets = new Map<string, BucketRecord>();
  private readonly users = new Set<string>();

  constructor(name: string, args: MinioArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:data:Minio", name, {}, opts);
    this.provider = args.provider;
    const parent = { parent: this, provider: args.provider };
    const s = args.settings;
    const ns = namespace(minioNamespace, undefined, parent);

    const rootUser = new random.RandomString("minio-root-user", { length: 16, special: false, upper: false }, { parent: this });
    const rootPassword = new random.RandomPassword("minio-root-password", { length: 40, special: false }, { parent: this });
    // Explicitly secret: the provider marks `result` secret only when the engine honours additionalSecretOutputs.
    this.rootSecret = new k8s.core.v1.Secret(
      rootSecretName,
      {
        metadata: { name: rootSecretName, namespace: minioNamespace },
        // The keys the chart's existingSecret must hold.
        stringData: { rootUser: pulumi.secret(rootUser.result), rootPassword: pulumi.secret(rootPassword.result) },
      },
      { ...parent, dependsOn: [ns] },
    );

    const size = `${s.storageGb}Gi`;
    // Standalone: the data volume is ours, not the chart's, so prod can protect it and keep it when the
    // stack (or the chart) is deleted. Distributed: the StatefulSet's volume claims, which Kubernetes keeps
    // when the StatefulSet is deleted (persistentVolumeClaimRetentionPolicy defaults to Retain).
    const pvc =
      s.mode === "standalone"
        ? new k8s.core.v1.PersistentVolumeClaim(
            "minio-data",
            {
              metadata: { name: "minio-data", namespace: minioNamespace },
              spec: { accessModes: ["ReadWriteOnce"], storageClassName: args.storageClass, resources: { requests: { storage: size } } },
            },
            { ...parent, dependsOn: [ns], protect: args.protect, retainOnDelete: args.protect },
          )
        : undefined;

    const values = {
      mode: s.mode,
      // Standalone MinIO has one volume: a rolling update (the chart's default, maxSurge 100%) would
      // start a second server on the same claim (Multi-Attach on another node, shared data on the same).
      ...(s.mode === "standalone" ? { deploymentUpdate: { type: "Recreate" } } : {}),
      replicas: s.replicas,
      image: { repository: minioImages.server.repository, tag: pinnedTag(minioImages.server) },
      mcImage: { repository: minioImages.mc.repository, tag: pinnedTag(minioImages.mc) },
      existingSecret: rootSecretName,
      persistence: { enabled: true, size, storageClass: args.storageClass ?? "", ...(pvc ? { existingClaim: "minio-data" } : {}) },
      resources: minioResources[args.tier],
      // No chart provisioning: it runs in a post-install hook Job, which Helm Chart v4 does not run.
      // `users` overrides the chart's default console/console123 admin.
      users: [],
      buckets: [],
      policies: [],
      svcaccts: [],
      customCommands: [],
    };
    this.chart = helmChart("minio", minioNamespace, charts.minio, values, { ...parent, dependsOn: [ns, this.rootSecret, ...(pvc ? [pvc] : [])] });
    this.registerOutputs({ endpoint: this.endpoint });
  }

  /**
   * A Job running `script` with mc against this MinIO as root. The root credentials reach it only
   * through the root Secret (env secretKeyRef, composed into MC_HOST_minio by Kubernetes). The Job is
   * auto-named: its pod template is immutable, so any change (the script, a bucket, a Secret's name)
   * replaces it with a new Job, created before the old one is deleted, which runs again.
   */
  private job(name: string, script: string, env: k8s.types.input.core.v1.EnvVar[], opts: pulumi.CustomResourceOptions, extraDeps: pulumi.Resource[]): k8s.batch.v1.Job {
    const labels = { "app.kubernetes.io/name": "minio-provisioning", "app.kubernetes.io/instance": name, "app.kubernetes.io/part-of": "mlops-platform" };
    const rootRef = (key: string) => ({ secretKeyRef: { name: this.rootSecret.metadata.name, key } });
    return new k8s.batch.v1.Job(
      name,
      {
        metadata: { namespace: minioNamespace, labels },
        spec: {
          // Retries of a failed run; `mc ready` waits for the server within one run.
          backoffLimit: 3,
          activeDeadlineSeconds: 900,
          template: {
            metadata: { labels },
            spec: {
              restartPolicy: "Never",
              automountServiceAccountToken: false,
              securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
              containers: [
                {
                  name: "mc",
                  image: mcImage,
                  command: ["/bin/sh", "-ec", script],
                  env: [
                    { name: "MINIO_ROOT_USER", valueFrom: rootRef("rootUser") },
                    { name: "MINIO_ROOT_PASSWORD", valueFrom: rootRef("rootPassword") },
                    // Generated credentials are alphanumeric, so they are URL-safe here.
                    { name: "MC_HOST_minio", value: `http://$(MINIO_ROOT_USER):$(MINIO_ROOT_PASSWORD)@minio.${minioNamespace}.svc.cluster.local:9000` },
                    // mc writes its config dir; the root filesystem is read-only (and UID 1000 has no home).
                    { name: "MC_CONFIG_DIR", value: "/tmp/.mc" },
                    { name: "HOME", value: "/tmp" },
                    ...env,
                  ],
                  resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "128Mi" } },
                  securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                  volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                },
              ],
              volumes: [{ name: "tmp", emptyDir: {} }],
            },
          },
        },
      },
      { ...opts, provider: this.provider, dependsOn: mergeDependsOn(opts, [this.chart, this.rootSecret, ...extraDeps]) },
    );
  }

  /** Makes bucket `name` (idempotently) with a Job; `opts` places it (parent) like a cloud bucket. */
  bucket(name: string, versioning: boolean, opts?: pulumi.CustomResourceOptions): BucketRecord {
    if (!bucketName.test(name) || name.includes("..")) {
      throw new Error(`bucket "${name}": not a valid bucket name (3-63 lowercase letters, digits, dots or hyphens, starting and ending with a letter or digit)`);
    }
    if (this.buckets.has(name)) throw new Error(`bucket "${name}" is created twice; create it once and share the ObjectStore`);
    const script = ['mc ready minio', 'mc mb --ignore-existing "minio/$BUCKET"', ...(versioning ? ['mc version enable "minio/$BUCKET"'] : [])].join("\n");
    const job = this.job(`minio-bucket-${name}`, script, [{ name: "BUCKET", value: name }], { ...opts, parent: opts?.parent ?? this }, []);
    const record = { name, job };
    this.buckets.set(name, record);
    return record;
  }

  /** True if `bucket` was made by this MinIO. */
  hasBucket(bucket: string): boolean {
    return this.buckets.has(bucket);
  }

  /**
   * A MinIO user `name` with a generated secret key and a policy (also named `name`) allowing exactly
   * `grants`, and a Secret `<name>-s3-credentials` in `consumerNamespace` with its keys. `opts` applies
   * to the consumer's Secret too: pass dependsOn the consumer's namespace if this program creates it.
   * `secretAnnotations` go on that Secret (e.g. where a consumer reading it finds this MinIO).
   */
  user(
    name: string,
    consumerNamespace: string,
    grants: { bucket: string; access: MinioAccess }[],
    opts?: pulumi.CustomResourceOptions,
    secretAnnotations?: pulumi.Input<Record<string, string>>,
  ): MinioUser {
    if (!userName.test(name)) throw new Error(`MinIO user "${name}": use 3-64 lowercase letters, digits or hyphens, starting and ending with a letter or digit`);
    if (this.users.has(name)) throw new Error(`MinIO user "${name}" is created twice; one workload identity per name`);
    const unknown = grants.filter((g) => !this.buckets.has(g.bucket)).map((g) => g.bucket);
    if (unknown.length > 0) throw new Error(`MinIO user "${name}": buckets ${unknown.join(", ")} are not this stack's MinIO buckets (create them with Cloud.bucket)`);
    this.users.add(name);
    const placed = { ...opts, parent: opts?.parent ?? this, provider: this.provider };
    const password = new random.RandomPassword(`minio-user-${name}`, { length: 40, special: false }, { parent: placed.parent });
    const secretKey = pulumi.secret(password.result);
    // The Job's copy of the credentials, in minio's namespace. Auto-named and replaced when its data
    // changes, so a new secret key gives the Job a new Secret name, and so a new Job run.
    const jobSecret = new k8s.core.v1.Secret(
      `minio-user-${name}`,
      { metadata: { namespace: minioNamespace, labels: { "app.kubernetes.io/part-of": "mlops-platform" } }, stringData: { accessKey: name, secretKey } },
      { parent: placed.parent, provider: this.provider, dependsOn: [this.rootSecret], replaceOnChanges: ["stringData", "data"] },
    );
    const policy = JSON.stringify(bucketPolicy(grants));
    const script = [
      "mc ready minio",
      'printf "%s" "$POLICY" > /tmp/policy.json',
      // create replaces a policy of the same name, so a changed grant takes effect on the next run.
      'mc admin policy create minio "$USER_NAME" /tmp/policy.json',
      // add sets the secret key of an existing user; the keys come on stdin, not in argv.
      'printf "%s\\n%s\\n" "$USER_NAME" "$USER_SECRET_KEY" | mc admin user add minio',
      'if ! out=$(mc admin policy attach minio "$USER_NAME" --user "$USER_NAME" 2>&1); then',
      '  case "$out" in *"already in effect"*) echo "policy $USER_NAME is already attached" ;; *) echo "$out" >&2; exit 1 ;; esac',
      "fi",
    ].join("\n");
    const bucketJobs = grants.map((g) => this.buckets.get(g.bucket)!.job);
    const job = this.job(
      `minio-user-${name}`,
      script,
      [
        { name: "USER_NAME", value: name },
        { name: "USER_SECRET_KEY", valueFrom: { secretKeyRef: { name: jobSecret.metadata.name, key: "secretKey" } } },
        { name: "POLICY", value: policy },
      ],
      { parent: placed.parent },
      [jobSecret, ...bucketJobs],
    );
    const credentialsSecret = new k8s.core.v1.Secret(
      `${name}-s3-credentials`,
      {
        metadata: { name: `${name}-s3-credentials`, namespace: consumerNamespace, labels: { "app.kubernetes.io/part-of": "mlops-platform" }, annotations: secretAnnotations },
        stringData: { AWS_ACCESS_KEY_ID: name, AWS_SECRET_ACCESS_KEY: secretKey },
      },
      placed,
    );
    return { user: name, credentialsSecret, job, buckets: [...new Set(bucketJobs)] };
  }
}

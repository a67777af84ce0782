// Existing-cluster adapter: adopts any cluster reachable through a kubeconfig
// (kind, k3d, minikube on a laptop, or a cluster someone else manages). It
// creates no cloud resources and holds no cloud identity.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { ExistingSettings, PlatformConfig } from "../../infra/config/resolve";
import { Minio, minioRegion } from "../data/minio";
import { CnpgPostgres } from "./cnpg";
import type { BucketOptions, Cloud, Database, Dns01Solver, Grant, ObjectStore, ServiceAccountRef, WorkloadIdentity, WorkloadIdentityOptions } from "./cloud";

export interface ExistingClusterArgs {
  settings: ExistingSettings;
  /** The stack's config: tier, protect and ml.minio for the MinIO behind bucket(). */
  config: PlatformConfig;
}

export class ExistingCluster extends pulumi.ComponentResource implements Cloud {
  public readonly kind = "existing" as const;
  public readonly provider: k8s.Provider;
  public readonly clusterName: pulumi.Output<string>;
  public readonly storageClass?: string;
  public readonly dnsProvider = undefined;
  private readonly config: PlatformConfig;
  /** The stack's MinIO, installed by the first bucket() call. */
  private minio?: Minio;
  /** The stack's CloudNativePG server, installed by the first database() call. */
  private postgres?: CnpgPostgres;
  private readonly stores = new WeakMap<ObjectStore, string>();

  constructor(name: string, args: ExistingClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:cloud:Existing", name, {}, opts);
    const s = args.settings;
    this.config = args.config;
    this.storageClass = s.storageClass;
    // kubeconfig may be a path; the provider reads it at deploy time, so nothing from it lands in state.
    this.provider = new k8s.Provider(
      "existing",
      { kubeconfig: s.kubeconfig, context: s.context, enableServerSideApply: true },
      { parent: this },
    );
    this.clusterName = pulumi.output(s.context ?? "current-context");
    this.registerOutputs({ clusterName: this.clusterName });
  }

  /**
   * No cloud identity here. Object-store grants on this stack's MinIO buckets get a MinIO user `name`
   * whose policy allows exactly those buckets, and a Secret `<name>-s3-credentials` (AWS_ACCESS_KEY_ID,
   * AWS_SECRET_ACCESS_KEY) in sa.namespace: `credentialsSecret`. `opts` places the resources (parent) and
   * applies to that Secret: if this program creates the consumer's namespace, pass dependsOn it.
   * `ready` holds the Jobs that made the buckets, the user and its policy, and the Secret, which
   * carries `options.credentialsSecretAnnotations`.
   * Other grants (dnsRecords) have no equivalent and fail.
   */
  workloadIdentity(name: string, sa: ServiceAccountRef, grants: Grant[], opts?: pulumi.ComponentResourceOptions, options: WorkloadIdentityOptions = {}): WorkloadIdentity {
    const none = { annotations: pulumi.output<Record<string, string>>({}), principal: pulumi.output<string | undefined>(undefined), serviceAccount: sa, ready: [] };
    if (grants.length === 0) return none;
    const other = grants.filter((g) => g.kind !== "objectStore");
    if (other.length > 0) {
      throw new Error(
        `an existing cluster has no cloud identity to give ${sa.namespace}/${sa.name} the grants ${other.map((g) => g.kind).join(", ")}; ` +
          "configure credentials for that workload directly",
      );
    }
    const minioGrants = grants.map((g) => {
      const bucket = g.kind === "objectStore" ? this.stores.get(g.store) : undefined;
      if (g.kind !== "objectStore" || bucket === undefined || !this.minio) {
        throw new Error(`${sa.namespace}/${sa.name}: an object-store grant on an existing cluster needs a bucket made by this stack's Cloud.bucket (MinIO)`);
      }
      return { bucket, access: g.access };
    });
    const user = this.minio!.user(name, sa.namespace, minioGrants, opts, options.credentialsSecretAnnotations);
    return {
      annotations: pulumi.output<Record<string, string>>({}),
      principal: pulumi.output<string | undefined>(user.user),
      serviceAccount: sa,
      credentialsSecret: `${name}-s3-credentials`,
      ready: [...user.buckets, user.job, user.credentialsSecret],
    };
  }

  /**
   * A bucket `name` on the stack's in-cluster MinIO, installed by the first call (namespace minio).
   * Not protected by itself: in prod the standalone server's volume is protected and kept on delete;
   * removing a bucket from the program leaves the bucket and its objects in MinIO. `disposable`
   * changes nothing here: destroy never empties a MinIO bucket, so it never blocks on one.
   */
  bucket(name: string, opts: BucketOptions = {}, resourceOpts?: pulumi.ComponentResourceOptions): ObjectStore {
    const settings = this.config.ml.minio;
    if (!settings) {
      throw new Error(`bucket "${name}": object storage on this existing cluster is MinIO, which is disabled (platform:ml.objectStore.minio.enabled is false); enable it`);
    }
    this.minio ??= new Minio("minio", { settings, tier: this.config.tier, storageClass: this.storageClass, protect: this.config.protect, provider: this.provider }, { parent: this });
    this.minio.bucket(name, opts.versioning ?? false, resourceOpts);
    const store: ObjectStore = {
      kind: "minio",
      bucket: pulumi.output(name),
      url: pulumi.output(`s3://${name}`),
      endpoint: pulumi.output(this.minio.endpoint),
      region: minioRegion,
    };
    this.stores.set(store, name);
    return store;
  }

  externalBucket(name: string): ObjectStore {
    throw new Error(`bucket "${name}": an existing cluster's object store is the stack's MinIO; grant its buckets, not outside ones (platform:kubeflow.teams[].cloudAccess is for GKE and EKS)`);
  }

  dns01Solver(): Dns01Solver | undefined {
    return undefined;
  }

  /** A database and role on the stack's CloudNativePG cluster (operator in cnpg-system, server in postgres). */
  database(consumer: string, opts?: pulumi.ComponentResourceOptions): Database {
    this.postgres ??= new CnpgPostgres("postgres", { config: this.config, storageClass: this.storageClass, provider: this.provider }, { parent: this });
    return this.postgres.database(consumer, opts);
  }
}

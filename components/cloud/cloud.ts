// The Cloud port: everything an add-on may ask of "the cloud". Implemented by
// gke.ts, eks.ts and existing.ts. This file imports no cloud SDK, so add-ons can
// depend on it freely.
import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";

export type CloudKind = "gke" | "eks" | "existing";

/** A Kubernetes service account that a cloud identity is bound to. */
export interface ServiceAccountRef {
  namespace: string;
  name: string;
}

/**
 * What a workload may do, said in cloud-neutral terms. Each adapter turns a
 * grant into the narrowest role or policy it has for it.
 */
export type Grant =
  /**
   * Manage records in the platform's DNS zone (DNS-01 challenges, external-dns).
   * discoverZones: also list the account's zones, which external-dns needs and cert-manager does not.
   */
  | { kind: "dnsRecords"; discoverZones?: boolean }
  /** Read, or read and write, the objects of one bucket. */
  | { kind: "objectStore"; store: ObjectStore; access: "read" | "readWrite" };

export interface WorkloadIdentity {
  /** Service account annotations that make pods assume the cloud identity. */
  annotations: pulumi.Output<Record<string, string>>;
  /** GSA email (GKE), IAM role ARN (EKS), MinIO user (existing clusters with object-store grants), or undefined. */
  principal: pulumi.Output<string | undefined>;
  serviceAccount: ServiceAccountRef;
  /**
   * Existing clusters only, for object-store grants: the name of a Secret in the service account's
   * namespace with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY of a MinIO user whose policy allows
   * exactly the grants. Undefined where the cloud identity works through the annotation alone.
   */
  credentialsSecret?: string;
  /** What the workload must wait for before it uses the identity (bindings, the user and its policy). */
  ready: pulumi.Resource[];
}

/** What a consumer of a workload identity's credentials needs beyond the grants. */
export interface WorkloadIdentityOptions {
  /**
   * Annotations for the credentials Secret, where the cloud makes one (existing clusters: MinIO keys).
   * A consumer that reads its store's address from the Secret itself says so here (KServe's
   * serving.kserve.io/s3-endpoint, ...). Ignored where the identity needs no Secret (GKE, EKS).
   */
  credentialsSecretAnnotations?: pulumi.Input<Record<string, string>>;
}

/** A PostgreSQL database of one consumer (MLflow; later Pipelines, Katib), with a user of its own. */
export interface Database {
  /** Private address the consumer connects to (Cloud SQL private IP, RDS endpoint, in-cluster Service). */
  host: pulumi.Output<string>;
  port: number;
  database: string;
  user: string;
  /** The user's generated password (a secret). */
  password: pulumi.Output<string>;
  /** libpq sslmode clients must use. */
  sslMode: "require" | "verify-full" | "disable";
  /** What a client must wait for before it connects: the server, the database, the user and its grants. */
  ready: pulumi.Resource[];
}

export interface BucketOptions {
  /** Keep old object versions (S3 versioning, GCS object versioning). */
  versioning?: boolean;
  /**
   * The objects can be thrown away with the stack (telemetry, not user data): outside prod, destroy
   * deletes the bucket with its objects (forceDestroy), where it would otherwise fail on a non-empty
   * bucket. Prod keeps its data whatever this says.
   */
  disposable?: boolean;
}

/** Whether destroy deletes a bucket's objects: the tier's rule (ephemeral, local), or a disposable bucket outside prod. */
export function bucketForceDestroy(config: { tier: string; forceDestroy: boolean }, opts: BucketOptions): boolean {
  return config.forceDestroy || (opts.disposable === true && config.tier !== "prod");
}

export interface ObjectStore {
  kind: "gcs" | "s3" | "minio";
  bucket: pulumi.Output<string>;
  /** gs://bucket or s3://bucket */
  url: pulumi.Output<string>;
  /** Set for S3-compatible stores that are not AWS (MinIO). */
  endpoint?: pulumi.Output<string>;
  region?: string;
}

/** How cert-manager answers ACME DNS-01 challenges on this cloud. */
export type Dns01Solver =
  | { cloudDNS: { project: string; hostedZoneName: string } }
  | { route53: { region: string; hostedZoneID: string } };

export interface Cloud {
  kind: CloudKind;
  /** Every Kubernetes resource is created with this provider. */
  provider: k8s.Provider;
  /** kubeconfig for the cluster, as a secret; undefined for existing clusters (the user already has it). */
  kubeconfig?: pulumi.Output<string>;
  clusterName: pulumi.Output<string>;
  /** StorageClass for persistent volumes; undefined means the cluster default. */
  storageClass?: string;
  /** external-dns provider name for this cloud; undefined where DNS is not managed (existing clusters). */
  dnsProvider?: "google" | "aws";
  /** Binds a Kubernetes service account to a cloud identity that holds exactly `grants`. */
  workloadIdentity(name: string, sa: ServiceAccountRef, grants: Grant[], opts?: pulumi.ComponentResourceOptions, options?: WorkloadIdentityOptions): WorkloadIdentity;
  /** Creates a private bucket. */
  bucket(name: string, opts?: BucketOptions, resourceOpts?: pulumi.ComponentResourceOptions): ObjectStore;
  /**
   * A bucket this program does not own (a team's datasets), by name, for grants. Creates nothing.
   * Existing clusters have no bucket outside the stack's MinIO, so they refuse (validated in config).
   */
  externalBucket(name: string): ObjectStore;
  /** The DNS-01 solver for the platform's zone, or undefined where ACME DNS-01 is not available. */
  dns01Solver(): Dns01Solver | undefined;
  /**
   * A database and user of their own for `consumer` (a lowercase identifier such as "mlflow") on the
   * stack's PostgreSQL server: Cloud SQL (GKE), RDS (EKS), CloudNativePG in the cluster (existing).
   */
  database(consumer: string, opts?: pulumi.ComponentResourceOptions): Database;
}

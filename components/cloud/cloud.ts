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
  /** GSA email (GKE), IAM role ARN (EKS), or undefined on existing clusters. */
  principal: pulumi.Output<string | undefined>;
  serviceAccount: ServiceAccountRef;
}

export interface BucketOptions {
  /** Keep old object versions (S3 versioning, GCS object versioning). */
  versioning?: boolean;
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
  workloadIdentity(name: string, sa: ServiceAccountRef, grants: Grant[], opts?: pulumi.ComponentResourceOptions): WorkloadIdentity;
  /** Creates a private bucket. */
  bucket(name: string, opts?: BucketOptions, resourceOpts?: pulumi.ComponentResourceOptions): ObjectStore;
  /** The DNS-01 solver for the platform's zone, or undefined where ACME DNS-01 is not available. */
  dns01Solver(): Dns01Solver | undefined;
}

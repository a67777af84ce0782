// Existing-cluster adapter: adopts any cluster reachable through a kubeconfig
// (kind, k3d, minikube on a laptop, or a cluster someone else manages). It
// creates no cloud resources and holds no cloud identity.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { ExistingSettings } from "../../infra/config/resolve";
import type { BucketOptions, Cloud, Database, Dns01Solver, Grant, ObjectStore, ServiceAccountRef, WorkloadIdentity } from "./cloud";

export interface ExistingClusterArgs {
  settings: ExistingSettings;
}

export class ExistingCluster extends pulumi.ComponentResource implements Cloud {
  public readonly kind = "existing" as const;
  public readonly provider: k8s.Provider;
  public readonly clusterName: pulumi.Output<string>;
  public readonly storageClass?: string;
  public readonly dnsProvider = undefined;

  constructor(name: string, args: ExistingClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:cloud:Existing", name, {}, opts);
    const s = args.settings;
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

  workloadIdentity(_name: string, sa: ServiceAccountRef, grants: Grant[]): WorkloadIdentity {
    if (grants.length > 0) {
      throw new Error(
        `an existing cluster has no cloud identity to give ${sa.namespace}/${sa.name} the grants ${grants.map((g) => g.kind).join(", ")}; ` +
          "configure credentials for that workload directly",
      );
    }
    return { annotations: pulumi.output<Record<string, string>>({}), principal: pulumi.output(undefined), serviceAccount: sa, ready: [] };
  }

  bucket(name: string, _opts?: BucketOptions): ObjectStore {
    // Deliberately unfinished: the MinIO-backed object store arrives with the ML add-ons.
    throw new Error(`bucket "${name}": object storage on existing clusters (MinIO) is not implemented yet`);
  }

  dns01Solver(): Dns01Solver | undefined {
    return undefined;
  }
  database(consumer: string): Database {
    // Deliberately unfinished: the ML data layer (issue 7) adds the database server.
    throw new Error(`database "${consumer}": PostgreSQL on this cloud is not implemented yet`);
  }

}

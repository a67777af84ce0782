// MLflow tracking server at https://mlflow.<domain>, behind the platform's SSO: PostgreSQL backend
// store (a database and user of its own from Cloud.database), artifacts in a bucket of its own
// (Cloud.bucket) reached through workload identity (GCS, S3) or a MinIO user limited to that bucket
// (existing clusters), served by MLflow itself (proxied artifact storage: clients need no bucket
// credentials). Who the user is: the gateway's SSO admits only signed-in users and passes
// kubeflow-userid, which MLflow does not read; MLflow has no per-user permissions here (README).
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import type { Cloud, Database, ObjectStore, WorkloadIdentity } from "../cloud/cloud";
import { helmChart, namespace } from "../helm";
import { allowFromGateway, protectedRoute, uiHost, type UiRoutes } from "../identity/ui-routes";
import { authorizationPolicy } from "../crds/istio";
import { charts } from "../../infra/versions";

export const mlflowNamespace = "mlflow";
export const mlflowRelease = "mlflow";
/** The chart's Service: release name, port 80 in front of MLflow's 5000. */
export const mlflowService = { host: `${mlflowRelease}.${mlflowNamespace}.svc.cluster.local`, port: 80 };
/** What a notebook or pipeline in the cluster sets as MLFLOW_TRACKING_URI. */
export const mlflowInClusterUri = `http://${mlflowService.host}`;
/** The port MLflow listens on in its pod (AuthorizationPolicies match the target port). */
export const mlflowContainerPort = 5000;
const dbPort = 5432;

export interface MlflowArgs {
  cloud: Cloud;
  routes: UiRoutes;
  /** istiod: the namespace is in the mesh, so it and its pods wait for the sidecar injector. */
  istioControlPlane: pulumi.Resource;
  replicas: number;
}

/** Chart values for the artifact store: where MLflow writes, and how it authenticates there. */
export function artifactValues(store: ObjectStore, identity: WorkloadIdentity): { artifactRoot: Record<string, unknown>; env: Record<string, pulumi.Input<string>> } {
  const proxied = { proxiedArtifactStorage: true };
  switch (store.kind) {
    case "gcs":
      return { artifactRoot: { ...proxied, gcs: { enabled: true, bucket: store.bucket, path: "artifacts" } }, env: {} };
    case "s3":
      return { artifactRoot: { ...proxied, s3: { enabled: true, bucket: store.bucket, path: "artifacts" } }, env: store.region ? { AWS_DEFAULT_REGION: store.region } : {} };
    case "minio":
      if (!identity.credentialsSecret || !store.endpoint) {
        throw new Error("a MinIO artifact store needs an endpoint and the consumer's credentials Secret (Cloud.workloadIdentity on existing clusters)");
      }
      return {
        artifactRoot: {
          ...proxied,
          s3: { enabled: true, bucket: store.bucket, path: "artifacts", existingSecret: { name: identity.credentialsSecret, keyOfAccessKeyId: "AWS_ACCESS_KEY_ID", keyOfSecretAccessKey: "AWS_SECRET_ACCESS_KEY" } },
        },
        env: { MLFLOW_S3_ENDPOINT_URL: store.endpoint, AWS_DEFAULT_REGION: store.region ?? "us-east-1" },
      };
  }
}

export class Mlflow extends pulumi.ComponentResource {
  public readonly url: string;
  public readonly inClusterTrackingUri = mlflowInClusterUri;
  public readonly artifactStore: pulumi.Output<string>;
  public readonly database: Database;
  private readonly ns: k8s.core.v1.Namespace;

  constructor(name: string, args: MlflowArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:ml:Mlflow", name, {}, opts);
    const host = uiHost(args.routes, "mlflow");
    this.url = `https://${host}`;
    const ns = namespace(mlflowNamespace, args.istioControlPlane, { parent: this });
    this.ns = ns;
    const sa = { namespace: mlflowNamespace, name: "mlflow" };

    const store = args.cloud.bucket("mlflow-artifacts", { versioning: false }, { parent: this });
    this.artifactStore = store.url;
    const identity = args.cloud.workloadIdentity("mlflow", sa, [{ kind: "objectStore", store, access: "readWrite" }], { parent: this, dependsOn: [ns] });
    this.database = args.cloud.database("mlflow", { parent: this });
    const db = this.database;

    // The database credentials reach MLflow from a Secret (PGUSER/PGPASSWORD), never from chart values.
    const dbSecret = new k8s.core.v1.Secret(
      "mlflow-db",
      { metadata: { name: "mlflow-db", namespace: mlflowNamespace }, type: "kubernetes.io/basic-auth", stringData: { username: db.user, password: db.password } },
      { parent: this, dependsOn: [ns] },
    );
    // The chart makes this Secret in a Helm hook, which Helm Chart v4 does not run; its Deployment
    // reads it (envFrom, not optional), so without it the pods never start.
    const flaskKey = new random.RandomPassword("flask-secret-key", { length: 48, special: false }, { parent: this });
    // The chart passes extraEnvVars to the server container only; this Secret reaches the migration
    // init container too (envFrom), so PGSSLMODE is set here to encrypt both connections.
    const flaskSecret = new k8s.core.v1.Secret(
      "mlflow-flask-server-secret-key",
      {
        metadata: { name: `${mlflowRelease}-flask-server-secret-key`, namespace: mlflowNamespace },
        stringData: { MLFLOW_FLASK_SERVER_SECRET_KEY: pulumi.secret(flaskKey.result), PGSSLMODE: db.sslMode },
      },
      { parent: this, dependsOn: [ns] },
    );

    const artifacts = artifactValues(store, identity);
    helmChart(
      mlflowRelease,
      mlflowNamespace,
      charts.mlflow,
      {
        replicaCount: args.replicas,
        serviceAccount: { create: true, name: sa.name, annotations: identity.annotations },
        backendStore: {
          // `mlflow db upgrade` before the server starts (an init container, not a hook), after a connection check.
          databaseMigration: true,
          databaseConnectionCheck: true,
          postgres: { enabled: true, host: db.host, port: db.port, database: db.database, driver: "psycopg2" },
          existingDatabaseSecret: { name: "mlflow-db", usernameKey: "username", passwordKey: "password" },
        },
        artifactRoot: artifacts.artifactRoot,
        extraEnvVars: { PGSSLMODE: db.sslMode, ...artifacts.env },
        // MLflow 3's security middleware (exact Host match, or fnmatch with "*"; /health is exempt): the
        // platform host, the in-cluster names, and localhost for `kubectl port-forward`.
        serverAllowedHosts: [host, mlflowService.host, `${mlflowRelease}.${mlflowNamespace}`, `${mlflowRelease}.${mlflowNamespace}.svc`, "localhost:*", "127.0.0.1:*"],
        corsAllowedOrigins: [this.url],
        telemetry: { enabled: false },
        podAnnotations: {
          // The database speaks TLS itself (sslmode from the Secret above): its connections, the
          // migration init container's included, go around the proxy, whatever the sidecar mode.
          "traffic.sidecar.istio.io/excludeOutboundPorts": String(dbPort),
          // Restart on a new database password.
          "checksum/db": pulumi.secret(db.password).apply((p) => createHash("sha256").update(p).digest("hex").slice(0, 16)),
        },
      },
      { parent: this, dependsOn: [ns, dbSecret, flaskSecret, ...db.ready, ...identity.ready] },
    );

    protectedRoute(
      args.routes,
      { namespace: mlflowNamespace, ui: "mlflow", http: [{ name: "mlflow", route: [{ destination: { host: mlflowService.host, port: { number: mlflowService.port } } }] }] },
      { parent: this, dependsOn: [ns] },
    );
    allowFromGateway(mlflowNamespace, { parent: this, dependsOn: [ns] });
    this.registerOutputs({ url: this.url, artifactStore: this.artifactStore });
  }

  /**
   * In-cluster clients (notebooks and pipeline steps of Kubeflow teams) reach the tracking server at
   * inClusterTrackingUri with their mesh identity: allow exactly these namespaces.
   */
  allowNamespaces(name: string, namespaces: string[]) {
    if (namespaces.length === 0) return undefined;
    return authorizationPolicy(
      { name, namespace: mlflowNamespace },
      { action: "ALLOW", rules: [{ from: [{ source: { namespaces } }], to: [{ operation: { ports: [String(mlflowContainerPort)] } }] }] },
      { parent: this, dependsOn: [this.ns] },
    );
  }
}

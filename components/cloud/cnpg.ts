// PostgreSQL on existing clusters: the CloudNativePG operator and one Cluster per stack, with a managed
// role (password from a basic-auth Secret) and a Database CR per consumer. No cloud SDK here.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { PlatformConfig } from "../../infra/config/resolve";
import { charts, cnpgPostgresImage } from "../../infra/versions";
import { annotateWebhookConfigurations, helmChart, namespace, waitForWebhookCa } from "../helm";
import type { Database } from "./cloud";
import { claimConsumer, generatedPassword } from "./postgres";

export const cnpgOperatorNamespace = "cnpg-system";
export const postgresNamespace = "postgres";
export const postgresClusterName = "postgres";

/**
 * The CNPG operator makes its own CA at startup and injects it into both webhook configurations
 * (pkg/certs: injectPublicKeyInto{Mutating,Validating}Webhook); the chart has no annotation value for
 * them alone (commonAnnotations would reach every object). This transform annotates just those two,
 * so the chart is ready only once the API server can call the webhooks that Cluster and Database CRs go through.
 */
export const cnpgWebhookCaWait = annotateWebhookConfigurations(["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"], waitForWebhookCa);

interface Role {
  name: string;
  ensure: "present";
  login: true;
  passwordSecret: { name: string };
}

export interface CnpgPostgresArgs {
  config: PlatformConfig;
  storageClass?: string;
  provider: k8s.Provider;
}

/**
 * The operator chart (cnpg-system) and the stack's Cluster (namespace postgres), both outside the mesh:
 * Postgres speaks its own TLS, and sidecars would break the operator's instance manager and replication.
 * Backups: none yet (a later step adds a barman-cloud ObjectStore on MinIO); the PVCs are the data.
 *
 * managed.roles is one list on the Cluster, while consumers call database() one by one: the list is
 * gathered while the program registers its resources and sealed right after (setImmediate), so every
 * database() call made in the same synchronous pass as the first lands in it; a later call throws.
 */
export class CnpgPostgres extends pulumi.ComponentResource {
  public readonly host: string;
  private readonly roles: Role[] = [];
  private readonly secrets: k8s.core.v1.Secret[] = [];
  private readonly claimed = new Set<string>();
  private sealed = false;
  private readonly cluster: k8s.apiextensions.CustomResource;
  private readonly ns: k8s.core.v1.Namespace;
  private readonly provider: k8s.Provider;

  constructor(name: string, args: CnpgPostgresArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:data:CnpgPostgres", name, {}, opts);
    const { config, provider } = args;
    this.provider = provider;
    const db = config.ml.database;
    const k8sOpts = { parent: this, provider };
    const operatorNs = namespace(cnpgOperatorNamespace, undefined, k8sOpts);
    const operator = helmChart("cnpg", cnpgOperatorNamespace, charts.cloudnativePg, { crds: { create: true } }, {
      ...k8sOpts,
      dependsOn: [operatorNs],
      transforms: [cnpgWebhookCaWait],
    });
    this.ns = namespace(postgresNamespace, undefined, k8sOpts);
    const sealed = new Promise<void>((resolve) =>
      setImmediate(() => {
        this.sealed = true;
        resolve();
      }),
    );
    const clusterDeps: Promise<pulumi.Input<pulumi.Resource>[]> = sealed.then(() => [operator, ...this.secrets]);
    this.cluster = new k8s.apiextensions.CustomResource(
      "postgres-cluster",
      {
        apiVersion: "postgresql.cnpg.io/v1",
        kind: "Cluster",
        metadata: {
          name: postgresClusterName,
          namespace: this.ns.metadata.name,
          // Ready once the primary (and any replicas) run and the managed roles are reconciled.
          annotations: { "pulumi.com/waitFor": "condition=Ready" },
        },
        spec: {
          instances: db.highAvailability ? 3 : 1,
          imageName: cnpgPostgresImage,
          enableSuperuserAccess: false,
          storage: { size: `${db.storageGb}Gi`, storageClass: args.storageClass },
          managed: { roles: pulumi.output(sealed.then(() => this.roles)) },
        },
      },
      {
        ...k8sOpts,
        // The CRDs, the operator and its webhook's CA; the roles' Secrets.
        dependsOn: clusterDeps,
        protect: config.protect,
      },
    );
    this.host = `${postgresClusterName}-rw.${postgresNamespace}.svc.cluster.local`;
    this.registerOutputs({});
  }

  database(consumer: string, opts?: pulumi.ComponentResourceOptions): Database {
    if (this.sealed) {
      throw new Error(
        `database "${consumer}" on an existing cluster must be requested in the same pass as the first database() call ` +
          "(the CloudNativePG Cluster lists every role at once); call it before the program awaits anything",
      );
    }
    claimConsumer(this.claimed, consumer);
    const owner = opts?.parent ?? this;
    const k8sName = consumer.replace(/_/g, "-");
    const password = generatedPassword(`postgres-${consumer}`, { parent: owner });
    const secret = new k8s.core.v1.Secret(
      `postgres-${consumer}`,
      {
        metadata: {
          name: `postgres-${k8sName}`,
          namespace: this.ns.metadata.name,
          // The operator watches labelled Secrets: a new password is applied to the role without a restart.
          labels: { "cnpg.io/reload": "true" },
        },
        type: "kubernetes.io/basic-auth",
        stringData: { username: consumer, password },
      },
      { parent: owner, provider: this.provider },
    );
    this.secrets.push(secret);
    this.roles.push({ name: consumer, ensure: "present", login: true, passwordSecret: { name: `postgres-${k8sName}` } });
    const database = new k8s.apiextensions.CustomResource(
      `postgres-database-${consumer}`,
      {
        apiVersion: "postgresql.cnpg.io/v1",
        kind: "Database",
        metadata: { name: k8sName, namespace: this.ns.metadata.name, annotations: { "pulumi.com/waitFor": "jsonpath={.status.applied}=true" } },
        spec: { name: consumer, owner: consumer, cluster: { name: postgresClusterName }, ensure: "present", databaseReclaimPolicy: "retain" },
      },
      { parent: owner, provider: this.provider, dependsOn: [this.cluster, secret] },
    );
    return { host: pulumi.output(this.host), port: 5432, database: consumer, user: consumer, password, sslMode: "require", ready: [database] };
  }
}

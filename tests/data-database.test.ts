// Cloud.database(): the stack's PostgreSQL server (Cloud SQL, RDS, CloudNativePG) and one database and
// user per consumer, checked on the plan. Mocks echo inputs, so these guard the inputs and options the
// real providers need: private networking only, encryption, ordering, protection, unique names, secrets.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Database } from "../components/cloud/cloud";
import { cnpgWebhookCaWait } from "../components/cloud/cnpg";
import { consumerSql } from "../components/cloud/eks";
import { generatedSecretMock, type Plan, type PlannedResource } from "../tools/mock-runtime";
import { ofType, one, planVariant, strings } from "./helpers";

const tier = (t: string) => (c: Record<string, string>) => {
  c["platform:tier"] = t;
};

async function planDatabase(stack: string, edit?: (c: Record<string, string>) => void) {
  let db: Database | undefined;
  const r = await planVariant(stack, edit, (cloud) => {
    db = cloud.database("mlflow");
  });
  if (r.error) throw r.error;
  return { plan: r.plan, db: db! };
}

const inputs = (r: PlannedResource) => r.inputs as any;
const dependsOn = (r: PlannedResource, on: PlannedResource, why: string) => assert.ok(r.dependsOn.includes(on.urn), `${r.name} must wait for ${on.type} ${on.name}: ${why}`);

/** No generated password anywhere in plain text; every password input is redacted. */
function assertNoPlainPasswords(plan: Plan) {
  for (const r of plan.resources) {
    for (const s of strings(r.inputs)) assert.ok(!s.includes(generatedSecretMock), `${r.urn} carries a generated password in plain text`);
  }
}

test("GKE database: Cloud SQL with a private IP only, through private services access the instance waits for", async () => {
  for (const stack of ["gke-dev", "prod", "ephemeral"]) {
    const { plan, db } = await planDatabase(stack);
    const vpc = one(plan, "gcp:compute/network:Network", "vpc");
    const apis = ofType(plan, "gcp:projects/service:Service").map((s) => inputs(s).service);
    for (const api of ["servicenetworking.googleapis.com", "sqladmin.googleapis.com"]) assert.ok(apis.includes(api), `${stack}: ${api} enabled`);
    const range = one(plan, "gcp:compute/globalAddress:GlobalAddress", "private-services");
    assert.equal(inputs(range).purpose, "VPC_PEERING");
    assert.equal(inputs(range).network, inputs(one(plan, "gcp:compute/subnetwork:Subnetwork", "nodes")).network, `${stack}: the range is in the stack's VPC`);
    dependsOn(range, vpc, "the range is reserved in the VPC");
    const connection = one(plan, "gcp:servicenetworking/connection:Connection", "private-services");
    assert.equal(inputs(connection).service, "servicenetworking.googleapis.com");
    assert.deepEqual(inputs(connection).reservedPeeringRanges, [inputs(range).name]);
    dependsOn(connection, one(plan, "gcp:projects/service:Service", "servicenetworking"), "the Service Networking API must be on");

    const instance = one(plan, "gcp:sql/databaseInstance:DatabaseInstance", "postgres");
    const i = inputs(instance);
    assert.match(i.databaseVersion, /^POSTGRES_(1[6-9])$/);
    assert.equal(i.settings.ipConfiguration.ipv4Enabled, false, `${stack}: no public IP`);
    assert.equal(i.settings.ipConfiguration.privateNetwork, inputs(range).network, `${stack}: private IP in the stack's VPC`);
    assert.equal(i.settings.ipConfiguration.sslMode, "ENCRYPTED_ONLY", `${stack}: TLS required`);
    assert.equal(i.settings.edition, "ENTERPRISE", "db-custom-* tiers exist only in ENTERPRISE (POSTGRES_16+ defaults to ENTERPRISE_PLUS)");
    assert.match(i.settings.tier, /^db-custom-\d+-\d+$/);
    dependsOn(instance, connection, "its private IP comes from the peered range");
    dependsOn(instance, one(plan, "gcp:projects/service:Service", "sqladmin"), "the Cloud SQL Admin API must be on");
    const b = i.settings.backupConfiguration;
    assert.equal(b.enabled, true);
    assert.equal(b.pointInTimeRecoveryEnabled, true);
    assert.equal(b.backupRetentionSettings.retainedBackups, stack === "prod" ? 30 : stack === "gke-dev" ? 7 : 2);
    assert.ok(b.transactionLogRetentionDays >= 1 && b.transactionLogRetentionDays <= 7, "ENTERPRISE keeps 1-7 days of logs");
    assert.ok(b.backupRetentionSettings.retainedBackups > b.transactionLogRetentionDays, "Cloud SQL rejects log retention >= backup retention");
    // ForceNew name, and Cloud SQL reserves deleted names for up to a week: a random suffix per stack lifetime.
    const suffix = one(plan, "random:index/randomId:RandomId", "postgres-suffix");
    dependsOn(instance, suffix, "the name carries the random suffix");
    assert.ok(i.name.startsWith(`${stack}-pg-`) && i.name.length <= 63, i.name);
    assert.ok(instance.options.ignoreChanges.includes("settings.diskSize"), "autoresize grows the disk; no shrink attempts");

    const prod = stack === "prod";
    assert.equal(instance.options.protect, prod, `${stack}: Pulumi protect`);
    assert.equal(i.deletionProtection, prod, `${stack}: provider deletion protection (defaults to true: must be off when ephemeral)`);
    assert.equal(i.settings.deletionProtectionEnabled, prod, `${stack}: Google-side deletion protection`);
    assert.equal(i.settings.availabilityType, prod ? "REGIONAL" : "ZONAL");

    const database = one(plan, "gcp:sql/database:Database", "postgres-mlflow");
    const user = one(plan, "gcp:sql/user:User", "postgres-mlflow");
    assert.deepEqual([inputs(database).name, inputs(database).instance], ["mlflow", i.name]);
    assert.deepEqual([inputs(user).name, inputs(user).type, inputs(user).password], ["mlflow", "BUILT_IN", "[secret]"]);
    dependsOn(user, instance, "the user lives on the instance");
    assert.deepEqual(
      db.ready.map((r) => (r as any).__name),
      ["postgres-mlflow", "postgres-mlflow"],
    );
    assert.deepEqual([db.port, db.database, db.user, db.sslMode], [5432, "mlflow", "mlflow", "require"]);
    assert.equal(await new Promise((resolve) => db.host.apply(resolve)), "10.100.0.3", "host is the instance's private IP");
    assertNoPlainPasswords(plan);
  }
});

test("EKS database: RDS in the private subnets, reachable on 5432 from the cluster security group only", async () => {
  const { plan, db } = await planDatabase("eks-dev");
  const instance = one(plan, "aws:rds/instance:Instance", "postgres");
  const i = inputs(instance);
  assert.equal(i.publiclyAccessible, false);
  assert.equal(i.storageEncrypted, true);
  assert.equal(i.storageType, "gp3");
  assert.equal(i.allocatedStorage, 20);
  assert.equal(i.engine, "postgres");
  assert.match(i.engineVersion, /^1[6-9]$/);
  assert.equal(i.backupRetentionPeriod, 7);
  assert.equal(i.password, "[secret]");
  // identifier is ForceNew: a prefix lets a replacement be created before the old one is gone.
  assert.equal(i.identifier, undefined);
  assert.ok(i.identifierPrefix.length <= 37, "prefix + 26-character suffix within 63");

  const subnets = one(plan, "aws:rds/subnetGroup:SubnetGroup", "postgres");
  const privateSubnets = ofType(plan, "aws:ec2/subnet:Subnet").filter((s) => s.name.startsWith("private-"));
  assert.deepEqual(inputs(subnets).subnetIds, privateSubnets.map((s) => `${s.name}-id`));
  dependsOn(instance, subnets, "it is placed in the private subnets' group");

  const sg = one(plan, "aws:ec2/securityGroup:SecurityGroup", "postgres");
  assert.deepEqual(i.vpcSecurityGroupIds, ["postgres-id"]);
  assert.equal(inputs(sg).ingress, undefined, "no inline rules");
  const rules = ofType(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => inputs(r).securityGroupId === "postgres-id");
  assert.equal(rules.length, 1);
  const rule = inputs(rules[0]);
  assert.deepEqual([rule.ipProtocol, rule.fromPort, rule.toPort], ["tcp", 5432, 5432]);
  assert.equal(rule.cidrIpv4, undefined, "no CIDR: the cluster security group only");
  assert.equal(rule.referencedSecurityGroupId, "sg-0mockcluster", "the EKS cluster security group (cluster.vpcConfig.clusterSecurityGroupId)");
  dependsOn(rules[0], one(plan, "aws:eks/cluster:Cluster", "cluster"), "the cluster security group is created by EKS");
  // Nodes carry the cluster security group because their launch templates name none.
  for (const lt of ofType(plan, "aws:ec2/launchTemplate:LaunchTemplate")) {
    assert.equal(inputs(lt).vpcSecurityGroupIds, undefined, `${lt.name}: a launch template security group would replace the cluster SG on the nodes`);
    assert.equal(inputs(lt).networkInterfaces, undefined);
  }

  // The consumer's role and database: a Job with psql, its passwords from a Secret, after the instance.
  const secret = one(plan, "kubernetes:core/v1:Secret", "postgres-setup-mlflow");
  assert.equal(inputs(secret).stringData, "[secret]");
  const job = one(plan, "kubernetes:batch/v1:Job", "postgres-setup-mlflow");
  dependsOn(job, instance, "it connects to the instance");
  dependsOn(job, secret, "it reads the passwords from the Secret");
  const j = inputs(job);
  assert.match(j.metadata.name, /^postgres-mlflow-[0-9a-f]{12}$/, "a hash of the passwords, host, image and SQL in the name: a change runs a new Job");
  assert.equal(j.metadata.namespace, "postgres-setup");
  const ns = one(plan, "kubernetes:core/v1:Namespace", "postgres-setup");
  assert.equal(inputs(ns).metadata.labels["istio-injection"], "disabled", "a sidecar would keep the Job from completing");
  const container = j.spec.template.spec.containers[0];
  assert.match(container.image, /^docker\.io\/library\/postgres:\d+\.\d+-alpine$/, "client image pinned to a minor version");
  const env = Object.fromEntries(container.env.map((e: any) => [e.name, e]));
  for (const name of ["PGPASSWORD", "CONSUMER_PASSWORD"]) {
    assert.deepEqual(env[name].valueFrom.secretKeyRef, { name: "postgres-setup-mlflow", key: name });
    assert.equal(env[name].value, undefined);
  }
  assert.equal(env.PGSSLMODE.value, "require");
  assert.equal(env.PGHOST.value, "eks-dev-pg-20260101000000000000000001.cmock.eu-west-1.rds.amazonaws.com");
  assert.equal(j.spec.template.spec.restartPolicy, "Never");
  assert.ok(j.spec.backoffLimit >= 1);
  assert.equal(j.spec.ttlSecondsAfterFinished, undefined, "a deleted Job would be re-created on the next up");
  assert.deepEqual(db.ready, [db.ready[0]]);
  assert.equal((db.ready[0] as any).__name, "postgres-setup-mlflow");
  assert.equal(await new Promise((resolve) => db.host.apply(resolve)), env.PGHOST.value);
  assertNoPlainPasswords(plan);
});

test("EKS database SQL: idempotent (IF NOT EXISTS guards), password from the environment, not from arguments", () => {
  assert.ok(consumerSql.startsWith("\\getenv pw CONSUMER_PASSWORD"));
  assert.match(consumerSql, /CREATE ROLE %I LOGIN', :'role'\) WHERE NOT EXISTS \(SELECT FROM pg_roles WHERE rolname = :'role'\)/);
  assert.match(consumerSql, /ALTER ROLE %I WITH LOGIN PASSWORD %L', :'role', :'pw'/);
  assert.match(consumerSql, /CREATE DATABASE %I OWNER %I', :'db', :'role'\) WHERE NOT EXISTS \(SELECT FROM pg_database WHERE datname = :'db'\)/);
  // Every statement is built with format(%I/%L): identifiers and the password are quoted by the server.
  for (const line of consumerSql.split("\n").slice(1)) assert.match(line, /^SELECT format\(.*\\gexec$/);
});

test("EKS database: prod is protected, Multi-AZ and leaves a final snapshot; other tiers neither", async () => {
  for (const t of ["prod", "ephemeral", "dev"]) {
    const { plan } = await planDatabase("eks-dev", tier(t));
    const instance = one(plan, "aws:rds/instance:Instance", "postgres");
    const i = inputs(instance);
    const prod = t === "prod";
    assert.equal(instance.options.protect, prod, t);
    assert.equal(i.deletionProtection, prod, t);
    assert.equal(i.multiAz, prod, t);
    assert.equal(i.skipFinalSnapshot, !prod, t);
    assert.equal(typeof i.finalSnapshotIdentifier, prod ? "string" : "undefined", t);
    assert.equal(i.instanceClass, prod ? "db.m7g.large" : "db.t4g.small", t);
  }
});

test("existing database: CloudNativePG operator, then a Cluster and a Database CR that wait for it, outside the mesh", async () => {
  const { plan, db } = await planDatabase("local");
  const chart = one(plan, "kubernetes:helm.sh/v4:Chart", "cnpg");
  assert.deepEqual([inputs(chart).chart, inputs(chart).version, inputs(chart).namespace], ["cloudnative-pg", "0.29.0", "cnpg-system"]);
  for (const ns of ["cnpg-system", "postgres"]) {
    assert.equal(inputs(one(plan, "kubernetes:core/v1:Namespace", ns)).metadata.labels["istio-injection"], "disabled", ns);
  }
  const cluster = one(plan, "kubernetes:postgresql.cnpg.io/v1:Cluster", "postgres-cluster");
  const c = inputs(cluster);
  dependsOn(cluster, chart, "the CRDs, the operator and its webhook (with its CA) must be in place");
  assert.equal(c.spec.instances, 1);
  assert.equal(c.spec.storage.size, "20Gi");
  assert.equal(c.spec.storage.storageClass, "local-path");
  assert.equal(c.spec.enableSuperuserAccess, false);
  assert.deepEqual(c.spec.managed.roles, [{ name: "mlflow", ensure: "present", login: true, passwordSecret: { name: "postgres-mlflow" } }]);
  const secret = one(plan, "kubernetes:core/v1:Secret", "postgres-mlflow");
  assert.equal(inputs(secret).type, "kubernetes.io/basic-auth");
  assert.equal(inputs(secret).stringData, "[secret]");
  dependsOn(cluster, secret, "the role's password");
  const database = one(plan, "kubernetes:postgresql.cnpg.io/v1:Database", "postgres-database-mlflow");
  assert.deepEqual(inputs(database).spec, { name: "mlflow", owner: "mlflow", cluster: { name: "postgres" }, ensure: "present", databaseReclaimPolicy: "retain" });
  dependsOn(database, cluster, "the server and the owner role");
  assert.equal(inputs(database).metadata.annotations["pulumi.com/waitFor"], "jsonpath={.status.applied}=true");
  assert.equal(c.metadata.annotations["pulumi.com/waitFor"], "condition=Ready");
  assert.deepEqual(db.ready, [db.ready[0]]);
  assert.equal((db.ready[0] as any).__name, "postgres-database-mlflow");
  assert.equal(await new Promise((resolve) => db.host.apply(resolve)), "postgres-rw.postgres.svc.cluster.local");
  assert.equal(db.sslMode, "require");
  assertNoPlainPasswords(plan);
});

test("existing database: consumers of one pass share the Cluster's managed roles; a later call is a clear error", async () => {
  const r = await planVariant("local", undefined, (cloud) => {
    cloud.database("mlflow");
    cloud.database("pipelines");
  });
  assert.equal(r.error, undefined);
  const c = inputs(one(r.plan, "kubernetes:postgresql.cnpg.io/v1:Cluster", "postgres-cluster"));
  assert.deepEqual(c.spec.managed.roles.map((x: any) => x.name), ["mlflow", "pipelines"]);
  assert.equal(ofType(r.plan, "kubernetes:postgresql.cnpg.io/v1:Cluster").length, 1, "one server per stack");

  let late: unknown;
  await planVariant("local", undefined, (cloud) => {
    cloud.database("mlflow");
    setImmediate(() => setImmediate(() => {
      try {
        cloud.database("katib");
      } catch (e) {
        late = e;
      }
    }));
  });
  assert.match(String(late), /must be requested in the same pass as the first database\(\) call/);
});

test("existing database: the operator chart waits for the CA its operator injects into both webhook configurations", () => {
  const wrap = (type: string) =>
    cnpgWebhookCaWait({ type, name: "x", props: { metadata: { name: "x", annotations: { a: "b" } } }, opts: {} } as any);
  for (const kind of ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]) {
    const out = wrap(`kubernetes:admissionregistration.k8s.io/v1:${kind}`) as any;
    assert.deepEqual(out.props.metadata.annotations, { a: "b", "pulumi.com/waitFor": "jsonpath={.webhooks[0].clientConfig.caBundle}" }, kind);
  }
  assert.equal(wrap("kubernetes:apps/v1:Deployment"), undefined, "other objects are left alone");
});

test("database(): a second call for the same consumer throws, on every cloud", async () => {
  for (const stack of ["gke-dev", "eks-dev", "local"]) {
    const r = await planVariant(stack, undefined, (cloud) => {
      cloud.database("mlflow");
      cloud.database("mlflow");
    });
    assert.match(String(r.error), /database "mlflow" is already defined on this stack/, stack);
    assert.equal(ofType(r.plan, "random:index/randomPassword:RandomPassword").filter((p) => p.name === "postgres-mlflow").length, 1, stack);
  }
});

test("database(): one server per stack, one database and user per consumer", async () => {
  const r = await planVariant("gke-dev", undefined, (cloud) => {
    cloud.database("mlflow");
    cloud.database("pipelines");
  });
  assert.equal(ofType(r.plan, "gcp:sql/databaseInstance:DatabaseInstance").length, 1);
  assert.equal(ofType(r.plan, "gcp:servicenetworking/connection:Connection").length, 1);
  assert.deepEqual(ofType(r.plan, "gcp:sql/user:User").map((u) => inputs(u).name), ["mlflow", "pipelines"]);
  const e = await planVariant("eks-dev", undefined, (cloud) => {
    cloud.database("mlflow");
    cloud.database("pipelines");
  });
  assert.equal(ofType(e.plan, "aws:rds/instance:Instance").length, 1);
  assert.deepEqual(ofType(e.plan, "kubernetes:batch/v1:Job").map((j) => j.name), ["postgres-setup-mlflow", "postgres-setup-pipelines"]);
});

test("GKE database: retained backups always exceed the days of transaction logs (Cloud SQL rejects the rest)", async () => {
  const { cloudSqlRetention } = await import("../components/cloud/gke");
  for (let days = 1; days <= 365; days++) {
    const r = cloudSqlRetention(days);
    assert.ok(r.transactionLogRetentionDays >= 1 && r.transactionLogRetentionDays <= 7, `${days}`);
    assert.ok(r.backupRetentionSettings.retainedBackups > r.transactionLogRetentionDays, `${days}`);
    assert.ok(r.backupRetentionSettings.retainedBackups >= days, `${days}: at least the configured backups`);
  }
});

test("GKE database: destroy removes the private services peering after the instance, so the VPC can be deleted", async () => {
  const { plan } = await planVariant("ephemeral", undefined, (cloud) => void cloud.database("mlflow"));
  const cleanup = one(plan, "command:local:Command", "private-services-peering");
  const instance = one(plan, "gcp:sql/databaseInstance:DatabaseInstance", "postgres");
  const connection = one(plan, "gcp:servicenetworking/connection:Connection", "private-services");
  assert.ok(instance.dependsOn.includes(cleanup.urn), "deleted before the peering is removed");
  assert.ok(cleanup.dependsOn.includes(connection.urn));
  assert.match((cleanup.inputs as any).delete, /gcloud compute networks peerings delete servicenetworking-googleapis-com --project=acme-ml-ci --network=/);
  assert.equal((cleanup.inputs as any).create, undefined, "nothing runs on create");
  assert.equal((connection.inputs as any).deletionPolicy, "ABANDON");
  assert.equal((connection.inputs as any).updateOnCreationFail, true);
});

// MLflow on every committed stack: PostgreSQL backend from Cloud.database, artifacts in its own
// bucket through workload identity (or a MinIO user on existing clusters), behind the same SSO.
import { test } from "node:test";
import assert from "node:assert/strict";
import { gatewayRef } from "../components/edge/gateway";
import { mlflowService } from "../components/ml/mlflow";
import type { Plan, PlannedResource } from "../tools/mock-runtime";
import { committedStacks } from "../tools/stack-file";
import { cachedPlan, ofType, strings } from "./helpers";
import { SsoModel } from "./sso-walk";

const chartOf = (p: Plan, release: string) => ofType(p, "kubernetes:helm.sh/v4:Chart").find((r) => (r.inputs as any).name === release) as PlannedResource;
const underMlflow = (p: Plan) => p.resources.filter((r) => r.urn.includes("mlops:ml:Mlflow"));
const cloudOf: Record<string, string> = { local: "minio", "gke-dev": "gcs", prod: "gcs", ephemeral: "gcs", "eks-dev": "s3" };

for (const name of committedStacks()) {
  test(`stack ${name}: MLflow's backend is its own PostgreSQL database, credentials from a Secret only`, async () => {
    const p = await cachedPlan(name);
    const values = (chartOf(p, "mlflow").inputs as any).values;
    assert.equal(values.backendStore.postgres.enabled, true);
    assert.equal(values.backendStore.postgres.database, "mlflow");
    assert.equal(values.backendStore.postgres.password, undefined, "no password in chart values");
    assert.equal(values.backendStore.existingDatabaseSecret.name, "mlflow-db");
    assert.equal(values.backendStore.databaseMigration, true);
    assert.ok(["require", "verify-full"].includes(values.extraEnvVars.PGSSLMODE), "the database connection is encrypted");
    const secret = ofType(p, "kubernetes:core/v1:Secret").find((s) => (s.inputs as any).metadata.name === "mlflow-db")!;
    assert.equal((secret.inputs as any).stringData, "[secret]");
    assert.ok(chartOf(p, "mlflow").dependsOn.includes(secret.urn));
  });

  test(`stack ${name}: MLflow's artifacts go to its own bucket, served by MLflow (clients need no bucket credentials)`, async () => {
    const p = await cachedPlan(name);
    const values = (chartOf(p, "mlflow").inputs as any).values;
    assert.equal(values.artifactRoot.proxiedArtifactStorage, true);
    const kind = cloudOf[name];
    const section = kind === "gcs" ? values.artifactRoot.gcs : values.artifactRoot.s3;
    assert.equal(section.enabled, true);
    assert.ok(String(section.bucket).length > 0);
    assert.equal(values.serviceAccount.name, "mlflow", "the identity binding names this service account");
    if (kind === "minio") {
      assert.equal(values.artifactRoot.s3.existingSecret.name, "mlflow-s3-credentials");
      assert.match(values.extraEnvVars.MLFLOW_S3_ENDPOINT_URL, /^http:\/\/minio\.minio\.svc/);
    } else {
      // No static cloud keys anywhere: the service account's annotation carries the identity.
      assert.equal(values.artifactRoot.s3?.awsAccessKeyId, undefined);
      assert.equal(values.artifactRoot.s3?.existingSecret, undefined);
      const annotation = kind === "gcs" ? "iam.gke.io/gcp-service-account" : "eks.amazonaws.com/role-arn";
      assert.ok(values.serviceAccount.annotations[annotation], `${annotation} on the service account`);
      for (const s of strings(p.resources.map((r) => r.inputs))) assert.doesNotMatch(s, /AKIA[0-9A-Z]{16}/, "no AWS access key");
    }
  });

  test(`stack ${name}: the flask secret the chart makes in a skipped Helm hook is made by the program`, async () => {
    const p = await cachedPlan(name);
    const flask = ofType(p, "kubernetes:core/v1:Secret").find((s) => (s.inputs as any).metadata.name === "mlflow-flask-server-secret-key")!;
    assert.ok(flask, "the Deployment reads it through envFrom; without it the pods never start");
    assert.ok(chartOf(p, "mlflow").dependsOn.includes(flask.urn));
  });

  test(`stack ${name}: MLflow sits behind the same SSO, with its own allow policy and allowed hosts`, async () => {
    const p = await cachedPlan(name);
    const vs = p.resources.find((r) => (r.inputs as any).kind === "VirtualService" && (r.inputs as any).metadata.namespace === "mlflow")!.inputs as any;
    const host = vs.spec.hosts[0] as string;
    assert.match(host, /^mlflow\./);
    const steps = new SsoModel(p, gatewayRef).walk(`https://${host}/#/experiments`);
    const last = steps.at(-1)!;
    assert.deepEqual([last.status, last.by], [200, mlflowService.host], steps.map((s) => `${s.status} ${s.by} ${s.url}`).join("\n"));
    assert.ok(steps.some((s) => s.by === "dex"), "signed in through Dex");
    const allow = p.resources.find((r) => (r.inputs as any).kind === "AuthorizationPolicy" && (r.inputs as any).metadata.namespace === "mlflow")!.inputs as any;
    assert.deepEqual(allow.spec.rules[0].from[0].source.principals, ["cluster.local/ns/istio-ingress/sa/istio-ingressgateway"]);
    const values = (chartOf(p, "mlflow").inputs as any).values;
    assert.ok(values.serverAllowedHosts.includes(host));
    assert.ok(values.serverAllowedHosts.includes("localhost:*"), "kubectl port-forward sends Host: localhost:<port>");
    assert.ok(!values.serverAllowedHosts.includes("*"), "not every host");
    assert.deepEqual(values.corsAllowedOrigins, [`https://${host}`]);
    const ns = ofType(p, "kubernetes:core/v1:Namespace").find((n) => (n.inputs as any).metadata.name === "mlflow")!.inputs as any;
    assert.equal(ns.metadata.labels["istio-injection"], "enabled");
  });
}

test("prod protects MLflow's database and bucket; ephemeral protects nothing", async () => {
  const stateful = /^(gcp:sql\/databaseInstance|gcp:storage\/bucket|aws:rds\/instance|aws:s3\/bucket):/;
  const prod = (await cachedPlan("prod")).resources.filter((r) => stateful.test(r.type));
  assert.ok(prod.length >= 2, prod.map((r) => r.type).join(", "));
  for (const r of prod) assert.equal(r.options.protect, true, `${r.type} ${r.name}`);
  const ephemeral = await cachedPlan("ephemeral");
  assert.deepEqual(ephemeral.resources.filter((r) => r.options.protect).map((r) => r.urn), []);
  assert.ok(underMlflow(ephemeral).length > 0);
});

test("outputs: the MLflow URL, the in-cluster tracking URI, and the artifact store", async () => {
  const { planStack } = await import("../tools/plan-stack");
  const { outputs } = await planStack("local");
  assert.equal((outputs.uiUrls as any).mlflow, "https://mlflow.127.0.0.1.sslip.io");
  assert.deepEqual(outputs.mlflow, {
    trackingUri: "https://mlflow.127.0.0.1.sslip.io",
    inClusterTrackingUri: "http://mlflow.mlflow.svc.cluster.local",
    artifactStore: "s3://mlflow-artifacts",
  });
});

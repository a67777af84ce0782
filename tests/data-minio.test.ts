// Object storage on existing clusters: Cloud.bucket and object-store workload identities backed by
// the stack's in-cluster MinIO (components/data/minio.ts behind components/cloud/existing.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import type { Cloud, WorkloadIdentity } from "../components/cloud/cloud";
import { minioEndpoint } from "../components/data/minio";
import { minioImages } from "../infra/versions";
import { generatedSecretMock, redacted, type Plan, type PlannedResource } from "../tools/mock-runtime";
import { ofType, one, planVariant, strings } from "./helpers";

const chartType = "kubernetes:helm.sh/v4:Chart";
const jobType = "kubernetes:batch/v1:Job";
const secretType = "kubernetes:core/v1:Secret";

let identity: WorkloadIdentity | undefined;
const mlflow = (cloud: Cloud) => {
  const store = cloud.bucket("mlflow-artifacts");
  identity = cloud.workloadIdentity("mlflow", { namespace: "mlflow", name: "mlflow" }, [{ kind: "objectStore", store, access: "readWrite" }]);
  return store;
};
const setMl = (ml: unknown) => (c: Record<string, string>) => void (c["platform:ml"] = JSON.stringify(ml));

const container = (job: PlannedResource) => (job.inputs as any).spec.template.spec.containers[0];
const env = (job: PlannedResource, name: string) => container(job).env.find((e: any) => e.name === name);
const chartValues = (plan: Plan) => (one(plan, chartType, "minio").inputs as any).values;
const jobNamed = (plan: Plan, name: string) => one(plan, jobType, name);
const urnOf = (plan: Plan, type: string, name: string) => one(plan, type, name).urn;

test("minio: one chart per stack, pinned, no credentials or provisioning in its values", async () => {
  const { plan, error } = await planVariant("local", undefined, (cloud) => {
    mlflow(cloud);
    cloud.bucket("second-bucket", { versioning: true });
  });
  assert.equal(error, undefined);
  const charts = ofType(plan, chartType).filter((c) => (c.inputs as any).chart === "minio");
  assert.equal(charts.length, 1, "installed once, however many buckets");
  const chart = charts[0].inputs as any;
  assert.equal(chart.version, "5.4.0");
  assert.equal(chart.repositoryOpts.repo, "https://charts.min.io/");
  assert.equal(chart.namespace, "minio");
  assert.equal(chart.name, "minio", "release minio: Service minio, the endpoint's host");
  const v = chart.values;
  assert.equal(v.existingSecret, "minio-root-credentials");
  assert.equal(v.rootUser, undefined);
  assert.equal(v.rootPassword, undefined);
  assert.deepEqual(v.users, [], "overrides the chart's console/console123 user");
  for (const k of ["buckets", "policies", "svcaccts", "customCommands"]) assert.deepEqual(v[k], [], `${k}: no post-install hook Job`);
  assert.equal(v.image.repository, "quay.io/minio/minio");
  assert.match(v.image.tag, /^RELEASE\.2025-09-07T16-13-09Z@sha256:[0-9a-f]{64}$/);
  assert.equal(v.mcImage.repository, "quay.io/minio/mc");
  assert.match(v.mcImage.tag, /@sha256:[0-9a-f]{64}$/);
  // local tier: small and standalone, on the cluster's storage class
  assert.equal(v.mode, "standalone");
  assert.equal(v.persistence.size, "10Gi");
  assert.equal(v.persistence.storageClass, "local-path");
  assert.equal(v.persistence.existingClaim, "minio-data");
  assert.equal(v.resources.requests.memory, "256Mi");
  // the root Secret holds the keys existingSecret needs, as secrets
  const root = one(plan, secretType, "minio-root-credentials").inputs as any;
  assert.equal(root.metadata.namespace, "minio");
  assert.equal(root.stringData, redacted, "rootUser and rootPassword, secret");
  // the namespace is outside the mesh
  const ns = one(plan, "kubernetes:core/v1:Namespace", "minio").inputs as any;
  assert.equal(ns.metadata.labels["istio-injection"], "disabled");
  assert.ok(one(plan, chartType, "minio").dependsOn.includes(urnOf(plan, secretType, "minio-root-credentials")));
});

test("minio: Jobs use the digest-pinned mc image, wait for the chart and the root Secret, and are auto-named", async () => {
  const { plan } = await planVariant("local", undefined, (cloud) => void mlflow(cloud));
  const chartUrn = urnOf(plan, chartType, "minio");
  const rootUrn = urnOf(plan, secretType, "minio-root-credentials");
  const jobs = ofType(plan, jobType);
  assert.deepEqual(jobs.map((j) => j.name).sort(), ["minio-bucket-mlflow-artifacts", "minio-user-mlflow"]);
  for (const job of jobs) {
    const c = container(job);
    assert.equal(c.image, `quay.io/minio/mc:${minioImages.mc.tag}@${minioImages.mc.digest}`);
    assert.ok(job.dependsOn.includes(chartUrn), `${job.name} waits for the chart`);
    assert.ok(job.dependsOn.includes(rootUrn), `${job.name} waits for the root Secret`);
    // no metadata.name: a changed (immutable) pod template replaces the Job create-before-delete, and it runs again
    assert.equal((job.inputs as any).metadata.name, undefined);
    assert.equal(job.options.deleteBeforeReplace, false);
    assert.equal((job.inputs as any).metadata.namespace, "minio");
    assert.equal(env(job, "MINIO_ROOT_PASSWORD").valueFrom.secretKeyRef.key, "rootPassword");
    assert.equal(env(job, "MINIO_ROOT_USER").valueFrom.secretKeyRef.name, "minio-root-credentials");
    assert.match(env(job, "MC_HOST_minio").value, /^http:\/\/\$\(MINIO_ROOT_USER\):\$\(MINIO_ROOT_PASSWORD\)@minio\.minio\.svc\.cluster\.local:9000$/);
    assert.match(c.command[2], /^mc ready minio$/m, "mc waits for the server");
    assert.ok((job.inputs as any).spec.backoffLimit <= 3);
  }
  const bucket = jobNamed(plan, "minio-bucket-mlflow-artifacts");
  assert.match(container(bucket).command[2], /mc mb --ignore-existing "minio\/\$BUCKET"/);
  assert.doesNotMatch(container(bucket).command[2], /mc version enable/, "versioning is off unless asked for");
  assert.equal(env(bucket, "BUCKET").value, "mlflow-artifacts");
});

test("minio: versioning enables bucket versioning", async () => {
  const { plan } = await planVariant("local", undefined, (cloud) => void cloud.bucket("models", { versioning: true }));
  assert.match(container(jobNamed(plan, "minio-bucket-models")).command[2], /mc version enable "minio\/\$BUCKET"/);
});

test("minio: the consumer's user, policy and credentials Secret allow exactly its bucket", async () => {
  let store: any;
  const { plan, error } = await planVariant("local", undefined, (cloud) => {
    cloud.bucket("other-bucket");
    store = mlflow(cloud);
  });
  assert.equal(error, undefined);
  // the ObjectStore
  assert.equal(store.kind, "minio");
  assert.equal(store.region, "us-east-1");
  assert.deepEqual(await Promise.all([store.bucket, store.url, store.endpoint].map((o: any) => new Promise((r) => o.apply(r)))), [
    "mlflow-artifacts",
    "s3://mlflow-artifacts",
    "http://minio.minio.svc.cluster.local:9000",
  ]);
  assert.equal(minioEndpoint, "http://minio.minio.svc.cluster.local:9000");

  const job = jobNamed(plan, "minio-user-mlflow");
  const policy = JSON.parse(env(job, "POLICY").value);
  assert.equal(policy.Version, "2012-10-17");
  const resources = policy.Statement.flatMap((s: any) => s.Resource).sort();
  assert.deepEqual(resources, ["arn:aws:s3:::mlflow-artifacts", "arn:aws:s3:::mlflow-artifacts/*"], "exactly the granted bucket, not other-bucket");
  assert.ok(policy.Statement.every((s: any) => s.Effect === "Allow"));
  const actions = (r: string) => policy.Statement.filter((s: any) => s.Resource.includes(r)).flatMap((s: any) => s.Action).sort();
  assert.deepEqual(actions("arn:aws:s3:::mlflow-artifacts"), ["s3:GetBucketLocation", "s3:ListBucket"]);
  assert.deepEqual(actions("arn:aws:s3:::mlflow-artifacts/*"), ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"]);
  const script = container(job).command[2];
  assert.match(script, /mc admin policy create minio "\$USER_NAME" \/tmp\/policy.json/);
  assert.match(script, /\| mc admin user add minio/);
  assert.match(script, /mc admin policy attach minio "\$USER_NAME" --user "\$USER_NAME"/);
  assert.match(script, /already in effect/, "tolerates an attached policy (XMinioAdminPolicyChangeAlreadyApplied)");
  assert.equal(env(job, "USER_NAME").value, "mlflow");
  // the user Job waits for its bucket and for the Secret with the user's key; that Secret is replaced on change
  assert.ok(job.dependsOn.includes(urnOf(plan, jobType, "minio-bucket-mlflow-artifacts")));
  assert.ok(!job.dependsOn.includes(urnOf(plan, jobType, "minio-bucket-other-bucket")));
  const jobSecret = one(plan, secretType, "minio-user-mlflow");
  assert.ok(job.dependsOn.includes(jobSecret.urn));
  assert.equal((jobSecret.inputs as any).stringData, redacted);
  assert.equal((jobSecret.inputs as any).metadata.name, undefined, "auto-named: a new key means a new name, so a new Job run");
  assert.deepEqual(jobSecret.options.replaceOnChanges.sort(), ["data", "stringData"]);
  assert.equal(env(job, "USER_SECRET_KEY").valueFrom.secretKeyRef.key, "secretKey");

  // the consumer's Secret, in its namespace
  const creds = one(plan, secretType, "mlflow-s3-credentials").inputs as any;
  assert.equal(creds.metadata.name, "mlflow-s3-credentials");
  assert.equal(creds.metadata.namespace, "mlflow");
  assert.equal(creds.stringData, redacted, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, secret");

  // the identity
  assert.equal(identity!.credentialsSecret, "mlflow-s3-credentials");
  assert.equal(await new Promise((r) => identity!.principal.apply(r)), "mlflow");
  const readyNames = identity!.ready.map((r: any) => r.__name).sort();
  assert.deepEqual(readyNames, ["minio-bucket-mlflow-artifacts", "minio-user-mlflow", "mlflow-s3-credentials"]);
});

test("minio: read access gets read actions only", async () => {
  const { plan } = await planVariant("local", undefined, (cloud) => {
    const store = cloud.bucket("datasets");
    cloud.workloadIdentity("reader", { namespace: "team-a", name: "reader" }, [{ kind: "objectStore", store, access: "read" }]);
  });
  const policy = JSON.parse(env(jobNamed(plan, "minio-user-reader"), "POLICY").value);
  assert.deepEqual(policy.Statement.flatMap((s: any) => s.Action).sort(), ["s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket"]);
});

test("minio: no plaintext secret anywhere in the plan", async () => {
  const { plan } = await planVariant("local", undefined, (cloud) => void mlflow(cloud));
  for (const r of plan.resources) {
    for (const s of strings(r.inputs)) assert.ok(!s.includes(generatedSecretMock), `${r.type} ${r.name} leaks a generated secret`);
  }
  // secrets reach Jobs only through Secrets
  for (const job of ofType(plan, jobType)) {
    for (const e of container(job).env) if (/PASSWORD|SECRET/.test(e.name)) assert.ok(e.valueFrom?.secretKeyRef, `${job.name} ${e.name}`);
  }
});

test("minio: the consumer's Secret waits for what the caller says (its namespace)", async () => {
  const { plan } = await planVariant("local", undefined, (cloud) => {
    const store = cloud.bucket("mlflow-artifacts");
    const ns = new k8s.core.v1.Namespace("mlflow", { metadata: { name: "mlflow" } }, { provider: cloud.provider });
    cloud.workloadIdentity("mlflow", { namespace: "mlflow", name: "mlflow" }, [{ kind: "objectStore", store, access: "readWrite" }], { dependsOn: [ns] });
  });
  const nsUrn = ofType(plan, "kubernetes:core/v1:Namespace").find((n) => n.name === "mlflow")!.urn;
  assert.ok(one(plan, secretType, "mlflow-s3-credentials").dependsOn.includes(nsUrn));
});

test("minio: distributed mode sets the chart's mode and replicas; prod protects the standalone volume", async () => {
  const { plan } = await planVariant("local", setMl({ objectStore: { minio: { mode: "distributed", replicas: 6, storageGb: 20 } } }), (cloud) => void mlflow(cloud));
  const v = chartValues(plan);
  assert.equal(v.mode, "distributed");
  assert.equal(v.replicas, 6);
  assert.equal(v.persistence.size, "20Gi");
  assert.equal(v.persistence.existingClaim, undefined, "the StatefulSet's claims");
  assert.equal(ofType(plan, "kubernetes:core/v1:PersistentVolumeClaim").length, 0);

  const local = await planVariant("local", undefined, (cloud) => void mlflow(cloud));
  const pvc = one(local.plan, "kubernetes:core/v1:PersistentVolumeClaim", "minio-data");
  assert.equal(pvc.options.protect, false, "local: destroyable");
  assert.equal((pvc.inputs as any).spec.resources.requests.storage, "10Gi");
  assert.equal((pvc.inputs as any).spec.storageClassName, "local-path");
  assert.ok(one(local.plan, chartType, "minio").dependsOn.includes(pvc.urn));
});

test("minio: disabled MinIO, bad names and grants fail with clear errors", async () => {
  const disabled = await planVariant(
    "local",
    (c) => {
      setMl({ mlflow: { enabled: false }, objectStore: { minio: { enabled: false } } })(c);
      c["platform:observability"] = JSON.stringify({ enabled: false });
    },
    (cloud) => void cloud.bucket("artifacts"),
  );
  assert.match(String(disabled.error), /bucket "artifacts": .*MinIO, which is disabled \(platform:ml\.objectStore\.minio\.enabled is false\)/);
  assert.equal(ofType(disabled.plan, chartType).filter((c) => (c.inputs as any).chart === "minio").length, 0);

  const badName = await planVariant("local", undefined, (cloud) => void cloud.bucket("MLflow_Artifacts"));
  assert.match(String(badName.error), /bucket "MLflow_Artifacts": not a valid bucket name/);

  const twice = await planVariant("local", undefined, (cloud) => {
    cloud.bucket("a-bucket");
    cloud.bucket("a-bucket");
  });
  assert.match(String(twice.error), /bucket "a-bucket" is created twice/);

  const dns = await planVariant("local", undefined, (cloud) => {
    const store = cloud.bucket("a-bucket");
    cloud.workloadIdentity("x", { namespace: "a", name: "b" }, [{ kind: "objectStore", store, access: "read" }, { kind: "dnsRecords" }]);
  });
  assert.match(String(dns.error), /existing cluster has no cloud identity to give a\/b the grants dnsRecords/);

  const foreign = await planVariant("local", undefined, (cloud) => {
    const store = { kind: "s3" as const, bucket: cloud.clusterName, url: cloud.clusterName };
    cloud.workloadIdentity("someone", { namespace: "a", name: "b" }, [{ kind: "objectStore", store, access: "read" }]);
  });
  assert.match(String(foreign.error), /needs a bucket made by this stack's Cloud.bucket \(MinIO\)/);
});

// KServe model pulls from each team's store, walked against upstream source (README "Serve a model"):
// what KServe 0.16's credential builder reads per store (GCS: nothing; S3 with IRSA: the ServiceAccount's
// annotations; MinIO: a Secret listed on the ServiceAccount, with the endpoint on that Secret), and what
// lets the storage initializer, an init container in a meshed namespace, reach the store.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cachedPlan, ofType } from "./helpers";
import type { Plan, PlannedResource } from "../tools/mock-runtime";
import { kserveS3Annotation, kserveStoreAccess } from "../components/ml/kubeflow/kserve";
import { teamServiceAccount } from "../components/ml/kubeflow/teams";
import { minioEndpoint, minioNamespace } from "../components/data/minio";
import { runUnderMocks } from "../tools/mock-runtime";
import { projectName, readStackFile } from "../tools/stack-file";
import { platform } from "../infra/program";
import { planStack } from "../tools/plan-stack";

const stacks = ["local", "gke-dev", "eks-dev", "prod", "ephemeral"];
const kserveKey = (k: string) => k.startsWith("serving.kserve.io/");
const inputs = (r: PlannedResource) => r.inputs as any;
const teamPatches = (plan: Plan) => ofType(plan, "kubernetes:core/v1:ServiceAccountPatch").filter((p) => inputs(p).metadata.name === teamServiceAccount);
const profiles = (plan: Plan) => plan.resources.filter((r) => inputs(r)?.kind === "Profile").map((r) => inputs(r).metadata.name as string).sort();
const annotated = (plan: Plan) =>
  plan.resources.filter((r) => Object.keys(inputs(r)?.metadata?.annotations ?? {}).some(kserveKey)).map((r) => `${r.type}::${r.name}`);

async function planWith(stack: string, edit: (config: Record<string, string>) => void): Promise<Plan> {
  const file = readStackFile(stack);
  edit(file.config);
  return (await runUnderMocks({ project: projectName, stack: file.stack, config: file.config, secretKeys: file.secretKeys, program: platform })).plan;
}

test("KServe store access per store kind: the annotations KServe 0.16 reads, in its value formats", () => {
  assert.deepEqual(kserveStoreAccess({ kind: "gcs" }), { serviceAccountAnnotations: {}, credentialsSecretAnnotations: {} }, "GCS: application default credentials");
  assert.deepEqual(kserveStoreAccess({ kind: "s3", region: "eu-west-1" }), { serviceAccountAnnotations: { "serving.kserve.io/s3-region": "eu-west-1" }, credentialsSecretAnnotations: {} });
  // host:port without a scheme: KServe prefixes https:// unless s3-usehttps is "0".
  assert.deepEqual(kserveStoreAccess({ kind: "minio", region: "us-east-1" }, minioEndpoint), {
    serviceAccountAnnotations: {},
    credentialsSecretAnnotations: {
      "serving.kserve.io/s3-endpoint": "minio.minio.svc.cluster.local:9000",
      "serving.kserve.io/s3-usehttps": "0",
      "serving.kserve.io/s3-region": "us-east-1",
    },
  });
  assert.deepEqual(kserveStoreAccess({ kind: "minio" }, "https://s3.internal.example").credentialsSecretAnnotations, {
    [kserveS3Annotation.endpoint]: "s3.internal.example",
    [kserveS3Annotation.useHttps]: "1",
    [kserveS3Annotation.region]: "us-east-1",
  });
  assert.throws(() => kserveStoreAccess({ kind: "minio" }), /MinIO object store has no endpoint/);
  assert.throws(() => kserveStoreAccess({ kind: "s3" }), /S3 store has no region/);
});

test("MinIO (local): default-editor lists the team's own credentials Secret, which carries the endpoint; the patch waits for it", async () => {
  const plan = await cachedPlan("local");
  const secrets = ofType(plan, "kubernetes:core/v1:Secret");
  for (const team of profiles(plan)) {
    const [patch] = teamPatches(plan).filter((p) => inputs(p).metadata.namespace === team);
    assert.ok(patch, `${team}: default-editor is patched`);
    // KServe mounts only Secrets the ServiceAccount lists (not annotations on the ServiceAccount).
    assert.deepEqual(inputs(patch).secrets, [{ name: `team-${team}-s3-credentials` }]);
    assert.deepEqual(Object.keys(inputs(patch).metadata.annotations).filter(kserveKey), [], "KServe reads no s3-* annotation from a ServiceAccount without an IAM role");
    const secret = secrets.find((s) => inputs(s).metadata.name === `team-${team}-s3-credentials` && inputs(s).metadata.namespace === team)!;
    assert.deepEqual(inputs(secret).metadata.annotations, {
      "serving.kserve.io/s3-endpoint": "minio.minio.svc.cluster.local:9000",
      "serving.kserve.io/s3-usehttps": "0",
      "serving.kserve.io/s3-region": "us-east-1",
    });
    // The keys are the team's own MinIO user's, never in plain text.
    assert.equal(inputs(secret).stringData, "[secret]");
    assert.ok(patch.dependsOn.includes(secret.urn), "a listed Secret that does not exist fails the model pod's admission");
    assert.ok(patch.dependsOn.some((u) => u.endsWith(`kubeflow.org/v1:Profile::profile-${team}`)), "default-editor exists once the Profile is reconciled");
  }
  assert.ok(profiles(plan).length > 0);
  // Only the team identities carry KServe's settings (Pipelines and MLflow keys do not).
  assert.deepEqual(annotated(plan), profiles(plan).map((t) => `kubernetes:core/v1:Secret::team-${t}-s3-credentials`));
});

test("EKS: default-editor carries the IAM role and the bucket's region, and lists no Secret", async () => {
  const plan = await cachedPlan("eks-dev");
  const region = JSON.parse(readStackFile("eks-dev").config["platform:cloud"]).region;
  const patches = teamPatches(plan);
  assert.deepEqual(patches.map((p) => inputs(p).metadata.namespace).sort(), profiles(plan));
  for (const p of patches) {
    const a = inputs(p).metadata.annotations;
    // KServe reads the s3-* annotations from the ServiceAccount only because the role ARN is there.
    assert.match(a["eks.amazonaws.com/role-arn"], /^arn:aws:iam::\d+:role\//);
    assert.equal(a["serving.kserve.io/s3-region"], region);
    assert.equal(inputs(p).secrets, undefined);
  }
});

test("GKE: workload identity alone (no KServe annotation, no Secret) on every GKE stack", async () => {
  for (const s of ["gke-dev", "prod", "ephemeral"]) {
    const plan = await cachedPlan(s);
    const patches = teamPatches(plan);
    assert.deepEqual(patches.map((p) => inputs(p).metadata.namespace).sort(), profiles(plan), s);
    for (const p of patches) {
      assert.deepEqual(Object.keys(inputs(p).metadata.annotations), ["iam.gke.io/gcp-service-account"], s);
      assert.equal(inputs(p).secrets, undefined, s);
    }
    assert.deepEqual(annotated(plan), [], s);
  }
});

test("stack output kubeflow.teamBuckets: each team's bucket URL, the storageUri prefix of its models", async () => {
  const expected: Record<string, RegExp> = { local: /^s3:\/\/team-sandbox$/, "gke-dev": /^gs:\/\/[a-z0-9-]+-team-research$/, "eks-dev": /^s3:\/\/[a-z0-9-]*-team-forecasting-[0-9]+$/ };
  for (const [s, pattern] of Object.entries(expected)) {
    const { outputs } = await planStack(s);
    const buckets = (outputs as any).kubeflow.teamBuckets as Record<string, string>;
    assert.deepEqual(Object.keys(buckets), (outputs as any).kubeflow.teamNamespaces, s);
    assert.match(Object.values(buckets)[0], pattern, s);
  }
});

test("KServe off: the team identity carries nothing for it", async () => {
  const plan = await planWith("local", (c) => {
    const kf = JSON.parse(c["platform:kubeflow"]);
    // Models need KServe (config rule): the local stack's example model goes with it.
    for (const t of kf.teams) delete t.models;
    c["platform:kubeflow"] = JSON.stringify({ ...kf, kserve: { enabled: false } });
  });
  assert.equal(ofType(plan, "kubernetes:kustomize/v2:Directory").filter((d) => d.name === "kubeflow-kserve").length, 0);
  assert.deepEqual(annotated(plan), []);
  assert.deepEqual(teamPatches(plan), [], "no cloud identity and no KServe: nothing to patch on an existing cluster");
});

// The storage initializer is KServe's init container. KServe's pod webhook (configuration
// "inferenceservice.serving.kserve.io") runs before Istio's ("istio-sidecar-injector"): the API server
// calls mutating webhooks sorted by configuration name. Istio 1.30 then orders the init containers:
// with native sidecars istio-init, istio-proxy, then the storage initializer (its traffic goes through
// the sidecar); without, the storage initializer, then istio-init (it runs before traffic is
// redirected). ENABLE_NATIVE_SIDECARS defaults to "auto": on when every node's kubelet is 1.33 or newer.
test("the storage initializer reaches the store in either sidecar mode: nothing in the plan turns native sidecars off or blocks its path", async () => {
  for (const s of stacks) {
    const plan = await cachedPlan(s);
    const istiod = ofType(plan, "kubernetes:helm.sh/v4:Chart").find((c) => inputs(c).name === "istiod")!;
    const values = inputs(istiod).values;
    assert.notEqual(values.env?.ENABLE_NATIVE_SIDECARS, "false", s);
    assert.equal(values.pilot?.env?.ENABLE_NATIVE_SIDECARS, undefined, s);
    // The chart's compatibility profiles 1.25 and 1.26 set ENABLE_NATIVE_SIDECARS "false".
    assert.ok(!["1.25", "1.26"].includes(values.compatibilityVersion), s);
    // A native sidecar gates the next init container only through its startup probe.
    assert.notEqual(values.global?.proxy?.startupProbe?.enabled, false, s);
    // Through the sidecar, calls to GCS, S3, STS and the GKE metadata server leave as passthrough.
    assert.notEqual(values.meshConfig?.outboundTrafficPolicy?.mode, "REGISTRY_ONLY", s);
    // No egress restriction in team namespaces (NetworkPolicy or Istio Sidecar).
    const teams = new Set(profiles(plan));
    const egress = plan.resources.filter(
      (r) =>
        teams.has(inputs(r)?.metadata?.namespace) &&
        ((r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" && (inputs(r).spec?.policyTypes ?? []).includes("Egress")) || inputs(r)?.kind === "Sidecar"),
    );
    assert.deepEqual(egress, [], s);
  }
  // MinIO is outside the mesh, with no policy of its own: a meshed client (through its sidecar, or
  // before istio-init) reaches it in plain HTTP, and no principal needs admitting.
  const local = await cachedPlan("local");
  const ns = ofType(local, "kubernetes:core/v1:Namespace").find((n) => inputs(n).metadata.name === minioNamespace)!;
  assert.equal(inputs(ns).metadata.labels["istio-injection"], "disabled");
  const policies = local.resources.filter(
    (r) => inputs(r)?.metadata?.namespace === minioNamespace && ["NetworkPolicy", "AuthorizationPolicy", "PeerAuthentication", "Sidecar"].includes(inputs(r).kind),
  );
  assert.deepEqual(policies, []);
  assert.match(minioEndpoint, /^http:\/\/minio\.minio\.svc\.cluster\.local:9000$/);
});

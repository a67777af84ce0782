// EKS: what makes the first and later `pulumi up` succeed, checked on the plan
// (mocks echo inputs, so these guard the inputs and options the real providers need).
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Plan } from "../tools/mock-runtime";
import { charts } from "../infra/versions";
import { ofType, one, planVariant } from "./helpers";

/** The cloud adapter's part of eks-dev's plan (or of a variant), computed once per test file. */
const cloudPlans = new Map<string, Promise<Plan>>();
function cloudPlan(stack = "eks-dev"): Promise<Plan> {
  if (!cloudPlans.has(stack)) cloudPlans.set(stack, planVariant(stack).then((r) => r.plan));
  return cloudPlans.get(stack)!;
}

test("EKS node groups: provider-generated unique names (create-before-delete works on ForceNew changes)", async () => {
  const groups = ofType(await cloudPlan(), "aws:eks/nodeGroup:NodeGroup");
  assert.ok(groups.length > 0);
  for (const g of groups) {
    const inputs = g.inputs as any;
    assert.equal(inputs.nodeGroupName, undefined, `${g.name}: a fixed name fails with ResourceInUseException on replacement`);
    assert.equal(inputs.nodeGroupNamePrefix, `${g.name}-`);
    assert.ok(inputs.nodeGroupNamePrefix.length + 26 <= 63, `${g.name}: prefix + 26-character suffix must fit 63`);
  }
  for (const t of ofType(await cloudPlan(), "aws:ec2/launchTemplate:LaunchTemplate")) {
    assert.equal((t.inputs as any).name, undefined, `${t.name}: launch templates are auto-named, never fixed`);
  }
});

test("EKS GPU groups: the NVIDIA device plugin runs on GPU nodes only, tolerating their taint", async () => {
  const plan = await cloudPlan();
  const gpu = one(plan, "aws:eks/nodeGroup:NodeGroup", "gpu").inputs as any;
  assert.equal(gpu.labels["platform/pool-role"], "gpu");
  const chart = one(plan, "kubernetes:helm.sh/v4:Chart", "nvidia-device-plugin");
  const c = chart.inputs as any;
  assert.deepEqual([c.chart, c.version, c.repositoryOpts.repo], [charts.nvidiaDevicePlugin.chart, "0.20.0", "https://nvidia.github.io/k8s-device-plugin"]);
  assert.equal(c.namespace, "kube-system");
  const provider = one(plan, "pulumi:providers:kubernetes", "eks");
  assert.ok(chart.dependsOn.includes(provider.urn), "installed with the cluster's Kubernetes provider");
  assert.deepEqual(c.values.nodeSelector, { "platform/pool-role": "gpu" });
  assert.deepEqual(c.values.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, [
    { matchExpressions: [{ key: "platform/pool-role", operator: "In", values: ["gpu"] }] },
  ], "replaces the chart's NFD-label affinity, which EKS nodes never match");
  for (const t of gpu.taints) {
    const effect = { NO_SCHEDULE: "NoSchedule", PREFER_NO_SCHEDULE: "PreferNoSchedule", NO_EXECUTE: "NoExecute" }[t.effect as string];
    assert.ok(c.values.tolerations.some((x: any) => x.key === t.key && x.operator === "Exists" && x.effect === effect), `tolerates ${t.key}`);
  }
});

test("EKS without GPU groups: no device plugin", async () => {
  const { plan } = await planVariant("eks-dev", (c) => {
    const cloud = JSON.parse(c["platform:cloud"]);
    c["platform:cloud"] = JSON.stringify({ ...cloud, nodePools: cloud.nodePools.filter((p: any) => p.role !== "gpu") });
  });
  assert.equal(plan.resources.filter((r) => r.name === "nvidia-device-plugin").length, 0);
});

test("EKS node groups: desiredSize is managed and equals min (no autoscaler; raising min must not fail)", async () => {
  const { plan } = await planVariant("eks-dev", (c) => {
    const cloud = JSON.parse(c["platform:cloud"]);
    c["platform:cloud"] = JSON.stringify({ ...cloud, nodePools: cloud.nodePools.map((p: any) => (p.name === "cpu" ? { ...p, min: 3 } : p)) });
  });
  const groups = ofType(plan, "aws:eks/nodeGroup:NodeGroup");
  assert.ok(groups.length > 0);
  for (const g of groups) {
    const sc = (g.inputs as any).scalingConfig;
    assert.equal(sc.desiredSize, sc.minSize, `${g.name}: desiredSize follows min`);
    assert.ok(sc.minSize <= sc.maxSize);
    assert.ok(!g.options.ignoreChanges.some((p) => p.startsWith("scalingConfig")), `${g.name}: scaling is not ignored`);
  }
  assert.equal((one(plan, "aws:eks/nodeGroup:NodeGroup", "cpu").inputs as any).scalingConfig.desiredSize, 3);
});

test("EKS S3 buckets: provider-completed unique names (global namespace), prefix within S3's limits", async () => {
  for (const name of ["artifacts", "pipeline-artifacts-with-a-long-name"]) {
    const { plan } = await planVariant("eks-dev", undefined, (cloud) => void cloud.bucket(name));
    const b = one(plan, "aws:s3/bucket:Bucket", name).inputs as any;
    assert.equal(b.bucket, undefined, "a fixed bucket name can be taken by anyone, anywhere");
    assert.ok(b.bucketPrefix.length <= 37, `prefix ${b.bucketPrefix} must be at most 37 characters (+26 = 63)`);
    assert.match(b.bucketPrefix, /^[a-z0-9][a-z0-9-]*-$/);
    assert.ok(b.bucketPrefix.startsWith("mlops-eks-dev-"), "the prefix still names the stack");
  }
});

test("EKS control-plane logs: the stack creates the log group first, with the tier's retention; kept after destroy only in prod", async () => {
  const expected = { ephemeral: [7, false], dev: [30, false], prod: [365, true] } as const;
  for (const [tier, [days, retained]] of Object.entries(expected)) {
    const { plan } = await planVariant("eks-dev", (c) => void (c["platform:tier"] = tier));
    const cluster = one(plan, "aws:eks/cluster:Cluster", "cluster");
    const logGroup = one(plan, "aws:cloudwatch/logGroup:LogGroup", "control-plane-logs");
    const lg = logGroup.inputs as any;
    assert.equal(lg.name, `/aws/eks/${(cluster.inputs as any).name}/cluster`, "the name EKS writes to");
    assert.equal(lg.retentionInDays, days, tier);
    assert.equal(logGroup.options.retainOnDelete, retained, tier);
    assert.ok(cluster.dependsOn.includes(logGroup.urn), "created before the cluster, or EKS creates its own");
  }
});

test("EKS versions: node groups and add-ons follow the cluster's Kubernetes version; standard support only", async () => {
  const { plan } = await planVariant("eks-dev", (c) => {
    c["platform:cloud"] = JSON.stringify({ ...JSON.parse(c["platform:cloud"]), version: "1.33" });
  });
  const cluster = one(plan, "aws:eks/cluster:Cluster", "cluster");
  const c = cluster.inputs as any;
  assert.equal(c.version, "1.33");
  assert.deepEqual(c.upgradePolicy, { supportType: "STANDARD" }, "no extended-support surcharge");
  const groups = ofType(plan, "aws:eks/nodeGroup:NodeGroup");
  for (const g of groups) {
    assert.equal((g.inputs as any).version, c.version, `${g.name} runs the cluster's version`);
    assert.ok(g.dependsOn.includes(cluster.urn));
  }
  const addons = ofType(plan, "aws:eks/addon:Addon");
  assert.deepEqual(addons.map((a) => (a.inputs as any).addonName).sort(), ["aws-ebs-csi-driver", "coredns", "kube-proxy", "vpc-cni"]);
  for (const a of addons) {
    const inputs = a.inputs as any;
    // The mock of aws.eks.getAddonVersion names the Kubernetes version it was asked for.
    assert.equal(inputs.addonVersion, `v0.0.0-for-${c.version}-eksbuild.1`, `${a.name}: pinned to a build for the cluster's version`);
    assert.equal(inputs.resolveConflictsOnUpdate, "OVERWRITE", `${a.name}: upgrades do not stop on conflicts`);
  }
});

test("EKS admins: access entries keyed by principal, so reordering the list changes nothing", async () => {
  const admins = ["arn:aws:iam::123456789012:role/platform-admins", "arn:aws:iam::210987654321:role/team/ml-ops"];
  const entries = async (list: string[]) => {
    const { plan } = await planVariant("eks-dev", (c) => {
      c["platform:cloud"] = JSON.stringify({ ...JSON.parse(c["platform:cloud"]), admins: list });
    });
    const byUrn = (type: string) => Object.fromEntries(ofType(plan, type).map((r) => [r.urn, (r.inputs as any).principalArn]));
    return { entries: byUrn("aws:eks/accessEntry:AccessEntry"), policies: byUrn("aws:eks/accessPolicyAssociation:AccessPolicyAssociation") };
  };
  const forward = await entries(admins);
  const reversed = await entries([...admins].reverse());
  assert.deepEqual(reversed, forward, "same URN for the same principal, whatever its position");
  assert.deepEqual(Object.values(forward.entries).sort(), [...admins].sort());
  const names = Object.keys(forward.entries).map((urn) => urn.split("::").pop());
  assert.deepEqual(names.sort(), ["admin-123456789012-platform-admins", "admin-210987654321-ml-ops"]);
  const dropped = await entries([admins[1]]);
  assert.deepEqual(dropped.entries, { [Object.keys(forward.entries).find((u) => forward.entries[u] === admins[1])!]: admins[1] }, "removing one keeps the other");
});

// GKE: what makes the first and the second `pulumi up` succeed, checked on the plan
// (mocks echo inputs, so these guard the inputs and options the real providers need).
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Plan } from "../tools/mock-runtime";
import { ofType, one, planVariant } from "./helpers";

const gkeStacks = ["gke-dev", "prod", "ephemeral"];

/** The cloud adapter's part of a committed stack's plan, computed once per test file. */
const cloudPlans = new Map<string, Promise<Plan>>();
function cloudPlan(stack: string): Promise<Plan> {
  if (!cloudPlans.has(stack)) cloudPlans.set(stack, planVariant(stack).then((r) => r.plan));
  return cloudPlans.get(stack)!;
}

test("GKE cluster: the removed default pool's nodeConfig and initialNodeCount are ignored (no replacement on the 2nd up)", async () => {
  for (const stack of gkeStacks) {
    const cluster = one(await cloudPlan(stack), "gcp:container/cluster:Cluster", "cluster");
    assert.equal((cluster.inputs as any).removeDefaultNodePool, true, stack);
    for (const path of ["nodeConfig", "initialNodeCount"]) {
      assert.ok(cluster.options.ignoreChanges.includes(path), `${stack}: cluster must ignore ${path}`);
    }
  }
});

test("GKE node pools: provider-generated unique names, initial size per zone, later size changes ignored", async () => {
  for (const stack of gkeStacks) {
    const plan = await cloudPlan(stack);
    const cluster = one(plan, "gcp:container/cluster:Cluster", "cluster").inputs as any;
    // Zonal clusters have their one zone; regional ones spread each pool over three zones.
    const zones = /-[a-z]$/.test(cluster.location) ? 1 : 3;
    const pools = ofType(plan, "gcp:container/nodePool:NodePool");
    assert.ok(pools.length > 0);
    for (const pool of pools) {
      const p = pool.inputs as any;
      assert.equal(p.name, undefined, `${stack}/${pool.name}: a fixed name makes create-before-delete fail with 409`);
      assert.equal(p.namePrefix, `${pool.name}-`);
      assert.ok(p.namePrefix.length <= 14, `${stack}/${pool.name}: prefix + 26-character suffix must fit GKE's 40`);
      assert.equal(p.initialNodeCount, Math.ceil(p.autoscaling.totalMinNodeCount / zones), `${stack}/${pool.name}: initialNodeCount is per zone`);
      assert.ok(pool.options.ignoreChanges.includes("initialNodeCount"), `${stack}/${pool.name}: initialNodeCount is ForceNew`);
    }
  }
  // prod is regional: min 3 is one node in each of three zones, not three per zone.
  const prodSystem = one(await cloudPlan("prod"), "gcp:container/nodePool:NodePool", "system").inputs as any;
  assert.deepEqual([prodSystem.initialNodeCount, prodSystem.autoscaling.totalMinNodeCount], [1, 3]);
});

test("GKE workload identity: the binding waits for the cluster (its identity pool), the GSA for the IAM API", async () => {
  const { plan } = await planVariant("gke-dev", undefined, (cloud) => {
    cloud.workloadIdentity("external-dns", { namespace: "external-dns", name: "external-dns" }, [{ kind: "dnsRecords", discoverZones: true }]);
  });
  const cluster = one(plan, "gcp:container/cluster:Cluster", "cluster");
  const pool = (cluster.inputs as any).workloadIdentityConfig.workloadPool;
  const binding = one(plan, "gcp:serviceaccount/iAMMember:IAMMember", "external-dns-workload-identity");
  assert.equal((binding.inputs as any).member, `serviceAccount:${pool}[external-dns/external-dns]`);
  assert.ok(binding.dependsOn.includes(cluster.urn), "the identity pool exists only once the cluster does");
  const iamApi = ofType(plan, "gcp:projects/service:Service").find((s) => (s.inputs as any).service === "iam.googleapis.com");
  assert.ok(iamApi, "the IAM API is enabled by the stack");
  const gsa = one(plan, "gcp:serviceaccount/account:Account", "external-dns");
  assert.ok(gsa.dependsOn.includes(iamApi.urn), "the GSA waits for the IAM API");
});

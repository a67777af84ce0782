// GKE: what makes the first and the second `pulumi up` succeed, checked on the plan
// (mocks echo inputs, so these guard the inputs and options the real providers need).
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Plan } from "../tools/mock-runtime";
import { one, planVariant } from "./helpers";

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

// EKS: what makes the first and later `pulumi up` succeed, checked on the plan
// (mocks echo inputs, so these guard the inputs and options the real providers need).
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Plan } from "../tools/mock-runtime";
import { ofType, planVariant } from "./helpers";

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

import { test } from "node:test";
import assert from "node:assert/strict";
import { planStack } from "../tools/plan-stack";
import { one, planVariant } from "./helpers";

test("existing: adopts the kubeconfig context and creates no cloud resources", async () => {
  const { plan, outputs } = await planStack("local");
  const provider = one(plan, "pulumi:providers:kubernetes", "existing").inputs as any;
  assert.equal(provider.context, "k3d-mlops");
  assert.ok(plan.resources.every((r) => !/^(gcp|aws):|^pulumi:providers:(gcp|aws)$/.test(r.type)));
  assert.equal(outputs.kubeconfig, undefined, "a user's own kubeconfig is not re-exported");
});

test("existing: cloud identities fail loudly instead of doing nothing (buckets: data-minio.test.ts)", async () => {
  const identity = await planVariant("local", undefined, (cloud) => void cloud.workloadIdentity("x", { namespace: "a", name: "b" }, [{ kind: "dnsRecords" }]));
  assert.match(String(identity.error), /existing cluster has no cloud identity to give a\/b the grants dnsRecords/);
});

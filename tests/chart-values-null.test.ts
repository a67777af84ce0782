// No Helm chart value in any stack's plan is null. @pulumi/kubernetes >= 4.30 passes nulls through
// to Helm ("Don't skip nulls when unmarshaling", pulumi-kubernetes #4293), and Helm treats a null as
// "delete this key from the chart's defaults". Where a template dereferences the deleted map without
// a guard the chart stops rendering (tempo 2.2.4 read tempo.receivers.jaeger.protocols.* this way:
// `jaeger: null` failed every `pulumi up`); under mocks charts render nothing, so only this test sees it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { committedStacks } from "../tools/stack-file";
import { cachedPlan, ofType } from "./helpers";

/**
 * Deliberate nulls, as "<release>:<dotted.path>", each with the template lines that make deleting
 * the key safe. Empty: no chart value needs deleting today.
 */
const allowedNulls: string[] = [];

function nullPaths(value: unknown, path: string, out: string[]): string[] {
  if (value === null) out.push(path);
  else if (Array.isArray(value)) value.forEach((v, i) => nullPaths(v, `${path}[${i}]`, out));
  else if (typeof value === "object") for (const [k, v] of Object.entries(value as Record<string, unknown>)) nullPaths(v, path ? `${path}.${k}` : k, out);
  return out;
}

for (const name of committedStacks()) {
  test(`stack ${name}: no Helm chart value is null (Helm would delete the chart's default there)`, async () => {
    const p = await cachedPlan(name);
    const charts = ofType(p, "kubernetes:helm.sh/v4:Chart");
    assert.ok(charts.length > 5, "the stack's charts are in the plan");
    const found = charts.flatMap((c) => nullPaths((c.inputs as any).values ?? {}, "", []).map((x) => `${(c.inputs as any).name}:${x}`));
    assert.deepEqual(found.filter((x) => !allowedNulls.includes(x)), []);
  });
}

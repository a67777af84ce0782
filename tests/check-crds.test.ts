import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { checkPlan, loadCrdSchemas } from "../tools/check-crds";
import { noOptions, type Plan } from "../tools/mock-runtime";

const schemas = loadCrdSchemas(join(__dirname, "fixtures/crds"));

function widget(spec: unknown, version = "v1"): Plan {
  return {
    stack: "t",
    resources: [
      { urn: "urn:w", type: `kubernetes:example.com/${version}:Widget`, name: "w", parent: null, dependsOn: [], inputs: { apiVersion: `example.com/${version}`, kind: "Widget", metadata: { name: "w" }, spec }, options: noOptions },
      { urn: "urn:other", type: "kubernetes:core/v1:ConfigMap", name: "c", parent: null, dependsOn: [], inputs: { data: { any: "thing" } }, options: noOptions },
    ],
  };
}
const problems = (plan: Plan) => checkPlan(plan, schemas).problems.map((p) => `${p.path}: ${p.message}`);

test("a valid resource passes; free-form maps and preserve-unknown-fields accept anything", () => {
  const result = checkPlan(widget({ size: 1, mode: "fast", labels: { a: "b" }, extra: { whatever: { deep: 1 } }, parts: [{ name: "p" }] }), schemas);
  assert.equal(result.checked, 1, "only the Widget is a custom resource of a known group");
  assert.deepEqual(result.problems, []);
});

test("fields the API server would prune are reported with their path", () => {
  assert.deepEqual(problems(widget({ size: 1, sise: 2, parts: [{ name: "p", nmae: "q" }] })), [
    "spec.sise: not in the CRD: the API server would drop it silently",
    "spec.parts[0].nmae: not in the CRD: the API server would drop it silently",
  ]);
});

test("types, enums and required fields are checked", () => {
  assert.deepEqual(problems(widget({ size: "big", mode: "reckless" })), [
    "spec.size: must be integer",
    "spec.mode: must be equal to one of the allowed values (fast, safe)",
  ]);
  assert.deepEqual(problems(widget({ mode: "safe" })), ["spec: must have required property 'size'"]);
});

test("a version the CRD directory does not have is reported", () => {
  assert.deepEqual(problems(widget({ size: 1 }, "v2")), [": no CRD version v2 of Widget.example.com in the CRD directory"]);
});

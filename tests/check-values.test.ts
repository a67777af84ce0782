// Helm values checked against chart defaults: synthetic fixture charts, synthetic plans, and the CLI.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { noOptions, type Plan } from "../tools/mock-runtime";
import { checkChartValues, checkPlan } from "../tools/check-values";
import { repoRoot } from "../tools/stack-file";
import { runTool } from "./helpers";

const charts = join(repoRoot, "tests/fixtures/charts");
const istioRepo = "https://istio-release.storage.googleapis.com/charts";

const paths = (values: unknown, chart = "strictchart", version = "1.0.0", repo = "https://charts.example.org") =>
  checkChartValues(values, charts, chart, version, repo).map((p) => p.path);

test("a mistyped key is reported with its full path; correct keys are not", () => {
  const problems = checkChartValues({ serviceAccount: { create: true, annotatons: { a: "b" } }, image: { tagg: "2" } }, charts, "strictchart", "1.0.0", "");
  assert.deepEqual(
    problems.map((p) => [p.path, p.message]),
    [
      ["serviceAccount.annotatons", "unknown key"],
      ["image.tagg", "unknown key"],
    ],
  );
  assert.equal(problems[0].chart, "strictchart");
  assert.equal(problems[0].version, "1.0.0");
});

test("a key declared only in the schema ($ref, $defs, definitions, allOf) is accepted", () => {
  const values = { serviceAccount: { name: "app", annotations: { "iam.gke.io/gcp-service-account": "x@y" } }, nameOverride: "n", extraEnv: { A: "1" }, image: { pullPolicy: "Never" } };
  assert.deepEqual(paths(values), []);
  // Without the schema's help these keys would be unknown: the same keys in a schemaless chart are reported.
  assert.deepEqual(paths({ nameOverride: "n", extraEnv: { A: "1" } }, "freeform", "2.0.0"), ["nameOverride", "extraEnv"]);
});

test("without a schema, a key commented out in its own map is accepted; with a schema it is not", () => {
  assert.deepEqual(paths({ service: { existingService: "svc" } }, "freeform", "2.0.0"), []);
  assert.deepEqual(paths({ existingService: "svc" }, "freeform", "2.0.0"), ["existingService"]);
  assert.deepEqual(paths({ image: { digest: "sha256:0" } }), ["image.digest"]);
});

test("free-form maps accept any key at any depth; a sibling typo is still reported", () => {
  const values = {
    config: { issuer: "https://dex.example.org", storage: { type: "kubernetes", config: { inCluster: true } } },
    extraArgs: { provider: "oidc" },
    env: { FOO: "bar" },
    resources: { limits: { memory: "1Gi" } },
    service: { type: "ClusterIP", prot: 80 },
    sources: ["istio-gateway"],
  };
  assert.deepEqual(paths(values, "freeform", "2.0.0"), ["service.prot"]);
  // Schema: an object with no properties is open even over a non-empty default (podLabels); so is one with only additionalProperties.
  assert.deepEqual(paths({ podLabels: { team: "ml" }, podAnnotations: { "x/y": "1" }, serviceAccount: { annotations: { any: "thing" } }, extraArgs: ["--v=2"] }), []);
});

test("Istio: wrapper children and profile/platform keys are accepted; defaults and typos are rejected", () => {
  const ok = { service: { type: "NodePort", annotations: { "cloud/lb": "internal" } }, podAnnotations: { "sidecar.istio.io/inject": "false" }, profile: "ambient", platform: "gke", compatibilityVersion: "1.29", revision: "canary", global: { hub: "h", platform: "gke", profile: "ambient" }, replicaCount: 2 };
  assert.deepEqual(paths(ok, "gateway", "9.9.9", istioRepo), []);
  const bad = checkChartValues({ defaults: { service: { type: "NodePort" } }, servce: { type: "NodePort" }, global: { hubb: "h" } }, charts, "gateway", "9.9.9", istioRepo);
  assert.deepEqual(
    bad.map((p) => [p.path, p.message]),
    [
      ["defaults", "setting defaults.* makes the template fail"],
      ["servce", "unknown key"],
      ["global.hubb", "unknown key"],
    ],
  );
});

test("the istio-<chart> folder is tried only for charts from an Istio repository", () => {
  const [problem] = checkChartValues({}, charts, "gateway", "9.9.9", "https://charts.example.org");
  assert.equal(problem.path, "");
  assert.match(problem.message, /^no defaults found for gateway@9\.9\.9/);
});

test("a map set where the default is a scalar is a type mismatch; over null it is not", () => {
  const problems = checkChartValues({ image: { tag: { major: 1 } }, replicaCount: { min: 1 } }, charts, "strictchart", "1.0.0", "");
  assert.deepEqual(problems.map((p) => p.path), ["image.tag", "replicaCount"]);
  assert.match(problems[0].message, /^type mismatch: the chart's default is the string "1\.0", not a map$/);
  assert.deepEqual(paths({ replicaCount: { min: 1 } }, "gateway", "9.9.9", istioRepo), []);
});

test("an unknown chart or version is reported, naming the versions that exist", () => {
  const [none] = checkChartValues({ a: 1 }, charts, "nochart", "1.0.0", "");
  assert.deepEqual([none.chart, none.version, none.path], ["nochart", "1.0.0", ""]);
  assert.match(none.message, /^no defaults found for nochart@1\.0\.0 in .*fixtures\/charts$/);
  const [wrongVersion] = checkChartValues({}, charts, "strictchart", "2.0.0", "");
  assert.match(wrongVersion.message, /\(have 1\.0\.0\)$/);
  const [istioWrongVersion] = checkChartValues({}, charts, "gateway", "1.0.0", istioRepo);
  assert.match(istioWrongVersion.message, /\(have 9\.9\.9\)$/);
});

test("a scalar outside the schema's enum is reported; other scalar type differences and secrets are not", () => {
  const problems = checkChartValues({ logLevel: "verbose", image: { pullPolicy: "Sometimes" } }, charts, "strictchart", "1.0.0", "");
  assert.deepEqual(
    problems.map((p) => [p.path, p.message]),
    [
      ["logLevel", '"verbose" is not one of "debug", "info", "warn", "error"'],
      ["image.pullPolicy", '"Sometimes" is not one of "Always", "IfNotPresent", "Never"'],
    ],
  );
  assert.deepEqual(paths({ logLevel: "debug", replicaCount: "3", image: { pullPolicy: "IfNotPresent", tag: "[secret]" } }), []);
  assert.deepEqual(paths({ logLevel: "[secret]" }), []);
});

test("checkPlan checks only Helm chart resources and attributes problems to the plan's stack", () => {
  const resource = (type: string, name: string, inputs: Record<string, unknown>) => ({ urn: `urn:${name}`, type, name, parent: null, dependsOn: [], inputs, options: noOptions });
  const plan: Plan = {
    stack: "synthetic",
    resources: [
      resource("pulumi:pulumi:Stack", "s", {}),
      resource("kubernetes:helm.sh/v4:Chart", "gw", { chart: "gateway", version: "9.9.9", repositoryOpts: { repo: istioRepo }, values: { servce: {} } }),
      resource("kubernetes:helm.sh/v4:Chart", "app", { chart: "strictchart", version: "1.0.0", repositoryOpts: { repo: "https://charts.example.org" }, values: "[secret]" }),
      resource("kubernetes:core/v1:ConfigMap", "cm", { chart: "strictchart", version: "1.0.0", values: { typo: 1 } }),
    ],
  };
  assert.deepEqual(checkPlan(plan, charts), [{ chart: "gateway", version: "9.9.9", stack: "synthetic", path: "servce", message: "unknown key" }]);
});

const cli = (...args: string[]) => runTool("check-values", ...args);

test("CLI: one line per problem, a summary line, and an exit code that matches them", () => {
  const r = cli("tests/fixtures/charts", "local");
  const lines = r.stdout.trimEnd().split("\n");
  const summary = /^(\d+) charts checked across 1 stacks: (\d+) unknown keys$/.exec(lines.at(-1) ?? "");
  assert.ok(summary, `no summary line in:\n${r.stdout}\n${r.stderr}`);
  const problemLines = lines.slice(0, -1);
  assert.equal(problemLines.length, Number(summary[2]));
  for (const line of problemLines) assert.match(line, /^local {2}\S+@\S* {2}\S/);
  // A stack that does not plan (the program is being edited) also fails the check, on stderr.
  const planFailed = /^local: could not plan: /m.test(r.stderr);
  assert.equal(r.code, problemLines.length > 0 || planFailed ? 1 : 0, r.stderr);
});

test("CLI: a missing defaults directory is a usage error", () => {
  const r = cli("tests/fixtures/no-such-dir");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^usage: /);
  assert.equal(r.stdout, "");
});

test("an empty, explicitly open map whose schema lists example keys accepts any key (env var maps)", () => {
  assert.deepEqual(paths({ extraEnvVars: { PGSSLMODE: "require", DOCUMENTED_EXAMPLE: "x" } }), []);
  assert.deepEqual(paths({ extraEnvVarz: { PGSSLMODE: "require" } }), ["extraEnvVarz"]);
});

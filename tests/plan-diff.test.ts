// plan:diff: resources matched by URN, property changes, replacements predicted from ForceNew and
// lifecycle options, fixed-name replacements flagged, secrets compared without their values,
// the PR comment under GitHub's limit, and the CLI over stacks, plan JSON and folders.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { platform } from "../infra/program";
import { noOptions, runUnderMocks, type Plan, type PlannedResource } from "../tools/mock-runtime";
import { diffPlans, summary } from "../tools/plan-diff-core";
import { commentLimit, commentMarker, renderComment, renderMarkdownFull, renderText } from "../tools/plan-diff-render";
import { projectName, readStackFile, repoRoot } from "../tools/stack-file";
import { cachedPlan, planVariant } from "./helpers";

type Config = Record<string, string>;
/** Edits platform:cloud (a JSON value in the flat config map). */
const editCloud = (f: (cloud: any) => void) => (config: Config) => {
  const cloud = JSON.parse(config["platform:cloud"]);
  f(cloud);
  config["platform:cloud"] = JSON.stringify(cloud);
};
/** The cloud layer of a stack (planVariant: the adapter alone), as plain plans to diff. */
const cloudPlan = async (stack: string, edit?: (c: Config) => void) => (await planVariant(stack, edit)).plan;

/** The whole program on a stack file's config with `edit` applied. */
async function fullPlan(stack: string, edit: (c: Config) => void): Promise<Plan> {
  const file = readStackFile(stack);
  edit(file.config);
  return (await runUnderMocks({ project: projectName, stack: file.stack, config: file.config, secretKeys: file.secretKeys, program: platform })).plan;
}

test("an unchanged stack shows no changes", async () => {
  const plan = await cachedPlan("prod");
  const d = diffPlans(plan, structuredClone(plan));
  assert.deepEqual(d.counts, { create: 0, update: 0, replace: 0, delete: 0 });
  assert.equal(summary(d), "no changes");
  assert.match(renderText([d]), /^Stack prod: no changes$/);
});

test("an EKS node group's instance type change is a replacement (instance_types is ForceNew); its prefix name avoids a collision", async () => {
  const before = await cloudPlan("eks-dev");
  const after = await cloudPlan("eks-dev", editCloud((c) => (c.nodePools[1].machineType = "m6i.4xlarge")));
  const d = diffPlans(before, after);
  const group = d.resources.find((r) => r.type === "aws:eks/nodeGroup:NodeGroup");
  assert.ok(group, "the node group changes");
  assert.equal(group.action, "replace");
  assert.equal(group.name, "cpu");
  const change = group.changes.find((c) => c.path === "instanceTypes.0");
  assert.deepEqual([change?.before, change?.after, change?.replaces], ["m6i.2xlarge", "m6i.4xlarge", "instanceTypes"]);
  assert.equal(group.warning, undefined, "nodeGroupNamePrefix: the replacement gets a new name");
  assert.equal(d.counts.replace, 1);
  assert.match(renderText([d]), /\+- aws:eks\/nodeGroup:NodeGroup cpu {2}\[replace\]\n.*~ instanceTypes\.0: m6i\.2xlarge -> m6i\.4xlarge {2}\(forces replacement: instanceTypes\)/);
});

test("a GKE node pool's machine type changes in place (not ForceNew in the google provider), its spot setting replaces it", async () => {
  const before = await cloudPlan("gke-dev");
  const machine = diffPlans(before, await cloudPlan("gke-dev", editCloud((c) => (c.nodePools[1].machineType = "e2-standard-16"))));
  assert.deepEqual(machine.resources.map((r) => [r.type, r.name, r.action]), [["gcp:container/nodePool:NodePool", "cpu", "update"]]);
  const spot = diffPlans(before, await cloudPlan("gke-dev", editCloud((c) => (c.nodePools[1].spot = !c.nodePools[1].spot))));
  const pool = spot.resources.find((r) => r.name === "cpu");
  assert.equal(pool?.action, "replace");
  assert.ok(pool?.changes.some((c) => c.path === "nodeConfig.spot" && c.replaces === "nodeConfig.spot"));
});

test("a new node pool is exactly one add", async () => {
  const before = await cloudPlan("gke-dev");
  const after = await cloudPlan(
    "gke-dev",
    editCloud((c) => c.nodePools.push({ name: "batch", role: "cpu", machineType: "e2-standard-8", min: 0, max: 2 })),
  );
  const d = diffPlans(before, after);
  assert.deepEqual(d.counts, { create: 1, update: 0, replace: 0, delete: 0 });
  assert.deepEqual(d.resources.map((r) => [r.action, r.type, r.name]), [["create", "gcp:container/nodePool:NodePool", "batch"]]);
  assert.equal(summary(d), "1 to add, 0 to change, 0 to replace, 0 to delete");
});

test("a removed node pool is one delete", async () => {
  const before = await cloudPlan("gke-dev");
  const after = await cloudPlan("gke-dev", editCloud((c) => c.nodePools.splice(1, 1)));
  assert.deepEqual(diffPlans(before, after).counts, { create: 0, update: 0, replace: 0, delete: 1 });
});

test("a replaced resource with a fixed physical name is flagged (GKE cluster moved to another zone)", async () => {
  const before = await cloudPlan("gke-dev");
  const after = await cloudPlan("gke-dev", editCloud((c) => (c.zone = "europe-west4-b")));
  const d = diffPlans(before, after);
  const cluster = d.resources.find((r) => r.type === "gcp:container/cluster:Cluster");
  assert.equal(cluster?.action, "replace");
  assert.match(cluster?.warning ?? "", /^DANGER fixed physical name "mlops-gke-dev": create-before-delete would create a second/);
  // The pools carry a generated suffix (namePrefix): replaced too, but no collision.
  const pools = d.resources.filter((r) => r.type === "gcp:container/nodePool:NodePool");
  assert.ok(pools.length > 0 && pools.every((p) => p.action === "replace" && p.warning === undefined));
  const comment = renderComment([d]);
  assert.match(comment, /<details open><summary><b>gke-dev<\/b>: .* ⚠️ 1 dangerous replacement<\/summary>/);
});

test("a changed secret shows as changed, without its value, and replaces the Kubernetes Secret holding it", async () => {
  const before = await cachedPlan("ephemeral");
  const after = await fullPlan("ephemeral", (c) => {
    const identity = JSON.parse(c["platform:identity"]);
    identity.connectors[0].clientSecret = "rotated-github-client-secret";
    c["platform:identity"] = JSON.stringify(identity);
  });
  const d = diffPlans(before, after);
  const secret = d.resources.find((r) => r.type === "kubernetes:core/v1:Secret" && r.name === "dex-env");
  assert.ok(secret, "dex's environment Secret changes");
  assert.deepEqual(secret.changes, [{ path: "stringData", kind: "changed", secret: true, replaces: "stringData" }]);
  assert.equal(secret.action, "replace");
  assert.match(secret.warning ?? "", /fixed name "dex-env": the Kubernetes provider deletes it before creating the replacement/);
  const everything = [renderText([d]), renderMarkdownFull([d]), renderComment([d]), JSON.stringify(d)].join("\n");
  assert.ok(!everything.includes("rotated-github-client-secret"), "the new value is never printed");
  assert.ok(!everything.includes("plan-placeholder-secret"), "nor the old one");
  assert.match(renderText([d]), /stringData: \[secret\] changed \(value not shown\)/);
  // The same stack planned twice has equal hashes: no false positives.
  assert.equal(summary(diffPlans(before, await fullPlan("ephemeral", () => {}))), "no changes");
});

const resource = (name: string, type: string, inputs: Record<string, unknown>, options: Partial<PlannedResource["options"]> = {}): PlannedResource => ({
  urn: `urn:pulumi:s::${projectName}::${type}::${name}`,
  type,
  name,
  parent: null,
  dependsOn: [],
  inputs,
  options: { ...noOptions, ...options },
});
const plan = (...resources: PlannedResource[]): Plan => ({ stack: "s", resources });

test("lifecycle options: replaceOnChanges forces a replacement, ignoreChanges hides a change, deleteBeforeReplace defuses a fixed name, protect is called out", () => {
  const t = "gcp:storage/bucket:Bucket";
  const roc = diffPlans(plan(resource("b", t, { versioning: { enabled: false } }, { replaceOnChanges: ["versioning"] })), plan(resource("b", t, { versioning: { enabled: true } }, { replaceOnChanges: ["versioning"] })));
  assert.equal(roc.resources[0].action, "replace");
  const ignored = diffPlans(plan(resource("b", t, { labels: { a: "1" } }, { ignoreChanges: ["labels"] })), plan(resource("b", t, { labels: { a: "2" } }, { ignoreChanges: ["labels"] })));
  assert.equal(summary(ignored), "no changes");
  const dbr = diffPlans(plan(resource("b", t, { name: "fixed", location: "EU" }, { deleteBeforeReplace: true })), plan(resource("b", t, { name: "fixed", location: "US" }, { deleteBeforeReplace: true })));
  assert.match(dbr.resources[0].warning ?? "", /^fixed name "fixed": deleteBeforeReplace is set, so it is deleted first/);
  const prot = diffPlans(plan(resource("b", t, { name: "fixed", location: "EU" }, { protect: true })), plan(resource("b", t, { name: "fixed", location: "US" }, { protect: true })));
  assert.match(prot.resources[0].warning ?? "", /protected: the engine refuses to delete it/);
  assert.match(prot.resources[0].warning ?? "", /DANGER fixed physical name "fixed"/);
  // Renaming is a replacement, but the new name cannot collide with the old one.
  const renamed = diffPlans(plan(resource("b", t, { name: "a" })), plan(resource("b", t, { name: "b" })));
  assert.equal(renamed.resources[0].action, "replace");
  assert.equal(renamed.resources[0].warning, undefined);
  // A type the table does not know: an update, with the caveat stated.
  const unknown = diffPlans(plan(resource("x", "aws:sns/topic:Topic", { a: 1 })), plan(resource("x", "aws:sns/topic:Topic", { a: 2 })));
  assert.deepEqual([unknown.resources[0].action, unknown.unknownTypes], ["update", ["aws:sns/topic:Topic"]]);
});

test("the PR comment stays under GitHub's limit: the largest stacks lose their detail first, the full diff keeps everything", () => {
  const t = "kubernetes:core/v1:ConfigMap";
  const many = (stack: string, n: number) =>
    diffPlans({ stack, resources: [] }, { stack, resources: Array.from({ length: n }, (_, i) => ({ ...resource(`cm-${i}-${"x".repeat(40)}`, t, { data: { k: "v" } }), urn: `urn:pulumi:${stack}::p::${t}::cm-${i}` })) });
  const diffs = [many("small", 3), many("huge", 4000)];
  const comment = renderComment(diffs, { fullDiffLink: "https://github.com/o/r/actions/runs/1" });
  assert.ok(comment.length <= commentLimit, `${comment.length} characters`);
  assert.ok(comment.startsWith(commentMarker));
  assert.match(comment, /<b>huge<\/b>: 4000 to add.*\n\nDetail left out to stay under GitHub's comment limit/);
  assert.match(comment, /<b>small<\/b>: 3 to add[^]*```diff\n\+  kubernetes:core\/v1:ConfigMap cm-0/);
  assert.match(comment, /Full diff: \[the `plan-diff` artifact\]\(https:\/\/github.com\/o\/r\/actions\/runs\/1\)/);
  const full = renderMarkdownFull(diffs);
  assert.ok(full.length > commentLimit && full.includes("cm-3999"));
});

const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(repoRoot, "tools/run.cjs"), join(repoRoot, "tools/plan-diff.ts"), ...args], { cwd: repoRoot, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

test("CLI: stack names, saved plan JSON and folders of plans (the CI shape), --markdown writes the comment and the artifact", async () => {
  const dir = mkdtempSync(join(tmpdir(), "plan-diff-"));
  const base = join(dir, "base");
  const head = join(dir, "head");
  mkdirSync(base);
  mkdirSync(head);
  const local = await cachedPlan("local");
  writeFileSync(join(base, "local.json"), JSON.stringify(local));
  const changed = structuredClone(local);
  changed.resources = changed.resources.filter((r) => r.type !== "kubernetes:batch/v1:Job");
  writeFileSync(join(head, "local.json"), JSON.stringify(changed));
  writeFileSync(join(head, "extra.json"), JSON.stringify({ stack: "extra", resources: [resource("n", "kubernetes:core/v1:Namespace", { metadata: { name: "n" } })] }));

  const same = cli("local", join(base, "local.json"));
  assert.equal(same.code, 0, same.stderr);
  assert.equal(same.stdout.trim(), "Stack local: no changes");

  const out = join(dir, "out");
  const md = cli(base, head, "--markdown", "--out", out);
  assert.equal(md.code, 0, md.stderr);
  assert.match(md.stdout, /<b>extra<\/b>: 1 to add, 0 to change, 0 to replace, 0 to delete/);
  assert.match(md.stdout, /<b>local<\/b>: 0 to add, 0 to change, 0 to replace, [1-9]\d* to delete/);
  assert.equal(readFileSync(join(out, "comment.md"), "utf8"), md.stdout);
  assert.match(readFileSync(join(out, "full.md"), "utf8"), /-  kubernetes:batch\/v1:Job/);
  assert.equal(JSON.parse(readFileSync(join(out, "diff.json"), "utf8")).length, 2);

  const bad = cli(join(dir, "missing.json"), "local");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /missing\.json: no such file/);
  assert.equal(cli("local").code, 2);
});

test("a volume size of the observability stack is install-time: plan:diff shows the Chart's StatefulSet replaced, and the old volumes kept at their size", async () => {
  const before = await cachedPlan("gke-dev");
  const obs = (sizes: Record<string, number>) => (c: Config) => {
    const o = JSON.parse(c["platform:observability"] ?? "{}");
    c["platform:observability"] = JSON.stringify({ ...o, sizes: { ...o.sizes, ...sizes } });
  };
  const d = diffPlans(before, await fullPlan("gke-dev", obs({ lokiStorageGb: 20, mimirStorageGb: 20 })));
  const byName = Object.fromEntries(d.resources.map((r) => [r.name, r]));
  const loki = byName.loki;
  assert.equal(loki.action, "replace");
  assert.deepEqual(loki.changes.map((c) => [c.path, c.before, c.after, c.replaces]), [["values.singleBinary.persistence.size", "10Gi", "20Gi", "values.singleBinary.persistence"]]);
  assert.match(loki.warning ?? "", /StatefulSet loki spec\.volumeClaimTemplates.*existing volumes are reused at their old size/);
  assert.equal(byName.mimir.action, "replace");
  assert.match(byName.mimir.warning ?? "", /StatefulSet mimir-ingester/);
  assert.deepEqual(d.counts, { create: 0, update: 0, replace: 2, delete: 0 });
  assert.match(renderText([d]), /kubernetes:helm\.sh\/v4:Chart loki {2}\[replace\]\n.*! renders StatefulSet loki .*\n.*~ values\.singleBinary\.persistence\.size: 10Gi -> 20Gi {2}\(forces replacement: values\.singleBinary\.persistence\)/);
  // Values outside the volumes stay updates (retention is read at start).
  const r = diffPlans(before, await fullPlan("gke-dev", (c) => (c["platform:observability"] = JSON.stringify({ ...JSON.parse(c["platform:observability"] ?? "{}"), retention: { logs: "9d" } }))));
  assert.deepEqual([...new Set(r.resources.map((x) => `${x.name} ${x.action}`))].sort(), ["loki update"]);
});

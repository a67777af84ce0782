// The GitHub Actions workflows: they parse, pin every action by an exact version or a commit SHA,
// declare least-privilege permissions, the fork-facing pull_request workflow touches no secret, and
// the README's delivery section names exactly these workflow files.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { repoRoot } from "../tools/stack-file";

const dir = join(repoRoot, ".github", "workflows");
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
const load = (f: string) => parse(readFileSync(join(dir, f), "utf8"));
const actionFiles = [join(repoRoot, ".github", "actions", "setup", "action.yml")];

/** Every `uses:` value anywhere in a parsed document. */
function uses(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(uses);
  if (node && typeof node === "object") return Object.entries(node).flatMap(([k, v]) => (k === "uses" && typeof v === "string" ? [v] : uses(v)));
  return [];
}

const pinned = /^[\w.-]+\/[\w./-]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})$/;

test("the expected workflows exist", () => {
  assert.deepEqual(files, ["deploy.yml", "drift.yml", "pr-cluster-sweeper.yml", "pr-cluster.yml", "pr-comment.yml", "pr.yml", "preview.yml"]);
});

for (const f of files) {
  test(`workflow ${f}: parses, pins every action, declares permissions`, () => {
    const wf = load(f);
    assert.equal(typeof wf.name, "string");
    assert.ok(wf.on, "has triggers");
    assert.ok(wf.jobs && Object.keys(wf.jobs).length > 0, "has jobs");
    for (const u of uses(wf)) {
      if (u.startsWith("./")) continue; // this repository's own composite action
      assert.match(u, pinned, `${u} is pinned to an exact version or SHA`);
    }
    for (const [name, job] of Object.entries<any>(wf.jobs)) {
      assert.ok(wf.permissions !== undefined || job.permissions !== undefined, `job ${name} has permissions (top-level or its own)`);
      const perms = { ...(typeof wf.permissions === "object" ? wf.permissions : {}), ...(job.permissions ?? {}) };
      for (const [scope, level] of Object.entries(perms)) assert.ok(["read", "write", "none"].includes(level as string), `${scope}: ${level}`);
      assert.notEqual(job.permissions, "write-all");
    }
    assert.notEqual(wf.permissions, "write-all");
  });
}

test("the composite setup action pins its actions and uses OIDC, no long-lived keys", () => {
  for (const file of actionFiles) {
    const text = readFileSync(file, "utf8");
    for (const u of uses(parse(text))) assert.match(u, pinned, u);
    assert.match(text, /google-github-actions\/auth@[^\n]*\n\s+with:\n\s+workload_identity_provider:/);
    assert.match(text, /role-to-assume:/);
    assert.doesNotMatch(text, /credentials_json|aws-access-key-id|aws-secret-access-key/);
  }
  for (const f of files) assert.doesNotMatch(readFileSync(join(dir, f), "utf8"), /credentials_json|aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY/, f);
});

test("the fork-facing pull_request workflow uses no secrets, only reads, and uploads the plan diff", () => {
  const text = readFileSync(join(dir, "pr.yml"), "utf8");
  const wf = parse(text);
  assert.deepEqual(Object.keys(wf.on), ["pull_request"]);
  assert.doesNotMatch(text, /secrets\./);
  assert.deepEqual(wf.permissions, { contents: "read" });
  for (const job of Object.values<any>(wf.jobs)) assert.equal(job.permissions, undefined, "no job widens the read-only token");
  assert.match(text, /plan:diff -- \.\.\/plans\/base \.\.\/plans\/head --markdown/);
  assert.ok(uses(wf).some((u) => u.startsWith("actions/upload-artifact@")));
  // The comment comes from workflow_run, which downloads the artifact and runs no PR code.
  const comment = load("pr-comment.yml");
  assert.deepEqual(comment.on.workflow_run.workflows, [wf.name]);
  assert.doesNotMatch(readFileSync(join(dir, "pr-comment.yml"), "utf8"), /actions\/checkout|npm /);
});

test("cloud workflows: previews only for this repository's branches, OIDC (id-token) per job, prod behind an environment", () => {
  const preview = load("preview.yml");
  assert.match(preview.jobs.affected.if, /head\.repo\.full_name == github\.repository/);
  assert.equal(preview.jobs.preview.permissions["id-token"], "write");
  const step = preview.jobs.preview.steps.find((s: any) => String(s.uses).startsWith("pulumi/actions@"));
  assert.deepEqual([step.with.command, step.with.diff, step.with.policyPacks, step.with["comment-on-pr"]], ["preview", true, "policy", true]);
  assert.equal(step.with["cloud-url"], "${{ vars.PULUMI_BACKEND_URL }}");
  const deploy = load("deploy.yml");
  assert.deepEqual(deploy.on.push.branches, ["main"]);
  assert.equal(deploy.jobs.up.environment, "${{ matrix.stack }}");
  assert.ok(deploy.jobs.up.strategy.matrix.stack.includes("prod"));
  const drift = readFileSync(join(dir, "drift.yml"), "utf8");
  assert.match(drift, /pulumi refresh [^\n]*--preview-only --expect-no-changes/);
  assert.match(drift, /pulumi preview [^\n]*--expect-no-changes/);
  assert.match(drift, /issues\.create/);
  const cluster = readFileSync(join(dir, "pr-cluster.yml"), "utf8");
  assert.match(cluster, /pr-stack\.sh up/);
  assert.match(cluster, /pr-stack\.sh destroy/);
  assert.match(readFileSync(join(dir, "pr-cluster-sweeper.yml"), "utf8"), /pr-stack\.sh expired "\$TTL_HOURS"/);
  const script = readFileSync(join(repoRoot, ".github", "scripts", "pr-stack.sh"), "utf8");
  assert.match(script, /pulumi stack tag set "\$created_tag"/);
  assert.match(script, /pre-destroy-cleanup\.sh/);
  assert.match(script, /pulumi stack rm/);
});

test("the README's delivery section names exactly the workflow files", () => {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const start = readme.indexOf("## Delivery: pull requests, previews and per-PR clusters");
  assert.ok(start >= 0, "the section exists");
  const end = readme.indexOf("\n## ", start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const named = [...new Set([...section.matchAll(/\.github\/workflows\/([\w.-]+\.ya?ml)/g)].map((m) => m[1]))].sort();
  assert.deepEqual(named, files);
});

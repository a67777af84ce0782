// The plan CLI as users and CI call it: output formats, exit codes, and which cloud SDK a stack loads.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runTool } from "./helpers";

const plan = (...args: string[]) => runTool("plan", ...args);

test("a GKE stack loads the Google SDK and not the AWS SDK; an EKS stack the reverse; local neither", () => {
  const gke = plan("gke-dev");
  assert.equal(gke.code, 0, gke.stderr);
  assert.match(gke.stdout, /^Cloud SDKs loaded: @pulumi\/gcp$/m);
  const eks = plan("eks-dev");
  assert.equal(eks.code, 0, eks.stderr);
  assert.match(eks.stdout, /^Cloud SDKs loaded: @pulumi\/aws$/m);
  const local = plan("local");
  assert.match(local.stdout, /^Cloud SDKs loaded: none$/m);
});

test("--json prints exactly one object in the documented format", () => {
  const r = plan("local", "--json");
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(doc), ["stack", "resources"]);
  assert.equal(doc.stack, "local");
  for (const res of doc.resources) {
    // secretHashes only where an input holds a secret (README, "Plan format"): path -> a 16-hex hash, never the value.
    const keys = ["urn", "type", "name", "parent", "dependsOn", "inputs", "options"];
    assert.deepEqual(Object.keys(res), JSON.stringify(res.inputs).includes('"[secret]"') || res.secretHashes ? [...keys, "secretHashes"] : keys);
    for (const h of Object.values(res.secretHashes ?? {})) assert.match(String(h), /^[0-9a-f]{16}$/);
    assert.deepEqual(Object.keys(res.options), ["protect", "ignoreChanges", "deleteBeforeReplace", "retainOnDelete", "replaceOnChanges", "deletedWith"]);
    assert.equal(typeof res.options.protect, "boolean");
    assert.ok(Array.isArray(res.options.ignoreChanges) && Array.isArray(res.options.replaceOnChanges));
  }
  assert.equal(doc.resources[0].parent, null);
});

test("invalid configuration: exit 1, every problem on stderr, no stack trace", () => {
  const dir = mkdtempSync(join(tmpdir(), "plan-"));
  const file = join(dir, "Pulumi.broken.yaml");
  writeFileSync(file, "config:\n  platform:tier: prod\n  platform:cloud:\n    kind: gke\n    project: acme-ml-prod\n    region: europe-west4\n    nodPools: []\n");
  const r = plan(file, "--json");
  assert.equal(r.code, 1);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /platform:cloud\.nodPools: unknown key/);
  assert.match(r.stderr, /platform:dns: required key is missing/);
  assert.doesNotMatch(r.stderr, /^\s+at /m);
});

test("a secure value outside a secret field is rejected, so it can never reach an input in plain text", () => {
  const dir = mkdtempSync(join(tmpdir(), "plan-"));
  const file = join(dir, "Pulumi.sec.yaml");
  writeFileSync(file, "config:\n  platform:tier: local\n  platform:cloud:\n    kind: existing\n    context:\n      secure: v1:abc\n  platform:dns:\n    domain: 127.0.0.1.sslip.io\n");
  const r = plan(file, "--json");
  assert.equal(r.code, 1);
  assert.match(r.stderr, /platform:cloud: is stored as a secret but has no secret fields; set its values without --secret/);
});

test("the text plan shows what a reviewer needs: lifecycle flags, pool sizes and machine types, GPUs, cluster security, chart versions and values", () => {
  const r = plan("prod");
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split("\n");
  const settingsOf = (header: RegExp) => {
    const i = lines.findIndex((l) => header.test(l));
    assert.ok(i >= 0, `no line matching ${header}`);
    return `${lines[i]}\n${lines[i + 1]}`;
  };
  assert.match(settingsOf(/gcp:container\/cluster:Cluster cluster/), /\[protected; ignores changes to nodeConfig/);
  assert.match(settingsOf(/gcp:container\/cluster:Cluster cluster/), /privateClusterConfig\.enablePrivateNodes=true .*masterAuthorizedNetworksConfig\.cidrBlocks=\[\{cidrBlock=203\.0\.113\.0\/24/);
  const gpu = settingsOf(/gcp:container\/nodePool:NodePool gpu-l4/);
  assert.match(gpu, /nodeConfig\.machineType=g2-standard-8 {2}autoscaling\.totalMinNodeCount=0 {2}autoscaling\.totalMaxNodeCount=6 {2}nodeConfig\.spot=false/);
  assert.match(gpu, /guestAccelerators=\[\{count=1, .*type=nvidia-l4\}\]/);
  assert.match(settingsOf(/helm\.sh\/v4:Chart istiod/), /chart=istiod@1\.30\.3 {2}namespace=istio-system {2}values\.autoscaleMin=2/);
  assert.doesNotMatch(r.stdout, /mock-project|\{\d+ structured\}/);
  assert.match(r.stdout, /resources \(\d+ platform components, [1-9]\d* protected\) in stack prod/);
});

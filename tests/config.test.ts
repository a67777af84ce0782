import { test } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, validateConfig } from "../infra/config/load";
import { readStackFile } from "../tools/stack-file";

function gke(overrides: Record<string, unknown> = {}, cloud: Record<string, unknown> = {}): Record<string, string> {
  const base: Record<string, unknown> = {
    "platform:tier": "dev",
    "platform:cloud": { kind: "gke", project: "acme-ml-dev", region: "europe-west4", zone: "europe-west4-a", ...cloud },
    "platform:dns": { domain: "ml.acme.example", zone: { id: "acme-example", dnsName: "acme.example" } },
    "platform:tls": { acmeEmail: "ops@acme.example" },
    "platform:identity": { connectors: [{ type: "github", id: "github", name: "GitHub", clientId: "abc", clientSecret: "s3cret", orgs: [{ name: "acme" }] }] },
    ...overrides,
  };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) out[k] = typeof v === "string" ? v : JSON.stringify(v);
  return out;
}

const secretKeys = ["platform:identity"];

function problems(config: Record<string, string>, secrets: string[] = secretKeys): string[] {
  try {
    validateConfig("test", config, secrets);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    return e.problems.map((p) => `${p.key}: ${p.message}`);
  }
  assert.fail("configuration was accepted");
}

test("a valid GKE dev config resolves with tier defaults", () => {
  const c = validateConfig("test", gke(), secretKeys);
  assert.equal(c.cloud.kind, "gke");
  if (c.cloud.kind !== "gke") return;
  assert.equal(c.cloud.regional, false);
  assert.equal(c.cloud.location, "europe-west4-a");
  assert.equal(c.cloud.releaseChannel, "REGULAR");
  assert.equal(c.cloud.privateNodes, true);
  assert.deepEqual(c.cloud.nodePools.map((p) => p.name), ["system", "cpu"]);
  assert.equal(c.tls.issuer, "staging");
  assert.equal(c.protect, false);
});

test("prod defaults: regional, STABLE, production issuer, protected", () => {
  const c = validateConfig("prod", gke({ "platform:tier": "prod" }, { zone: undefined, masterAuthorizedNetworks: [{ name: "vpn", cidr: "10.0.0.0/8" }] }), secretKeys);
  assert.ok(c.cloud.kind === "gke" && c.cloud.regional && c.cloud.location === "europe-west4" && c.cloud.releaseChannel === "STABLE");
  assert.equal(c.tls.issuer, "production");
  assert.equal(c.protect, true);
  assert.equal(c.forceDestroy, false);
});

test("ephemeral defaults: spot pools, force-destroy", () => {
  const c = validateConfig("pr-1", gke({ "platform:tier": "ephemeral" }), secretKeys);
  assert.ok(c.cloud.kind === "gke");
  assert.ok(c.cloud.nodePools.every((p) => p.spot));
  assert.equal(c.forceDestroy, true);
});

test("gpu pools get the nvidia taint unless they set their own", () => {
  const c = validateConfig("t", gke({}, { nodePools: [{ name: "gpu", role: "gpu", machineType: "g2-standard-8", gpu: { type: "nvidia-l4", count: 1 }, min: 0, max: 1 }] }), secretKeys);
  assert.ok(c.cloud.kind === "gke");
  assert.deepEqual(c.cloud.nodePools[0].taints, [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }]);
});

test("unknown keys are rejected with their full path, at every level", () => {
  const found = problems(
    gke({ "platform:domian": "x", "mlops-platform:tier": "dev" }, { nodePools: [{ name: "a", role: "cpu", machineType: "e2", min: 0, max: 1, spto: true }], regoin: "x" }),
  );
  assert.deepEqual(found.sort(), [
    "mlops-platform:tier: this program reads the \"platform\" namespace; rename the key to platform:tier",
    "platform:cloud.nodePools[0].spto: unknown key; remove it or check its spelling",
    "platform:cloud.regoin: unknown key; remove it or check its spelling",
    "platform:domian: unknown key; known keys are platform:tier, platform:cloud, platform:dns, platform:tls, platform:edge, platform:identity",
  ]);
});

test("every problem is reported at once, with expected and found values", () => {
  const found = problems(
    gke({ "platform:tier": "staging", "platform:dns": undefined }, { region: 42, nodePools: [{ name: "Bad_Name", role: "cpu", machineType: "e2", min: "one", max: 1 }] }),
  );
  assert.deepEqual(found.sort(), [
    'platform:cloud.nodePools[0].min: expected number, received string',
    'platform:cloud.nodePools[0].name: expected a lowercase DNS label (a-z, 0-9, -) (found "Bad_Name")',
    "platform:cloud.region: expected string, received number",
    "platform:dns: required key is missing",
    'platform:tier: Invalid option: expected one of "local"|"dev"|"ephemeral"|"prod" (found "staging")',
  ]);
});

test("cross-field rules: min > max, zonal without zone, gpu without type", () => {
  const found = problems(
    gke({}, { zone: undefined, nodePools: [{ name: "g", role: "gpu", machineType: "g2", gpu: { count: 1 }, min: 3, max: 1 }] }),
  );
  assert.deepEqual(found.sort(), [
    "platform:cloud.nodePools[0].gpu.type: GKE needs the accelerator type, e.g. nvidia-l4 or nvidia-tesla-t4",
    "platform:cloud.nodePools[0].min: min (3) is greater than max (1)",
    "platform:cloud.zone: required for a zonal cluster (regional is false for tier dev); set zone: europe-west4-b or regional: true",
  ]);
});

test("prod hardening is enforced by validation", () => {
  const found = problems(gke({ "platform:tier": "prod" }, { zone: undefined, privateNodes: false }));
  assert.deepEqual(found.sort(), [
    "platform:cloud.masterAuthorizedNetworks: prod must restrict who reaches the Kubernetes API; list at least one { name, cidr }",
    "platform:cloud.privateNodes: prod nodes must be private (no public IPs); remove privateNodes: false",
  ]);
  const eks = problems({
    "platform:tier": "prod",
    "platform:cloud": JSON.stringify({ kind: "eks", region: "eu-west-1" }),
    "platform:dns": JSON.stringify({ domain: "ml.acme.example", zone: { id: "Z1", dnsName: "acme.example" } }),
    "platform:tls": JSON.stringify({ acmeEmail: "ops@acme.example" }),
    "platform:identity": gke()["platform:identity"],
  });
  assert.deepEqual(eks, [
    "platform:cloud.endpoint.publicCidrs: prod must not expose the Kubernetes API to 0.0.0.0/0; list your CIDRs or set public: false",
  ]);
});

test("domain outside the DNS zone and a missing ACME email are named", () => {
  const found = problems(gke({ "platform:dns": { domain: "ml.other.example", zone: { id: "z", dnsName: "acme.example" } }, "platform:tls": undefined }));
  assert.deepEqual(found.sort(), [
    'platform:dns.domain: "ml.other.example" is outside the DNS zone "acme.example"; use a name ending in .acme.example',
    "platform:tls.acmeEmail: Let's Encrypt (issuer staging) needs a contact email; set platform:tls.acmeEmail",
  ]);
});

test("a cloud stack without a DNS zone, and a local tier on a cloud, are rejected", () => {
  const found = problems(gke({ "platform:tier": "local", "platform:dns": { domain: "ml.acme.example" } }));
  assert.deepEqual(found.sort(), [
    'platform:dns.zone: a gke stack needs the DNS zone for its records and certificates: zone: { id, dnsName }',
    'platform:tier: tier local runs on an existing cluster (cloud.kind: existing); found cloud.kind "gke"',
  ]);
});

test("every committed stack file validates", () => {
  for (const name of ["local", "gke-dev", "eks-dev", "prod", "ephemeral"]) {
    const f = readStackFile(name);
    assert.doesNotThrow(() => validateConfig(f.stack, f.config, f.secretKeys), name);
  }
});

const staticUser = { email: "admin@acme.example", username: "admin", password: "pw" };

test("static passwords are rejected outside local and dev", () => {
  for (const tier of ["ephemeral", "prod"]) {
    const found = problems(
      gke({ "platform:tier": tier, "platform:identity": { staticUsers: [staticUser] } }, { masterAuthorizedNetworks: [{ name: "vpn", cidr: "10.0.0.0/8" }] }),
    );
    assert.deepEqual(found, [`platform:identity.staticUsers: static passwords are allowed only in local and dev tiers (this is ${tier}); sign in through a connector instead`]);
  }
  assert.doesNotThrow(() => validateConfig("t", gke({ "platform:identity": { staticUsers: [staticUser] } }), secretKeys));
});

test("a connector without its client secret names the key and the command that sets it", () => {
  const found = problems(gke({ "platform:identity": { connectors: [{ type: "google", id: "google", name: "Google", clientId: "x" }] } }));
  assert.deepEqual(found, [
    "platform:identity.connectors[0].clientSecret: required secret: set it with pulumi config set --secret --path 'platform:identity.connectors[0].clientSecret' <value>",
  ]);
});

test("identity secrets stored in plain text are rejected; secret fields become secret Outputs", () => {
  assert.deepEqual(problems(gke(), []), [
    "platform:identity: holds client secrets or passwords in plain text; set them with pulumi config set --secret --path",
  ]);
  const c = validateConfig("t", gke(), secretKeys);
  const connector = c.identity.connectors[0];
  assert.ok(connector.type === "github" && pulumi.Output.isInstance(connector.clientSecret));
});

test("an identity with no way to sign in, and duplicate connector ids, are rejected", () => {
  assert.deepEqual(problems(gke({ "platform:identity": {} })), ["platform:identity.connectors: nobody can sign in: add a connector (or staticUsers on local/dev)"]);
  const github = { type: "github", id: "gh", name: "GitHub", clientId: "a", clientSecret: "b", orgs: [{ name: "acme" }] };
  assert.deepEqual(problems(gke({ "platform:identity": { connectors: [github, github] } })), ['platform:identity.connectors[1].id: duplicate connector id "gh"']);
});

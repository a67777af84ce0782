import { test } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, secureFieldsFromStackFile, validateConfig } from "../infra/config/load";
import { defaultEksVersion, supportedEksVersions } from "../infra/config/resolve";
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
const systemPool = { name: "system", role: "system", machineType: "e2-standard-4", min: 1, max: 3 };

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
  const c = validateConfig("t", gke({}, { nodePools: [systemPool, { name: "gpu", role: "gpu", machineType: "g2-standard-8", gpu: { type: "nvidia-l4", count: 1 }, min: 0, max: 1 }] }), secretKeys);
  assert.ok(c.cloud.kind === "gke");
  assert.deepEqual(c.cloud.nodePools[1].taints, [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }]);
});

test("unknown keys are rejected with their full path, at every level", () => {
  const found = problems(
    gke({ "platform:domian": "x", "mlops-platform:tier": "dev" }, { nodePools: [{ name: "system", role: "system", machineType: "e2-standard-4", min: 0, max: 1, spto: true }], regoin: "x" }),
  );
  assert.deepEqual(found.sort(), [
    "mlops-platform:tier: this program reads the \"platform\" namespace; rename the key to platform:tier",
    "platform:cloud.nodePools[0].spto: unknown key; did you mean spot?",
    "platform:cloud.regoin: unknown key; did you mean region?",
    "platform:domian: unknown key; known keys are platform:tier, platform:cloud, platform:dns, platform:tls, platform:edge, platform:identity, platform:ml, platform:kubeflow, platform:observability",
  ]);
});

test("every problem is reported at once, with expected and found values", () => {
  const found = problems(
    gke({ "platform:tier": "staging", "platform:dns": undefined }, { region: 42, nodePools: [{ name: "Bad_Name", role: "cpu", machineType: "e2", min: "one", max: 1 }] }),
  );
  assert.deepEqual(found.sort(), [
    'platform:cloud.nodePools[0].min: expected number, received string',
    'platform:cloud.nodePools[0].name: expected a lowercase DNS label (a-z, 0-9, -) (found "Bad_Name")',
    'platform:cloud.region: expected a string; write "42" in quotes: YAML reads 42 as a number',
    "platform:dns: required key is missing",
    'platform:tier: Invalid option: expected one of "local"|"dev"|"ephemeral"|"prod" (found "staging")',
  ]);
});

test("cross-field rules: min > max, zonal without zone, gpu without type", () => {
  const found = problems(
    gke({}, { zone: undefined, nodePools: [systemPool, { name: "g", role: "gpu", machineType: "g2-standard-8", gpu: { count: 1 }, min: 3, max: 1 }] }),
  );
  assert.deepEqual(found.sort(), [
    "platform:cloud.nodePools[1].gpu.type: GKE needs the accelerator type, e.g. nvidia-l4 or nvidia-tesla-t4",
    "platform:cloud.nodePools[1].min: min (3) is greater than max (1)",
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
      gke({ "platform:tier": tier, "platform:identity": { staticUsers: [staticUser] } }, { regional: false, masterAuthorizedNetworks: [{ name: "vpn", cidr: "10.0.0.0/8" }] }),
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

function eks(overrides: Record<string, unknown> = {}, cloud: Record<string, unknown> = {}): Record<string, string> {
  return gke({ "platform:dns": { domain: "ml.acme.example", zone: { id: "Z1", dnsName: "acme.example" } }, ...overrides }, { kind: "eks", region: "eu-west-1", project: undefined, zone: undefined, ...cloud });
}

// --- Secrets, field by field (the stack file says which fields were written with --secret) ---

const twoConnectors = {
  connectors: [
    { type: "github", id: "gh", name: "GitHub", clientId: "a", clientSecret: "enc", orgs: [{ name: "acme" }] },
    { type: "google", id: "google", name: "Google", clientId: "b", clientSecret: "plain" },
  ],
};

test("a plain-text secret beside a secure one is rejected by its exact key path", () => {
  const config = gke({ "platform:identity": twoConnectors });
  const secure = { keys: Object.keys(config), paths: ["platform:identity.connectors[0].clientSecret"] };
  try {
    validateConfig("t", config, secretKeys, secure);
    assert.fail("accepted");
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    assert.deepEqual(e.problems.map((p) => `${p.key}: ${p.message}`), [
      "platform:identity.connectors[1].clientSecret: is a secret but is written in plain text; set it with pulumi config set --secret --path 'platform:identity.connectors[1].clientSecret' <value>",
    ]);
  }
  const all = { keys: Object.keys(config), paths: ["platform:identity.connectors[0].clientSecret", "platform:identity.connectors[1].clientSecret"] };
  assert.doesNotThrow(() => validateConfig("t", config, secretKeys, all));
});

test("a secure value in a non-secret field of a secret section is rejected", () => {
  const config = gke();
  const secure = { keys: Object.keys(config), paths: ["platform:identity.connectors[0].clientSecret", "platform:identity.connectors[0].clientId"] };
  assert.throws(
    () => validateConfig("t", config, secretKeys, secure),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.problems.length === 1 &&
      `${e.problems[0].key}: ${e.problems[0].message}` ===
        "platform:identity.connectors[0].clientId: is stored as a secret but is not a secret field; it would reach resource inputs in plain text, so set it without --secret",
  );
});

test("at pulumi up the stack file is found through Pulumi.yaml's stackConfigDir; without it the check is per key", () => {
  const dir = mkdtempSync(join(tmpdir(), "project-"));
  writeFileSync(join(dir, "Pulumi.yaml"), "name: mlops-platform\nruntime: nodejs\nstackConfigDir: stacks\n");
  mkdirSync(join(dir, "stacks"));
  writeFileSync(
    join(dir, "stacks", "Pulumi.dev.yaml"),
    "config:\n  platform:tier: dev\n  platform:identity:\n    connectors:\n      - { type: github, id: gh, name: GitHub, clientId: a, clientSecret: { secure: v1:x }, orgs: [{ name: acme }] }\n      - { type: google, id: google, name: Google, clientId: b, clientSecret: plain }\n",
  );
  const runtime = gke({ "platform:identity": { connectors: [{ ...twoConnectors.connectors[0], clientSecret: "decrypted" }, twoConnectors.connectors[1]] } });
  const secure = secureFieldsFromStackFile(runtime, dir, "dev");
  // platform:cloud etc. are not in the file (config from elsewhere): only the keys whose value is the file's count.
  assert.deepEqual(secure, { keys: ["platform:tier", "platform:identity"], paths: ["platform:identity.connectors[0].clientSecret"] });
  assert.throws(
    () => validateConfig("dev", runtime, secretKeys, secure),
    (e: unknown) => e instanceof ConfigError && e.problems.map((p) => p.key).join() === "platform:identity.connectors[1].clientSecret",
  );
  assert.equal(secureFieldsFromStackFile(runtime, dir, "other"), undefined);
  // A value that differs from the file (set elsewhere) falls back to the per-key check.
  const changed = gke({ "platform:identity": { connectors: [{ ...twoConnectors.connectors[0], clientId: "z" }] } });
  assert.deepEqual(secureFieldsFromStackFile(changed, dir, "dev")?.keys, ["platform:tier"]);
});

// --- CIDRs ---

test("CIDRs: octets, prefix length and host bits are checked, with the network address to use", () => {
  const found = problems(
    gke({}, { network: { nodeCidr: "10.0.0.1/16", podCidr: "10.300.0.0/14", serviceCidr: "10.12.0.0/33", masterCidr: "172.16.0.0/24" }, masterAuthorizedNetworks: [{ name: "a", cidr: "10.0.0.0" }] }),
  );
  assert.deepEqual(found.sort(), [
    'platform:cloud.masterAuthorizedNetworks[0].cidr: expected an IPv4 CIDR such as 10.0.0.0/16 (found "10.0.0.0")',
    "platform:cloud.network.masterCidr: must be a /28: GKE's control plane range is always a /28, e.g. 172.16.0.0/28 (found \"172.16.0.0/24\")",
    'platform:cloud.network.nodeCidr: host bits are set; the network address is 10.0.0.0/16, use that (found "10.0.0.1/16")',
    'platform:cloud.network.podCidr: each of the four address numbers must be 0-255, without leading zeros (found "10.300.0.0/14")',
    'platform:cloud.network.serviceCidr: prefix /33 is longer than /32 (found "10.12.0.0/33")',
  ]);
});

test("GKE node, pod, service and master ranges must not overlap (defaults included)", () => {
  assert.deepEqual(problems(gke({}, { network: { nodeCidr: "10.16.0.0/20" } })), [
    "platform:cloud.network.nodeCidr: 10.16.0.0/20 overlaps podCidr 10.16.0.0/14 (the default); the node, pod, service and master ranges must not overlap",
  ]);
  assert.deepEqual(problems(gke({}, { network: { podCidr: "10.0.0.0/8", serviceCidr: "10.200.0.0/20" } })).sort(), [
    "platform:cloud.network.podCidr: 10.0.0.0/8 overlaps nodeCidr 10.10.0.0/20 (the default); the node, pod, service and master ranges must not overlap",
    "platform:cloud.network.serviceCidr: 10.200.0.0/20 overlaps podCidr 10.0.0.0/8; the node, pod, service and master ranges must not overlap",
  ]);
});

test("EKS vpcCidr must be /16 to /22 (the adapter carves /prefix+3 and /prefix+6 subnets)", () => {
  for (const cidr of ["10.0.0.0/12", "10.0.0.0/23"]) {
    assert.deepEqual(problems(eks({}, { vpcCidr: cidr })), [
      `platform:cloud.vpcCidr: the prefix must be /16 to /22: AWS allows at most a /16 VPC, and the public subnets (/prefix+6) must be at least /28, AWS's smallest subnet (found "${cidr}")`,
    ]);
  }
  for (const cidr of ["10.0.0.0/16", "10.0.0.0/22"]) assert.doesNotThrow(() => validateConfig("t", eks({}, { vpcCidr: cidr }), secretKeys));
});

test("prod GKE may not open the API to every address", () => {
  const found = problems(gke({ "platform:tier": "prod" }, { zone: undefined, masterAuthorizedNetworks: [{ name: "vpn", cidr: "10.0.0.0/8" }, { name: "all", cidr: "0.0.0.0/0" }] }));
  assert.deepEqual(found, [
    "platform:cloud.masterAuthorizedNetworks[1].cidr: prod must not open the Kubernetes API to every address (0.0.0.0/0); list your networks, e.g. the office VPN and CI runners",
  ]);
});

// --- Node pools ---

test("node pools: the other cloud's machine types are named as such", () => {
  assert.deepEqual(problems(gke({}, { nodePools: [{ ...systemPool, machineType: "m6i.large" }] })), [
    'platform:cloud.nodePools[0].machineType: "m6i.large" is an EC2 instance type (EKS); GKE needs a Compute Engine machine type such as e2-standard-4',
  ]);
  assert.deepEqual(problems(eks({}, { nodePools: [{ ...systemPool, machineType: "e2-standard-4" }] })), [
    'platform:cloud.nodePools[0].machineType: "e2-standard-4" is a Compute Engine machine type (GKE); EKS needs an EC2 instance type such as m6i.large',
  ]);
});

test("node pools: a GPU pool needs a GPU machine (EKS: x86 NVIDIA families; GKE: the accelerator's machine family)", () => {
  const eksSystem = { ...systemPool, machineType: "m6i.large" };
  const found = problems(
    eks({}, { nodePools: [eksSystem, { name: "gpu", role: "gpu", machineType: "m6i.xlarge", gpu: { count: 1 }, min: 0, max: 1 }, { name: "arm", role: "gpu", machineType: "g5g.xlarge", gpu: { count: 1 }, min: 0, max: 1 }] }),
  );
  const families = "g4dn, g5, g6, g6e, g6f, gr6, p3, p3dn, p4d, p4de, p5, p5e, p5en, p6-b200";
  assert.deepEqual(found, [
    `platform:cloud.nodePools[1].machineType: "m6i.xlarge" has no NVIDIA GPU the EKS AL2023 NVIDIA AMI supports; use an instance of ${families}, e.g. g6.xlarge`,
    `platform:cloud.nodePools[2].machineType: "g5g.xlarge" has no NVIDIA GPU the EKS AL2023 NVIDIA AMI supports (Arm instances cannot run the x86 EKS NVIDIA AMI); use an instance of ${families}, e.g. g6.xlarge`,
  ]);
  for (const machineType of ["g6e.2xlarge", "p5.48xlarge", "g4dn.xlarge"]) {
    assert.doesNotThrow(() => validateConfig("t", eks({}, { nodePools: [eksSystem, { name: "gpu", role: "gpu", machineType, gpu: { count: 1 }, min: 0, max: 1 }] }), secretKeys));
  }
  const gpu = (machineType: string, type: string, name = `gpu-${machineType.split("-")[0]}`) => ({ name, role: "gpu", machineType, gpu: { type, count: 1 }, min: 0, max: 1 });
  assert.deepEqual(problems(gke({}, { nodePools: [systemPool, gpu("n2-standard-8", "nvidia-l4"), gpu("a2-highgpu-1g", "nvidia-a100-80gb"), gpu("g2-standard-8", "nvidia-rtx-9000", "gpu-x")] })), [
    'platform:cloud.nodePools[1].machineType: accelerator nvidia-l4 attaches only to g2-* machine types (found "n2-standard-8")',
    'platform:cloud.nodePools[2].machineType: accelerator nvidia-a100-80gb attaches only to a2-ultragpu-* machine types (found "a2-highgpu-1g")',
    'platform:cloud.nodePools[3].gpu.type: unknown GKE accelerator type "nvidia-rtx-9000"; expected one of nvidia-l4, nvidia-tesla-a100, nvidia-a100-80gb, nvidia-h100-80gb, nvidia-h100-mega-80gb, nvidia-tesla-t4, nvidia-tesla-v100, nvidia-tesla-p4, nvidia-tesla-p100',
  ]);
  for (const [m, t] of [["a2-ultragpu-1g", "nvidia-a100-80gb"], ["a3-megagpu-8g", "nvidia-h100-mega-80gb"], ["a3-highgpu-8g", "nvidia-h100-80gb"], ["n1-standard-8", "nvidia-tesla-t4"], ["a2-megagpu-16g", "nvidia-tesla-a100"]]) {
    assert.doesNotThrow(() => validateConfig("t", gke({}, { nodePools: [systemPool, gpu(m, t)] }), secretKeys), `${m} ${t}`);
  }
});

test("node pools: one pool must have role system", () => {
  assert.deepEqual(problems(gke({}, { nodePools: [{ ...systemPool, name: "cpu", role: "cpu" }] })), [
    'platform:cloud.nodePools: no pool has role "system"; add one (e.g. { name: system, role: system, ... }): the platform add-ons run there and the Kubernetes provider waits for the system pools',
  ]);
});

test("node pools: label and taint keys and values follow the Kubernetes rules", () => {
  const found = problems(
    gke({}, {
      nodePools: [
        {
          ...systemPool,
          labels: { "team.acme.example/owner": "ml", "Bad.Prefix/x": "v", "-x": "v", ok: "-bad-", [`a${"b".repeat(63)}`]: "" },
          taints: [{ key: "dedicated/", value: "x", effect: "NoSchedule" }, { key: "dedicated", value: "a b", effect: "NoSchedule" }],
        },
      ],
    }),
  );
  const name = 'must be 1-63 characters of A-Z, a-z, 0-9, "-", "_", "." and start and end with a letter or digit';
  const value = 'a label or taint value must be empty or 1-63 characters of A-Z, a-z, 0-9, "-", "_", "." starting and ending with a letter or digit';
  assert.deepEqual(found.sort(), [
    `platform:cloud.nodePools[0].labels["-x"]: invalid key: the name "-x" ${name}`,
    `platform:cloud.nodePools[0].labels.ok: ${value} (found "-bad-")`,
    `platform:cloud.nodePools[0].labels.a${"b".repeat(63)}: invalid key: the name "a${"b".repeat(56)}..." ${name}`, // found values are cut to 60 characters
    `platform:cloud.nodePools[0].labels["Bad.Prefix/x"]: invalid key: the prefix "Bad.Prefix" must be a lowercase DNS subdomain such as example.com (at most 253 characters) followed by one "/"`,
    `platform:cloud.nodePools[0].taints[0].key: the name "" ${name} (found "dedicated/")`,
    `platform:cloud.nodePools[0].taints[1].value: ${value} (found "a b")`,
  ].sort());
});

test("node pools: the role label is the program's (add-ons schedule on it), not a user label", () => {
  assert.deepEqual(problems(gke({}, { nodePools: [{ ...systemPool, labels: { "platform/pool-role": "gpu" } }] })), [
    `platform:cloud.nodePools[0].labels["platform/pool-role"]: invalid key: platform/pool-role is set from the pool's role; remove it and set role instead`,
  ]);
});

test("node pools: name length leaves room for the 26-character unique suffix (GKE 13, EKS 36)", () => {
  assert.deepEqual(problems(gke({}, { nodePools: [{ ...systemPool, name: "system-general" }] })), [
    'platform:cloud.nodePools[0].name: "system-general" is 14 characters; at most 13 on GKE: GKE node pool names are limited to 40 characters and a unique 26-character suffix is appended ("<name>-<suffix>") so a changed pool can be replaced create-before-delete',
  ]);
  assert.doesNotThrow(() => validateConfig("t", gke({}, { nodePools: [{ ...systemPool, name: "system-genera" }] }), secretKeys));
  const long = "s".repeat(37);
  assert.deepEqual(problems(eks({}, { nodePools: [{ ...systemPool, machineType: "m6i.large", name: long }] })), [
    `platform:cloud.nodePools[0].name: "${long}" is 37 characters; at most 36 on EKS: EKS node group names are limited to 63 characters and a unique 26-character suffix is appended ("<name>-<suffix>") so a changed pool can be replaced create-before-delete`,
  ]);
  assert.doesNotThrow(() => validateConfig("t", eks({}, { nodePools: [{ ...systemPool, machineType: "m6i.large", name: "s".repeat(36) }] }), secretKeys));
});

// --- Identity, versions, location ---

test("email domains and hosted domains are bare domains; * stays allowed in emailDomains", () => {
  const found = problems(
    gke({
      "platform:identity": {
        emailDomains: ["*", "@acme.example"],
        connectors: [{ type: "google", id: "g", name: "G", clientId: "x", clientSecret: "s", hostedDomains: ["acme.example", "@acme.example"] }],
      },
    }),
  );
  assert.deepEqual(found, [
    'platform:identity.connectors[0].hostedDomains[1]: expected a bare lowercase domain such as acme.example (no @) (found "@acme.example")',
    'platform:identity.emailDomains[1]: expected a bare lowercase domain such as acme.example (no @), or * for any (found "@acme.example")',
  ]);
});

test("a zero session lifetime is rejected", () => {
  assert.deepEqual(problems(gke({ "platform:identity": { ...JSON.parse(gke()["platform:identity"]), sessionLifetime: "0h" } })), [
    'platform:identity.sessionLifetime: expected a positive number of hours such as 24h (found "0h")',
  ]);
});

test("EKS versions outside the supported list are rejected with the list", () => {
  assert.deepEqual(problems(eks({}, { version: "1.29" })), [
    "platform:cloud.version: Kubernetes 1.29 is not supported on EKS by this release; use one of 1.32, 1.33, 1.34, 1.35",
  ]);
  assert.ok(supportedEksVersions.includes(defaultEksVersion as (typeof supportedEksVersions)[number]));
});

test("a Cognito region that disagrees with the user pool ID is rejected with the region to use", () => {
  const cognito = { type: "cognito", id: "c", name: "Cognito", clientId: "x", clientSecret: "s", region: "eu-west-2", userPoolId: "eu-west-1_AbC" };
  assert.deepEqual(problems(gke({ "platform:identity": { connectors: [cognito] } })), [
    'platform:identity.connectors[0].region: "eu-west-2" does not match the user pool eu-west-1_AbC, which lives in eu-west-1; set region: eu-west-1',
  ]);
});

test("regional: true with a zone is rejected instead of ignoring the zone", () => {
  assert.deepEqual(problems(gke({}, { regional: true })), [
    'platform:cloud.zone: a regional cluster spreads its nodes over all zones of europe-west4 and would ignore zone "europe-west4-a"; remove zone, or set regional: false for a zonal cluster in that zone',
  ]);
});

// --- All problems at once, and no follow-on errors ---

test("one bad pool does not hide a zone outside the region", () => {
  const found = problems(gke({}, { zone: "europe-west1-b", nodePools: [systemPool, { name: "cpu", role: "cpu", machineType: "e2-standard-8", min: -1, max: 2 }] }));
  assert.deepEqual(found.sort(), [
    'platform:cloud.nodePools[1].min: Too small: expected number to be >=0 (found -1)',
    'platform:cloud.zone: zone "europe-west1-b" is not in region "europe-west4"',
  ]);
});

test("an invalid value does not cause errors from the default that would replace it", () => {
  // Invalid zone: no "zone required"; invalid issuer: no "acmeEmail missing"; invalid dns zone: no "needs the DNS zone";
  // an invalid system pool: no "no system pool"; an invalid gpu: no "role gpu needs gpu".
  const found = problems(
    gke(
      { "platform:tls": { issuer: "letsencrypt" }, "platform:dns": { domain: "ml.acme.example", zone: { id: "z", dnsName: "Acme.Example" } } },
      { zone: "europe-west4", nodePools: [{ ...systemPool, min: "1" }, { name: "gpu", role: "gpu", machineType: "g2-standard-8", gpu: { type: "nvidia-l4" }, min: 0, max: 1 }] },
    ),
  );
  assert.deepEqual(found.sort(), [
    'platform:cloud.nodePools[0].min: expected a number; remove the quotes: "1" is text in YAML',
    "platform:cloud.nodePools[1].gpu.count: required: expected number",
    'platform:cloud.zone: expected a GCP zone such as europe-west4-a (found "europe-west4")',
    'platform:dns.zone.dnsName: expected a lowercase DNS name such as example.com (found "Acme.Example")',
    'platform:tls.issuer: Invalid option: expected one of "staging"|"production"|"selfSigned" (found "letsencrypt")',
  ]);
});

test("misspelt keys get a suggestion, and the key they stand for is not also reported missing", () => {
  const config = gke({ "platform:tier": undefined, "platfrom:tier": "dev", "platform:identty": gke()["platform:identity"], "platform:identity": undefined }, { nodPools: [] });
  assert.deepEqual(problems(config).sort(), [
    "platform:cloud.nodPools: unknown key; did you mean nodePools?",
    "platform:identty: unknown key; did you mean platform:identity?",
    'platfrom:tier: unknown namespace "platfrom"; did you mean platform:tier?',
  ]);
});

// --- Prod API exposure: prefixes are numbers ---

test("prod API exposure: /00 is not a way around /0, and ranges broader than /8 are rejected", () => {
  const found = problems(
    gke({ "platform:tier": "prod" }, {
      zone: undefined,
      masterAuthorizedNetworks: [
        { name: "all", cidr: "0.0.0.0/00" },
        { name: "a", cidr: "0.0.0.0/1" },
        { name: "b", cidr: "128.0.0.0/1" },
        { name: "c", cidr: "10.0.0.0/08" },
        { name: "vpn", cidr: "10.0.0.0/8" },
      ],
    }),
  );
  const why = "a few such ranges cover the whole internet (0.0.0.0/1 and 128.0.0.0/1 are every address); list your networks, e.g. the office VPN and CI runners";
  assert.deepEqual(found, [
    'platform:cloud.masterAuthorizedNetworks[0].cidr: the prefix /00 has a leading zero; write /0 (found "0.0.0.0/00")',
    'platform:cloud.masterAuthorizedNetworks[3].cidr: the prefix /08 has a leading zero; write /8 (found "10.0.0.0/08")',
    `platform:cloud.masterAuthorizedNetworks[1].cidr: prod must not open the Kubernetes API to a range broader than /8 (0.0.0.0/1 is 2147483648 addresses): ${why}`,
    `platform:cloud.masterAuthorizedNetworks[2].cidr: prod must not open the Kubernetes API to a range broader than /8 (128.0.0.0/1 is 2147483648 addresses): ${why}`,
  ]);
  const eksProd = (publicCidrs: string[]) =>
    problems(eks({ "platform:tier": "prod", "platform:dns": { domain: "ml.acme.example", zone: { id: "Z0123456789ABCDEFGHIJ", dnsName: "acme.example" } } }, { endpoint: { publicCidrs } }));
  assert.deepEqual(eksProd(["0.0.0.0/00", "64.0.0.0/2"]), [
    'platform:cloud.endpoint.publicCidrs[0]: the prefix /00 has a leading zero; write /0 (found "0.0.0.0/00")',
    `platform:cloud.endpoint.publicCidrs[1]: prod must not open the Kubernetes API to a range broader than /8 (64.0.0.0/2 is 1073741824 addresses): ${why}, or set public: false`,
  ]);
  assert.doesNotThrow(() => validateConfig("prod", eks({ "platform:tier": "prod" }, { endpoint: { publicCidrs: ["10.0.0.0/8", "203.0.113.0/24"] } }), secretKeys));
});

// --- A bad or missing tier does not hide cloud problems ---

test("an invalid or misspelt tier still has the cloud checked; only tier-dependent rules are skipped", () => {
  const badPools = {
    zone: "us-central1-a",
    nodePools: [
      { name: "system", role: "cpu", machineType: "m6i.large", min: 4, max: 3 },
      { name: "system", role: "cpu", machineType: "e2-standard-4", min: 0, max: 3 },
    ],
  };
  const cloudProblems = [
    'platform:cloud.zone: zone "us-central1-a" is not in region "europe-west4"',
    "platform:cloud.nodePools[0].min: min (4) is greater than max (3)",
    'platform:cloud.nodePools[0].machineType: "m6i.large" is an EC2 instance type (EKS); GKE needs a Compute Engine machine type such as e2-standard-4',
    'platform:cloud.nodePools[1].name: duplicate node pool name "system"; names must be unique',
    'platform:cloud.nodePools: no pool has role "system"; add one (e.g. { name: system, role: system, ... }): the platform add-ons run there and the Kubernetes provider waits for the system pools',
  ];
  assert.deepEqual(problems(gke({ "platform:tier": "staging" }, badPools)), [
    'platform:tier: Invalid option: expected one of "local"|"dev"|"ephemeral"|"prod" (found "staging")',
    ...cloudProblems,
  ]);
  assert.deepEqual(problems(gke({ "platform:tier": undefined, "platfrom:tier": "dev" }, badPools)), ['platfrom:tier: unknown namespace "platfrom"; did you mean platform:tier?', ...cloudProblems]);
  // No follow-on errors: a cloud that is fine apart from the tier gives only the tier problem (no zone or default-pool rules).
  assert.deepEqual(problems(gke({ "platform:tier": "staging" }, { zone: undefined })), [
    'platform:tier: Invalid option: expected one of "local"|"dev"|"ephemeral"|"prod" (found "staging")',
  ]);
  assert.deepEqual(problems(gke({ "platform:tier": undefined }, { zone: undefined, regional: false })), [
    "platform:tier: required key is missing",
    "platform:cloud.zone: required for a zonal cluster (regional: false); set zone: europe-west4-b or regional: true",
  ]);
  assert.deepEqual(problems(eks({ "platform:tier": "staging" }, { availabilityZones: ["eu-west-2a", "eu-west-1b"], version: "1.29", endpoint: { public: false, private: false, publicCidrs: ["0.0.0.0/0"] } })), [
    'platform:tier: Invalid option: expected one of "local"|"dev"|"ephemeral"|"prod" (found "staging")',
    'platform:cloud.availabilityZones[0]: "eu-west-2a" is not in region "eu-west-1"',
    "platform:cloud.version: Kubernetes 1.29 is not supported on EKS by this release; use one of 1.32, 1.33, 1.34, 1.35",
    "platform:cloud.endpoint: at least one of public or private must be true",
  ]);
});

// --- Accepted before, failed at deploy ---

test("EKS availability zones are listed once each", () => {
  assert.deepEqual(problems(eks({}, { availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1a"] })), [
    'platform:cloud.availabilityZones[2]: duplicate availability zone "eu-west-1a"; list each zone once (each zone gets its own subnets)',
  ]);
});

test("dns.zone.id has the cloud's shape: a Cloud DNS managed zone name on GKE, a Route53 hosted zone ID on EKS", () => {
  const zone = (id: string) => ({ "platform:dns": { domain: "ml.acme.example", zone: { id, dnsName: "acme.example" } } });
  assert.deepEqual(problems(gke(zone("acme.example"))), [
    'platform:dns.zone.id: "acme.example" looks like a DNS name; use the managed zone name, not its DNS name (gcloud dns managed-zones list shows both, e.g. acme-example for acme.example.)',
  ]);
  assert.deepEqual(problems(gke(zone("a".repeat(64)))), [`platform:dns.zone.id: "${"a".repeat(57)}..." is 64 characters; a Cloud DNS managed zone name has at most 63`]);
  for (const id of ["Acme-Example", "1zone", "zone-"]) {
    assert.deepEqual(problems(gke(zone(id))), [
      `platform:dns.zone.id: ${JSON.stringify(id)} is not a Cloud DNS managed zone name: 1-63 lowercase letters, digits and dashes, starting with a letter and not ending with a dash, e.g. acme-example`,
    ]);
  }
  assert.doesNotThrow(() => validateConfig("t", gke(zone("a".repeat(63))), secretKeys));
  assert.deepEqual(problems(eks(zone("acme-example"))), [
    'platform:dns.zone.id: "acme-example" is not a Route53 hosted zone ID; expected the zone\'s ID such as Z0123456789ABCDEFGHIJ (aws route53 list-hosted-zones), not its name',
  ]);
  assert.deepEqual(problems(eks(zone("/hostedzone/Z0123456789ABCDEFGHIJ"))), [
    'platform:dns.zone.id: "/hostedzone/Z0123456789ABCDEFGHIJ" has the /hostedzone/ prefix; use the bare hosted zone ID, Z0123456789ABCDEFGHIJ',
  ]);
  assert.doesNotThrow(() => validateConfig("t", eks(zone("Z0123456789ABCDEFGHIJ")), secretKeys));
});

test("identity: at least one email domain, a session of at most a year, one static user per email", () => {
  const identity = (extra: Record<string, unknown>) => gke({ "platform:identity": { ...JSON.parse(gke()["platform:identity"]), ...extra } });
  assert.deepEqual(problems(identity({ emailDomains: [], sessionLifetime: "3000000h" })), [
    "platform:identity.sessionLifetime: at most 8760h (one year): longer sign-ins keep a stolen session alive, and Go durations in oauth2-proxy and Dex overflow at about 2562047h (found \"3000000h\")",
    "platform:identity.emailDomains: oauth2-proxy does not start without an email domain; list at least one, such as acme.example, or * for any (or remove emailDomains: the default is *) (found [])",
  ]);
  assert.doesNotThrow(() => validateConfig("t", identity({ sessionLifetime: "8760h" }), secretKeys));
  const user = (email: string, username: string) => ({ email, username, password: "pw" });
  assert.deepEqual(problems(gke({ "platform:identity": { staticUsers: [user("a@acme.example", "a"), user("b@acme.example", "b"), user("A@acme.example", "a2")] } })), [
    'platform:identity.staticUsers[2].email: duplicate static user email "A@acme.example"; Dex signs users in by email, so give each user their own',
  ]);
});

// --- Secure values in the wrong place, offline (placeholders) ---

/** Validates as the offline plan does: secure values replaced by placeholders, known field by field. */
function planProblems(text: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), "secure-"));
  const path = join(dir, "Pulumi.t.yaml");
  writeFileSync(path, text);
  const f = readStackFile(path);
  try {
    validateConfig(f.stack, f.config, f.secretKeys, { keys: Object.keys(f.config), paths: f.securePaths }, f.sources);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    return e.problems.map((p) => `${p.key}: ${p.message}`);
  }
  assert.fail("configuration was accepted");
}

const localHead = "config:\n  platform:tier: local\n  platform:cloud: {kind: existing}\n  platform:dns: {domain: 127.0.0.1.sslip.io}\n";
const adminUser = "    staticUsers:\n      - {email: admin@example.com, username: admin, password: {secure: v1:abc}}\n";

test("a section encrypted as a whole is named as such, with the per-field command", () => {
  assert.deepEqual(planProblems(`${localHead}  platform:identity:\n    secure: v1:ENCRYPTED\n`), [
    "platform:identity: is encrypted as a whole (set with --secret but without --path), so the program cannot check its fields one by one; " +
      "write its fields in plain text and set only the secret ones (client secrets, passwords) with pulumi config set --secret --path, e.g. pulumi config set --secret --path 'platform:identity.connectors[0].clientSecret' <value>",
  ]);
});

test("a secure value in a non-secret field gives only the 'not a secret field' problem, not a schema error about the placeholder", () => {
  assert.deepEqual(planProblems(`${localHead}  platform:identity:\n    sessionLifetime: {secure: v1:abc}\n${adminUser}`), [
    "platform:identity.sessionLifetime: is stored as a secret but is not a secret field; it would reach resource inputs in plain text, so set it without --secret",
  ]);
  const noSecretFields = "is stored as a secret but has no secret fields; set its values without --secret";
  assert.deepEqual(planProblems(`config:\n  platform:tier: {secure: v1:abc}\n  platform:cloud: {kind: existing}\n  platform:dns: {domain: 127.0.0.1.sslip.io}\n  platform:identity:\n${adminUser}`), [
    `platform:tier: ${noSecretFields}`,
  ]);
  assert.deepEqual(
    planProblems(
      "config:\n  platform:tier: dev\n  platform:cloud: {kind: gke, project: {secure: v1:abc}, region: europe-west4, zone: europe-west4-a}\n" +
        "  platform:dns: {domain: ml.acme.example, zone: {id: acme-example, dnsName: acme.example}}\n  platform:tls: {acmeEmail: ops@acme.example}\n  platform:identity:\n" +
        adminUser,
    ),
    [`platform:cloud: ${noSecretFields}`],
  );
});

test("a secure value that is not an encrypted string is named malformed, not missing", () => {
  const github = "    connectors:\n      - {type: github, id: gh, name: GitHub, clientId: a, orgs: [{name: acme}], clientSecret: {secure: 123}}\n";
  assert.deepEqual(planProblems(`${localHead}  platform:identity:\n${github}${adminUser}`), [
    `platform:identity.connectors[0].clientSecret: the secure value is malformed (found {"secure":123}): secure: must be the one encrypted string pulumi config set --secret writes; set it again with pulumi config set --secret --path 'platform:identity.connectors[0].clientSecret' <value>`,
  ]);
});

// --- Type errors say how to fix the YAML ---

test("type errors from YAML slips come with the fix: quote, unquote, taint objects, empty values, .inf", () => {
  const text = [
    "config:",
    "  platform:tier: dev",
    "  platform:cloud:",
    "    kind: eks",
    "    region: eu-west-1",
    "    version: 1.30",
    "    nodePools:",
    "      - name: system",
    "        role: system",
    "        machineType: m6i.large",
    '        min: "1"',
    "        max: .inf",
    "        spot: false",
    "        labels: {tier: 1, gpu: true}",
    '        taints: ["dedicated=training:NoSchedule", "gpu:NoExecute", "oops"]',
    "  platform:dns:",
    "    domain: ml-dev.acme.example",
    "    zone: {id: Z0123456789ABCDEFGHIJ, dnsName: acme.example}",
    "  platform:tls: {acmeEmail: platform-team@acme.example}",
    "  platform:edge:",
    "  platform:identity:",
    "    sessionLifetime: 24",
    "    staticUsers: [{email: a@acme.example, username: a, password: {secure: v1:abc}}]",
    "",
  ].join("\n");
  assert.deepEqual(planProblems(text), [
    'platform:cloud.version: expected a string; write "1.30" in quotes: YAML reads 1.30 as the number 1.3',
    'platform:cloud.nodePools[0].min: expected a number; remove the quotes: "1" is text in YAML',
    "platform:cloud.nodePools[0].max: expected a whole number; YAML reads .inf as infinity, which a configuration value cannot hold",
    'platform:cloud.nodePools[0].labels.tier: expected a string; write "1" in quotes: YAML reads 1 as a number',
    'platform:cloud.nodePools[0].labels.gpu: expected a string; write "true" in quotes: YAML reads true as a boolean',
    'platform:cloud.nodePools[0].taints[0]: "dedicated=training:NoSchedule" is kubectl\'s taint shorthand, which is not accepted here; write the object { key: dedicated, value: training, effect: NoSchedule }',
    'platform:cloud.nodePools[0].taints[1]: "gpu:NoExecute" is kubectl\'s taint shorthand, which is not accepted here; write the object { key: gpu, effect: NoExecute }',
    'platform:cloud.nodePools[0].taints[2]: expected a taint object { key, value, effect }, found the text "oops"',
    "platform:edge: is empty (nothing after the colon); give its settings, indented under it, or remove the key",
    'platform:identity.sessionLifetime: expected a string; write "24" in quotes: YAML reads 24 as a number',
  ]);
  // Without the stack file (pulumi up with configuration from elsewhere) the value itself is quoted.
  assert.deepEqual(problems(eks({}, { version: 1.3 })), ['platform:cloud.version: expected a string; write "1.3" in quotes: YAML reads 1.3 as a number']);
  assert.deepEqual(problems(gke({ "platform:edge": { gatewayService: null } })), [
    "platform:edge.gatewayService: is empty (nothing after the colon); give its settings, indented under it, or remove the key",
  ]);
});

test("YAML merge keys (<<: *anchor) work as in Pulumi's YAML", () => {
  const f = (() => {
    const dir = mkdtempSync(join(tmpdir(), "merge-"));
    const path = join(dir, "Pulumi.merge.yaml");
    writeFileSync(
      path,
      [
        "config:",
        "  platform:tier: dev",
        "  platform:cloud:",
        "    kind: gke",
        "    project: acme-ml-dev",
        "    region: europe-west4",
        "    zone: europe-west4-a",
        "    nodePools:",
        "      - &pool {name: system, role: system, machineType: e2-standard-4, min: 1, max: 3}",
        "      - <<: *pool",
        "        name: cpu",
        "        role: cpu",
        "  platform:dns: {domain: ml.acme.example, zone: {id: acme-example, dnsName: acme.example}}",
        "  platform:tls: {acmeEmail: ops@acme.example}",
        "  platform:identity:",
        "    connectors: [{type: github, id: gh, name: GitHub, clientId: a, orgs: [{name: acme}], clientSecret: {secure: v1:x}}]",
        "",
      ].join("\n"),
    );
    return readStackFile(path);
  })();
  const c = validateConfig(f.stack, f.config, f.secretKeys, { keys: Object.keys(f.config), paths: f.securePaths }, f.sources);
  assert.ok(c.cloud.kind === "gke");
  assert.deepEqual(
    c.cloud.nodePools.map((p) => [p.name, p.role, p.machineType, p.min, p.max]),
    [
      ["system", "system", "e2-standard-4", 1, 3],
      ["cpu", "cpu", "e2-standard-4", 1, 3],
    ],
  );
});

test("a list item kept without its invalid part keeps the list: rules still run on the item", () => {
  // The bad taint is dropped; the pool (and so the list) is kept, so min > max is found in the same run.
  assert.deepEqual(problems(gke({}, { nodePools: [{ ...systemPool, min: 5, max: 1, taints: [{ key: "a", effect: "Never" }] }] })).sort(), [
    'platform:cloud.nodePools[0].min: min (5) is greater than max (1)',
    'platform:cloud.nodePools[0].taints[0].effect: Invalid option: expected one of "NoSchedule"|"PreferNoSchedule"|"NoExecute" (found "Never")',
  ]);
});

test("a misspelt key with a suggestion does not also trigger the rule for the key it stands for", () => {
  assert.deepEqual(problems(gke({ "platform:tls": { accmeEmail: "ops@acme.example" } })), ["platform:tls.accmeEmail: unknown key; did you mean acmeEmail?"]);
  assert.deepEqual(problems(gke({}, { zoen: "europe-west4-a", zone: undefined })), ["platform:cloud.zoen: unknown key; did you mean zone?"]);
});

test("messages echo at most 60 characters of a found value", () => {
  const long = `e2-${"x".repeat(100)}.large`;
  assert.deepEqual(problems(gke({}, { nodePools: [{ ...systemPool, machineType: long }] })), [
    `platform:cloud.nodePools[0].machineType: "${long.slice(0, 57)}..." is an EC2 instance type (EKS); GKE needs a Compute Engine machine type such as e2-standard-4`,
  ]);
});

test("platform:ml: an unknown database tier, a negative size, and MinIO settings on a cloud stack are named", () => {
  assert.deepEqual(
    problems(gke({ "platform:ml": { database: { tier: "xlarge", storageGb: -5 }, objectStore: { minio: { mode: "standalone" } } } })).sort(),
    [
      'platform:ml.database.storageGb: Too small: expected number to be >=10 (found -5)',
      'platform:ml.database.tier: Invalid option: expected one of "small"|"medium"|"large" (found "xlarge")',
      "platform:ml.objectStore.minio: a gke stack stores objects in GCS through workload identity; remove ml.objectStore.minio (it is for existing clusters)",
    ].sort(),
  );
  assert.deepEqual(problems(gke({ "platform:ml": { objectStore: { minio: { mode: "standalone" } } } })), [
    "platform:ml.objectStore.minio: a gke stack stores objects in GCS through workload identity; remove ml.objectStore.minio (it is for existing clusters)",
  ]);
});

test("platform:ml: MLflow on an existing cluster without an object store is rejected; tier defaults apply", () => {
  const local = {
    "platform:tier": "local",
    "platform:cloud": JSON.stringify({ kind: "existing", context: "k3d-mlops" }),
    "platform:dns": JSON.stringify({ domain: "127.0.0.1.sslip.io" }),
    "platform:identity": JSON.stringify({ staticUsers: [{ email: "a@example.com", username: "a", password: "p" }] }),
  };
  assert.deepEqual(problems({ ...local, "platform:ml": JSON.stringify({ objectStore: { minio: { enabled: false } } }) }), [
    "platform:ml.mlflow.enabled: MLflow stores its artifacts in the object store, and this existing cluster has none (ml.objectStore.minio.enabled is false); enable MinIO or set mlflow.enabled: false",
    "platform:observability.enabled: Loki, Tempo and Mimir keep their data in the object store, and this existing cluster has none (ml.objectStore.minio.enabled is false); enable MinIO or set observability.enabled: false",
  ]);
  const noStore = { ...local, "platform:ml": JSON.stringify({ mlflow: { enabled: false }, objectStore: { minio: { enabled: false } } }), "platform:observability": JSON.stringify({ enabled: false }) };
  assert.doesNotThrow(() => validateConfig("t", noStore, secretKeys));
  const c = validateConfig("t", local, secretKeys);
  assert.deepEqual(c.ml.minio, { mode: "standalone", replicas: 1, storageGb: 10 });
  assert.deepEqual(c.ml.database, { tier: "small", storageGb: 20, backupRetentionDays: 1, highAvailability: false });
  const prod = validateConfig("prod", gke({ "platform:tier": "prod" }, { zone: undefined, masterAuthorizedNetworks: [{ name: "vpn", cidr: "10.0.0.0/8" }] }), secretKeys);
  assert.deepEqual(prod.ml.database, { tier: "medium", storageGb: 100, backupRetentionDays: 30, highAvailability: true });
  assert.equal(prod.ml.mlflow.replicas, 2);
  assert.equal(prod.ml.minio, undefined, "cloud stacks use GCS or S3");
});

test("platform:ml: EKS backup retention within RDS's 35-day limit", () => {
  assert.deepEqual(problems(eks({ "platform:ml": { database: { backupRetentionDays: 90 } } }, { nodePools: [{ ...systemPool, machineType: "m6i.large" }] })), [
    "platform:ml.database.backupRetentionDays: RDS keeps automated backups for at most 35 days (found 90); use snapshots for longer retention",
  ]);
});

test("platform:ml: in-cluster database backups are not built yet, so existing clusters reject asking for them", () => {
  const local = {
    "platform:tier": "local",
    "platform:cloud": JSON.stringify({ kind: "existing" }),
    "platform:dns": JSON.stringify({ domain: "127.0.0.1.sslip.io" }),
    "platform:identity": JSON.stringify({ staticUsers: [{ email: "a@example.com", username: "a", password: "p" }] }),
  };
  assert.deepEqual(problems({ ...local, "platform:ml": JSON.stringify({ database: { backupRetentionDays: 7 } }) }), [
    "platform:ml.database.backupRetentionDays: backups of the in-cluster PostgreSQL (CloudNativePG) are not implemented yet; remove backupRetentionDays on existing clusters",
  ]);
  const prod = problems({ ...local, "platform:tier": "prod", "platform:tls": JSON.stringify({ issuer: "selfSigned" }), "platform:identity": JSON.stringify({}) });
  assert.ok(prod.includes("platform:ml.database.backupRetentionDays: prod needs database backups, and backups of the in-cluster PostgreSQL (CloudNativePG) are not implemented yet; run prod on GKE or EKS"), prod.join("\n"));
});

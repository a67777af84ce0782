// The plan CLI on broken stack files and bad configuration: always exit 1 with the problem
// and its fix on stderr, never a stack trace or exit 2.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runTool } from "./helpers";

// As `npm run plan` runs it.
const plan = (...args: string[]) => runTool("plan", ...args);

function stackFile(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "config-cli-")), `Pulumi.${name}.yaml`);
  writeFileSync(file, text);
  return file;
}

function assertConfigFailure(r: ReturnType<typeof plan>, expected: string) {
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, "");
  assert.equal(r.stderr, expected);
  assert.doesNotMatch(r.stderr, /^\s+at /m);
}

test("a YAML syntax error names the file, line and column", () => {
  const file = stackFile("yaml", "config:\n  platform:tier: dev\n  platform:cloud: [kind: gke\n  platform:dns: {}\n");
  const r = plan(file);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`^invalid stack configuration \\(1 problem\\):\\n  - ${file.replace(/[.]/g, "\\.")}:4:\\d+: YAML syntax error: `));
  assert.doesNotMatch(r.stderr, /^\s+at /m);
});

test("an unknown stack name lists the stacks there are", () => {
  assertConfigFailure(
    plan("gke-prod"),
    "invalid stack configuration (1 problem):\n  - stack gke-prod: no such stack: stacks/Pulumi.gke-prod.yaml does not exist; available stacks: eks-dev, ephemeral, gke-dev, local, prod (or give the path to a stack file)\n",
  );
});

test("a stack file without the config: wrapper says so", () => {
  const file = stackFile("nowrap", "platform:tier: dev\nplatform:dns:\n  domain: ml.acme.example\n");
  assertConfigFailure(
    plan(file, "--json"),
    `invalid stack configuration (1 problem):\n  - ${file}: unexpected top-level keys platform:tier, platform:dns; config keys must be inside the config: mapping; add a line "config:" at the top and indent the keys under it\n`,
  );
});

test("a scalar or list document, and a config: that is not a mapping, are named", () => {
  const scalar = stackFile("scalar", "just some text\n");
  assertConfigFailure(
    plan(scalar),
    `invalid stack configuration (1 problem):\n  - ${scalar}: expected a mapping, found a string ("just some text"); a stack file is a mapping with a top-level config: key, e.g. config: { platform:tier: dev, ... }\n`,
  );
  const list = stackFile("list", "- platform:tier: dev\n");
  assertConfigFailure(
    plan(list),
    `invalid stack configuration (1 problem):\n  - ${list}: expected a mapping, found a list; a stack file is a mapping with a top-level config: key, e.g. config: { platform:tier: dev, ... }\n`,
  );
  const configList = stackFile("configlist", "config:\n  - platform:tier: dev\n");
  assertConfigFailure(plan(configList), `invalid stack configuration (1 problem):\n  - ${configList}: config: must be a mapping of keys such as platform:tier, found a list\n`);
});

test("an existing cluster with a DNS zone fails in validation, not in cert-manager", () => {
  const file = stackFile(
    "existing-zone",
    [
      "config:",
      "  platform:tier: dev",
      "  platform:cloud:",
      "    kind: existing",
      "  platform:dns:",
      "    domain: ml.acme.example",
      "    zone: { id: acme, dnsName: acme.example }",
      "  platform:tls:",
      "    acmeEmail: ops@acme.example",
      "  platform:identity:",
      "    staticUsers:",
      "      - { email: a@acme.example, username: a, password: { secure: v1:x } }",
      "",
    ].join("\n"),
  );
  assertConfigFailure(
    plan(file),
    "invalid stack configuration (2 problems):\n" +
      "  - platform:dns.zone: an existing cluster has no cloud DNS identity, so it gets no DNS-01 certificates and no DNS records; remove dns.zone and use tls.issuer: selfSigned\n" +
      "  - platform:tls.issuer: issuer staging (the default for tier dev) needs DNS-01 in a cloud DNS zone, which an existing cluster does not have; set issuer: selfSigned\n",
  );
});

test("a plain-text secret beside a secure one is named field by field, with the command that fixes it", () => {
  const file = stackFile(
    "mixed",
    [
      "config:",
      "  platform:tier: dev",
      "  platform:cloud: { kind: existing }",
      "  platform:dns: { domain: 127.0.0.1.sslip.io }",
      "  platform:tls: { issuer: selfSigned }",
      "  platform:identity:",
      "    staticUsers:",
      "      - email: a@acme.example",
      "        username: a",
      "        password: { secure: v1:abc }",
      "      - email: b@acme.example",
      "        username: b",
      "        password: hunter2",
      "",
    ].join("\n"),
  );
  assertConfigFailure(
    plan(file, "--json"),
    "invalid stack configuration (1 problem):\n" +
      "  - platform:identity.staticUsers[1].password: is a secret but is written in plain text; set it with pulumi config set --secret --path 'platform:identity.staticUsers[1].password' <value>\n",
  );
});

test("a misspelt namespace is reported as such, with the key it was meant to be", () => {
  const file = stackFile("ns", "config:\n  platfrom:tier: local\n  platform:cloud: { kind: existing }\n  platform:dns: { domain: 127.0.0.1.sslip.io }\n  platform:identity:\n    staticUsers: [{ email: a@acme.example, username: a, password: { secure: v1:x } }]\n");
  assertConfigFailure(plan(file), 'invalid stack configuration (1 problem):\n  - platfrom:tier: unknown namespace "platfrom"; did you mean platform:tier?\n');
});

test("YAML that cannot be turned into values (alias bomb, unknown anchor, tags, two documents, not UTF-8) names the file", () => {
  const bomb = stackFile("bomb", "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nconfig:\n  platform:tier: *c\n");
  assertConfigFailure(
    plan(bomb),
    `invalid stack configuration (1 problem):\n  - ${bomb}: YAML aliases expand to too many values (more than 100, a guard against alias bombs); write the values out or use fewer nested aliases\n`,
  );
  const anchor = stackFile("anchor", "config:\n  platform:tier: *t\n");
  assertConfigFailure(plan(anchor), `invalid stack configuration (1 problem):\n  - ${anchor}: YAML alias *t has no anchor &t before it; define the anchor first or write the value out\n`);
  const tag = stackFile("tag", "config:\n  platform:tier: !Ref dev\n");
  assertConfigFailure(plan(tag), `invalid stack configuration (1 problem):\n  - ${tag}:2:18: Unresolved tag: !Ref; stack files hold plain values, remove the tag\n`);
  const two = stackFile("two", "config:\n  platform:tier: dev\n---\nconfig: {}\n");
  assertConfigFailure(
    plan(two),
    `invalid stack configuration (1 problem):\n  - ${two}:3: a second YAML document starts here (after ---); Pulumi reads only the first, so keep the whole configuration in one document\n`,
  );
  const latin1 = stackFile("latin1", "config:\n  platform:tier: dev\n");
  writeFileSync(latin1, Buffer.from("config:\n  platform:tier: d\xe9v\n", "latin1"));
  assertConfigFailure(plan(latin1), `invalid stack configuration (1 problem):\n  - ${latin1}: is not UTF-8 text; save it as UTF-8\n`);
});

test("a stack path that is a directory is a stack file problem, not a crash", () => {
  const dir = join(mkdtempSync(join(tmpdir(), "config-cli-")), "Pulumi.dir.yaml");
  mkdirSync(dir);
  assertConfigFailure(plan(dir), `invalid stack configuration (1 problem):\n  - ${dir}: is a directory, not a stack file; give the path to a Pulumi.<stack>.yaml file\n`);
});

test("a stack file must be named Pulumi.<stack>.yaml with a stack name Pulumi accepts", () => {
  const dir = mkdtempSync(join(tmpdir(), "config-cli-"));
  const named = (name: string) => {
    const file = join(dir, name);
    writeFileSync(file, "config:\n  platform:tier: local\n");
    return file;
  };
  const cases: [string, string][] = [
    ["local-copy.yaml", "Pulumi reads a stack's configuration only from a file named Pulumi.<stack>.yaml (or .yml); rename it, e.g. to Pulumi.local-copy.yaml"],
    ["Pulumi.my stack.yaml", 'the stack name "my stack" has characters Pulumi does not accept in stack names (" "); use only ASCII letters, digits, "-", "_" and ".", e.g. Pulumi.my-stack.yaml'],
    ["Pulumi.прод.yaml", 'the stack name "прод" has characters Pulumi does not accept in stack names ("п" "р" "о" "д"); use only ASCII letters, digits, "-", "_" and "."'],
    ["Pulumi..yaml", 'the stack name between "Pulumi." and ".yaml" is empty; rename the file to Pulumi.<stack>.yaml, e.g. Pulumi.dev.yaml'],
    [`Pulumi.${"a".repeat(101)}.yml`, "the stack name is 101 characters; Pulumi allows at most 100, so shorten it"],
  ];
  for (const [name, message] of cases) {
    const file = named(name);
    assertConfigFailure(plan(file), `invalid stack configuration (1 problem):\n  - ${file}: ${message}\n`);
  }
});

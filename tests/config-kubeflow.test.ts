// platform:kubeflow: defaults, the resolved teams (groups expanded, roles merged, emails
// lowercased), and every rule, each by its exact `pulumi config set --path` key.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, validateConfig } from "../infra/config/load";
import { maxTeamNameLength, quantityPattern, reservedNamespaces, type TeamSettings } from "../infra/config/kubeflow";
import { readStackFile } from "../tools/stack-file";
import { runTool } from "./helpers";

const secretKeys = ["platform:identity"];

/** A valid GKE dev stack whose sign-in is limited to acme.example; `kubeflow` is platform:kubeflow. */
function stack(kubeflow: unknown, overrides: Record<string, unknown> = {}): Record<string, string> {
  const base: Record<string, unknown> = {
    "platform:tier": "dev",
    "platform:cloud": { kind: "gke", project: "acme-ml-dev", region: "europe-west4", zone: "europe-west4-a" },
    "platform:dns": { domain: "ml.acme.example", zone: { id: "acme-example", dnsName: "acme.example" } },
    "platform:tls": { acmeEmail: "ops@acme.example" },
    "platform:identity": {
      emailDomains: ["acme.example"],
      connectors: [{ type: "github", id: "github", name: "GitHub", clientId: "abc", clientSecret: "s3cret", orgs: [{ name: "acme" }] }],
    },
    "platform:kubeflow": kubeflow,
    ...overrides,
  };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) out[k] = typeof v === "string" ? v : JSON.stringify(v);
  return out;
}

/** The same stack on an existing cluster (local tier, any email domain). */
function existing(kubeflow: unknown): Record<string, string> {
  return stack(kubeflow, {
    "platform:tier": "local",
    "platform:cloud": { kind: "existing" },
    "platform:dns": { domain: "127.0.0.1.sslip.io" },
    "platform:tls": undefined,
    "platform:identity": { staticUsers: [{ email: "admin@example.com", username: "admin", password: "pw" }] },
  });
}

function problems(config: Record<string, string>): string[] {
  try {
    validateConfig("test", config, secretKeys);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    return e.problems.map((p) => `${p.key}: ${p.message}`);
  }
  assert.fail("configuration was accepted");
}

/** The problems' key paths, sorted. */
const keys = (found: string[]) => found.map((p) => p.slice(0, p.indexOf(": "))).sort();

const team = (t: Record<string, unknown>) => ({ teams: [{ name: "research", owner: "alice@acme.example", ...t }] });

test("defaults: Kubeflow and KServe on, no teams; KServe follows enabled: false", () => {
  assert.deepEqual(validateConfig("t", stack(undefined), secretKeys).kubeflow, { enabled: true, kserve: { enabled: true }, teams: [] });
  assert.deepEqual(validateConfig("t", stack({}), secretKeys).kubeflow, { enabled: true, kserve: { enabled: true }, teams: [] });
  assert.deepEqual(validateConfig("t", stack({ enabled: false }), secretKeys).kubeflow, { enabled: false, kserve: { enabled: false }, teams: [] });
  assert.deepEqual(validateConfig("t", stack({ kserve: { enabled: false } }), secretKeys).kubeflow.kserve, { enabled: false });
  const prod = stack({}, { "platform:tier": "prod", "platform:cloud": { kind: "gke", project: "acme-ml-prod", region: "europe-west4", masterAuthorizedNetworks: [{ name: "vpn", cidr: "10.0.0.0/8" }] } });
  assert.deepEqual(validateConfig("prod", prod, secretKeys).kubeflow, { enabled: true, kserve: { enabled: true }, teams: [] }, "on in every tier");
});

test("a full example resolves: groups expanded into members, the stronger role wins, emails lowercased, the owner left out", () => {
  const c = validateConfig(
    "t",
    stack({
      groups: { "data-science": ["Alice@ACME.example", "bob@acme.example", "carol@acme.example"], reviewers: ["carol@acme.example", "dan@acme.example"] },
      teams: [
        {
          name: "research",
          owner: "Alice@Acme.Example",
          members: [
            { email: "Bob@ACME.example", role: "view" },
            { email: "erin@acme.example", role: "edit" },
          ],
          groups: [
            { group: "data-science", role: "edit" },
            { group: "reviewers", role: "view" },
          ],
          quota: { cpu: "8", memory: "32Gi", gpu: 1, storage: "200Gi", pods: 50 },
          cloudAccess: { buckets: [{ name: "acme-datasets", access: "read" }, { name: "acme.results-2026", access: "readWrite" }] },
        },
        { name: "forecasting", owner: "dan@acme.example", quota: { gpu: 0 } },
      ],
    }),
    secretKeys,
  );
  const expected: TeamSettings[] = [
    {
      name: "research",
      owner: "alice@acme.example",
      members: [
        { email: "bob@acme.example", role: "edit" }, // view in members, edit through data-science
        { email: "erin@acme.example", role: "edit" },
        { email: "carol@acme.example", role: "edit" }, // edit through data-science, view through reviewers
        { email: "dan@acme.example", role: "view" },
      ],
      quota: { cpu: "8", memory: "32Gi", gpu: 1, storage: "200Gi", pods: 50 },
      buckets: [
        { name: "acme-datasets", access: "read" },
        { name: "acme.results-2026", access: "readWrite" },
      ],
      models: [],
    },
    { name: "forecasting", owner: "dan@acme.example", members: [], quota: { gpu: 0 }, buckets: [], models: [] },
  ];
  assert.deepEqual(c.kubeflow, { enabled: true, kserve: { enabled: true }, teams: expected });
});

test("team names: a DNS label of at most 40 characters that is not a system namespace", () => {
  const name40 = `t${"a".repeat(maxTeamNameLength - 1)}`;
  assert.doesNotThrow(() => validateConfig("t", stack({ teams: [{ name: name40, owner: "alice@acme.example" }] }), secretKeys));
  const found = problems(
    stack({
      teams: ["Research", `${name40}b`, "kubeflow", "kube-team", "istio-lab", "team-", "1st"].map((name) => ({ name, owner: "alice@acme.example" })),
    }),
  );
  assert.deepEqual(keys(found), [0, 1, 2, 3, 4, 5, 6].map((i) => `platform:kubeflow.teams[${i}].name`));
  const dnsLabel = 'is not a lowercase DNS label: use a-z, 0-9 and "-", starting with a letter and ending with a letter or digit (it becomes the team\'s namespace), e.g. research';
  assert.equal(found[0], `platform:kubeflow.teams[0].name: "Research" ${dnsLabel}`);
  assert.match(found[1], /^platform:kubeflow\.teams\[1\]\.name: "ta+b" is 41 characters; at most 40: the team name is its namespace, and KServe names each model's hostname and services <model>-<namespace> within one 63-character DNS label/);
  assert.match(found[2], /^platform:kubeflow\.teams\[2\]\.name: "kubeflow" is a namespace the platform or Kubernetes uses; choose another team name \(reserved: default, kube-system, .*, and every name starting with kube- or istio-\)/);
  assert.match(found[3], /^platform:kubeflow\.teams\[3\]\.name: "kube-team" is in the kube-\* namespaces the platform or Kubernetes uses; choose another team name/);
  assert.match(found[4], /"istio-lab" is in the istio-\* namespaces/);
  assert.equal(found[5], `platform:kubeflow.teams[5].name: "team-" ${dnsLabel}`);
  assert.equal(found[6], `platform:kubeflow.teams[6].name: "1st" ${dnsLabel}`);
  for (const ns of ["default", "kube-system", "kubeflow", "kubeflow-system", "istio-system", "istio-ingress", "cert-manager", "auth", "oauth2-proxy", "external-dns", "mlflow", "minio", "cnpg-system", "knative-serving", "observability", "monitoring"]) {
    assert.ok((reservedNamespaces as readonly string[]).includes(ns), ns);
  }
});

test("duplicate team names: the second is named, with the index of the first", () => {
  assert.deepEqual(
    problems(
      stack({
        teams: [
          { name: "research", owner: "alice@acme.example" },
          { name: "forecasting", owner: "bob@acme.example" },
          { name: "research", owner: "carol@acme.example" },
        ],
      }),
    ),
    ['platform:kubeflow.teams[2].name: duplicate team name "research" (also teams[0]); each team is one Profile and namespace, so rename one or merge the two'],
  );
});

test("a team without an owner, or a member without email or role, gets a clear required error", () => {
  assert.deepEqual(problems(stack({ teams: [{ name: "research" }, { name: "ops", owner: "ops@acme.example", members: [{}], groups: [{}] }] })).sort(), [
    "platform:kubeflow.teams[0].owner: required: the team's owner email (the Profile owner)",
    "platform:kubeflow.teams[1].groups[0].group: required: the name of a group in platform:kubeflow.groups",
    "platform:kubeflow.teams[1].groups[0].role: required: edit or view",
    "platform:kubeflow.teams[1].members[0].email: required: the member's email",
    "platform:kubeflow.teams[1].members[0].role: required: edit or view",
  ]);
});

test("emails are valid and inside platform:identity.emailDomains (owner, members, group members), compared case-insensitively", () => {
  const outside = (email: string) =>
    `"${email}" is outside platform:identity.emailDomains (acme.example), so oauth2-proxy would turn this user away at sign-in; use an address in one of those domains, or add the domain to platform:identity.emailDomains`;
  const config = {
    groups: { partners: ["eve@partner.example", "Frank@ACME.EXAMPLE"] },
    teams: [
      {
        name: "research",
        owner: "alice@other.example",
        members: [
          { email: "bob", role: "edit" },
          { email: "carol@sub.acme.example", role: "view" },
          { email: "Dan@Acme.Example", role: "view" },
        ],
        groups: [{ group: "partners", role: "view" }],
      },
    ],
  };
  assert.deepEqual(problems(stack(config)).sort(), [
    `platform:kubeflow.groups.partners[0]: ${outside("eve@partner.example")}`,
    `platform:kubeflow.teams[0].members[0].email: expected an email address such as alice@acme.example (found "bob")`,
    `platform:kubeflow.teams[0].members[1].email: ${outside("carol@sub.acme.example")}`,
    `platform:kubeflow.teams[0].owner: ${outside("alice@other.example")}`,
  ]);
  // A malformed owner is named, and the team's other rules still run.
  assert.deepEqual(problems(stack(team({ owner: "alice", groups: [{ group: "nope", role: "view" }] }))), [
    'platform:kubeflow.teams[0].owner: expected an email address such as alice@acme.example (found "alice")',
    'platform:kubeflow.teams[0].groups[0].group: unknown group "nope"; define it under platform:kubeflow.groups (none is defined)',
  ]);
  // "*" allows every domain; only the malformed email remains.
  const anyDomain = { emailDomains: ["*"], connectors: [{ type: "github", id: "github", name: "GitHub", clientId: "abc", clientSecret: "s3cret", orgs: [{ name: "acme" }] }] };
  assert.deepEqual(problems(stack(config, { "platform:identity": anyDomain })), [
    'platform:kubeflow.teams[0].members[0].email: expected an email address such as alice@acme.example (found "bob")',
  ]);
  // Invalid emailDomains: that problem only, no domain rule on its invalid value.
  const badDomains = { ...anyDomain, emailDomains: ["@acme.example"] };
  assert.deepEqual(keys(problems(stack(config, { "platform:identity": badDomains }))), ["platform:identity.emailDomains[0]", "platform:kubeflow.teams[0].members[0].email"]);
});

test("roles are edit or view; the message lists both", () => {
  assert.deepEqual(problems(stack(team({ members: [{ email: "bob@acme.example", role: "admin" }], groups: [{ group: "g", role: "owner" }] }))).sort(), [
    'platform:kubeflow.teams[0].groups[0].role: expected one of edit|view: edit may create and change the team\'s notebooks, pipelines and models, view may only look at them (found "owner")',
    'platform:kubeflow.teams[0].members[0].role: expected one of edit|view: edit may create and change the team\'s notebooks, pipelines and models, view may only look at them (found "admin")',
  ]);
});

test("a team's groups must be defined in platform:kubeflow.groups; a defined but invalid group is reported once, where it is defined", () => {
  assert.deepEqual(problems(stack({ groups: { "data-science": ["bob@acme.example"] }, ...team({ groups: [{ group: "data-sciense", role: "view" }] }) })), [
    'platform:kubeflow.teams[0].groups[0].group: unknown group "data-sciense"; define it under platform:kubeflow.groups (defined: data-science)',
  ]);
  assert.deepEqual(problems(stack(team({ groups: [{ group: "ops", role: "view" }] }))), [
    'platform:kubeflow.teams[0].groups[0].group: unknown group "ops"; define it under platform:kubeflow.groups (none is defined)',
  ]);
  assert.deepEqual(problems(stack({ groups: { ops: [] }, ...team({ groups: [{ group: "ops", role: "view" }] }) })), [
    "platform:kubeflow.groups.ops: a group lists at least one email; add its members or remove the group (found [])",
  ]);
  assert.deepEqual(problems(stack({ groups: { ops: ["x@acme.example"] }, ...team({ groups: [{ group: "ops", role: "view" }, { group: "ops", role: "edit" }] }) })), [
    'platform:kubeflow.teams[0].groups[1].group: group "ops" is listed twice (also groups[0]); list it once, with one role',
  ]);
});

test("members: listed twice in members is an error, overlap with groups is not; the owner is never a member", () => {
  assert.deepEqual(
    problems(
      stack({
        groups: { ds: ["alice@acme.example", "bob@acme.example"] },
        ...team({
          members: [
            { email: "bob@acme.example", role: "view" },
            { email: "Alice@acme.example", role: "edit" },
            { email: "BOB@acme.example", role: "edit" },
          ],
          groups: [{ group: "ds", role: "edit" }],
        }),
      }),
    ),
    [
      'platform:kubeflow.teams[0].members[1].email: "Alice@acme.example" is the team\'s owner, who already has full access to the team (the Profile owner); remove this member entry',
      'platform:kubeflow.teams[0].members[2].email: "BOB@acme.example" is listed twice (also members[0]); list each member once, with one role',
    ],
  );
  // The owner inside a group, and a member also in a group, are fine.
  const c = validateConfig("t", stack({ groups: { ds: ["alice@acme.example", "bob@acme.example"] }, ...team({ members: [{ email: "bob@acme.example", role: "view" }], groups: [{ group: "ds", role: "view" }] }) }), secretKeys);
  assert.deepEqual(c.kubeflow.teams[0].members, [{ email: "bob@acme.example", role: "view" }]);
});

test("members whose KFAM binding names collide are rejected, each at its key, all at once", () => {
  const found = problems(
    stack({
      groups: { ops: ["a-b@acme.example"] },
      teams: [
        {
          name: "research",
          owner: "alice@acme.example",
          members: [
            { email: "a.b@acme.example", role: "edit" },
            { email: "c_d@acme.example", role: "view" },
            { email: "c+d@acme.example", role: "view" },
            { email: "e.f@acme.example", role: "edit" },
            { email: "e-f@acme.example", role: "view" },
          ],
          groups: [{ group: "ops", role: "edit" }],
        },
      ],
    }),
  );
  assert.deepEqual(keys(found), ["platform:kubeflow.teams[0].groups[0].group", "platform:kubeflow.teams[0].members[2].email"]);
  assert.match(found.find((p) => p.includes("members[2]"))!, /"c\+d@acme\.example" and "c_d@acme\.example" \(members\[1\]\.email\) would share the view binding "user-c-d-acme-example-clusterrole-view"/);
  assert.match(found.find((p) => p.includes("groups[0]"))!, /"a-b@acme\.example" and "a\.b@acme\.example" \(members\[0\]\.email\) would share the edit binding/);
  // Different roles are different names (e.f edit, e-f view), and other teams are other namespaces.
  const ok = validateConfig("t", stack({ teams: [team({ members: [{ email: "a.b@acme.example", role: "edit" }] }).teams[0], { name: "other", owner: "alice@acme.example", members: [{ email: "a-b@acme.example", role: "edit" }] }] }), secretKeys);
  assert.equal(ok.kubeflow.teams.length, 2);
});

test("quota: Kubernetes quantities, whole GPU and pod counts, not empty", () => {
  const q = "platform:kubeflow.teams[0].quota";
  const cpuMsg = 'expected a Kubernetes quantity: a number with an optional suffix and no spaces or sign, e.g. "8", "0.5" or "500m"';
  const memMsg = 'expected a Kubernetes quantity: a number with an optional suffix and no spaces or sign, e.g. "32Gi", "500Mi" or "1Ti"';
  for (const bad of ["8 cores", "-1", "1.5.5", "", "+1", "1Kb", "1ki", "2 Gi", "Gi", "1.", "1e", "0x10"]) {
    assert.deepEqual(problems(stack(team({ quota: { cpu: bad } }))), [`${q}.cpu: ${cpuMsg} (found ${JSON.stringify(bad)})`], bad);
    assert.doesNotMatch(bad, quantityPattern);
  }
  for (const good of ["8", "0", "0.5", ".5", "500m", "1k", "32Gi", "1Ti", "1e3", "1E", "2E-3", "100M"]) {
    assert.match(good, quantityPattern, good);
    assert.doesNotThrow(() => validateConfig("t", stack(team({ quota: { cpu: good, ...(good.endsWith("m") ? {} : { memory: good, storage: good }) } })), secretKeys), good);
  }
  assert.deepEqual(problems(stack(team({ quota: { memory: "32 GB", storage: "128m", gpu: -1, pods: 1.5 } }))).sort(), [
    `${q}.gpu: expected a whole number of GPUs (nvidia.com/gpu), 0 or more (found -1)`,
    `${q}.memory: ${memMsg} (found "32 GB")`,
    `${q}.pods: expected a whole number of pods (found 1.5)`,
    `${q}.storage: m means milli (1/1000), so this is 128/1000 of a byte; write 128Mi (mebibytes) or 128M (megabytes) (found "128m")`,
  ]);
  assert.deepEqual(problems(stack(team({ quota: { cpu: 8 } }))), [`${q}.cpu: expected a string; write "8" in quotes: YAML reads 8 as a number`]);
  assert.deepEqual(problems(stack(team({ quota: {} }))), [`${q}: is empty; remove quota (no limit) or set at least one of cpu, memory, gpu, storage, pods`]);
  // A quota whose only field is invalid is not also called empty.
  assert.deepEqual(keys(problems(stack(team({ quota: { gpu: "1" } })))), [`${q}.gpu`]);
  assert.deepEqual(keys(problems(stack(team({ quota: { gpus: 1 } })))), [`${q}.gpus`]);
});

test("cloudAccess: bucket names by the GCS and S3 rules, each once, and not on existing clusters", () => {
  const b = "platform:kubeflow.teams[0].cloudAccess";
  const nameMsg = 'expected a bucket name: 3-63 characters of a-z, 0-9, "-" and ".", starting and ending with a letter or digit (the rules GCS and S3 share)';
  const names = ["ab", "Acme-Data", "-acme", "acme-", "acme_data", "a".repeat(64)];
  assert.deepEqual(
    problems(stack(team({ cloudAccess: { buckets: [...names.map((name) => ({ name, access: "read" })), { name: "abc", access: "write" }] } }))),
    [
      ...names.map((n, i) => `${b}.buckets[${i}].name: ${nameMsg} (found ${n.length > 60 ? `${JSON.stringify(n).slice(0, 57)}...` : JSON.stringify(n)})`),
      `${b}.buckets[6].access: expected one of read|readWrite (found "write")`,
    ],
  );
  assert.doesNotThrow(() => validateConfig("t", stack(team({ cloudAccess: { buckets: [{ name: "abc", access: "read" }, { name: "a".repeat(63), access: "readWrite" }, { name: "acme.data-1", access: "read" }] } })), secretKeys));
  assert.deepEqual(problems(stack(team({ cloudAccess: { buckets: [{ name: "acme-datasets", access: "read" }, { name: "acme-datasets", access: "readWrite" }] } }))), [
    `${b}.buckets[1].name: bucket "acme-datasets" is listed twice (also buckets[0]); list it once, with one access level`,
  ]);
  assert.deepEqual(problems(stack(team({ cloudAccess: { buckets: [] } }))), [`${b}.buckets: list at least one bucket, or remove cloudAccess (found [])`]);
  assert.deepEqual(problems(existing({ teams: [{ name: "sandbox", owner: "admin@example.com", cloudAccess: { buckets: [{ name: "acme-datasets", access: "read" }] } }] })), [
    "platform:kubeflow.teams[0].cloudAccess: an existing cluster has no cloud identity to grant access to GCS or S3 buckets; remove cloudAccess and give the team's workloads credentials directly",
  ]);
});

test("group names are DNS labels and groups list valid emails", () => {
  assert.deepEqual(problems(stack({ groups: { Data_Science: ["bob@acme.example"], ops: ["not-an-email"] } })).sort(), [
    'platform:kubeflow.groups.Data_Science: invalid key: a group name is a lowercase DNS label: a-z, 0-9 and "-", starting with a letter, e.g. data-science',
    'platform:kubeflow.groups.ops[0]: expected an email address such as alice@acme.example (found "not-an-email")',
  ]);
});

test("KServe needs Kubeflow, and teams need Kubeflow on", () => {
  assert.deepEqual(problems(stack({ enabled: false, kserve: { enabled: true }, ...team({}) })), [
    "platform:kubeflow.kserve.enabled: KServe runs on Kubeflow, which is disabled (enabled: false); set kserve.enabled: false or enabled: true",
    "platform:kubeflow.teams: teams are Kubeflow Profiles, and Kubeflow is disabled (enabled: false); remove teams or set enabled: true",
  ]);
  assert.deepEqual(validateConfig("t", stack({ enabled: false, kserve: { enabled: false }, teams: [] }), secretKeys).kubeflow, { enabled: false, kserve: { enabled: false }, teams: [] });
});

test("every problem comes at once: six different mistakes, six problems", () => {
  const found = problems(
    stack({
      groups: { ds: ["bob@acme.example"] },
      teams: [
        { name: "kubeflow", owner: "alice@acme.example", groups: [{ group: "sd", role: "view" }] },
        { name: "research", members: [{ email: "carol@acme.example", role: "owner" }] },
        { name: "forecasting", owner: "dan@elsewhere.example", quota: { cpu: "8 cores" } },
      ],
    }),
  );
  assert.deepEqual(keys(found), [
    "platform:kubeflow.teams[0].groups[0].group",
    "platform:kubeflow.teams[0].name",
    "platform:kubeflow.teams[1].members[0].role",
    "platform:kubeflow.teams[1].owner",
    "platform:kubeflow.teams[2].owner",
    "platform:kubeflow.teams[2].quota.cpu",
  ]);
});

test("unknown keys in platform:kubeflow are named with a suggestion", () => {
  assert.deepEqual(problems(stack({ teams: [{ name: "research", owner: "alice@acme.example", member: [] }], kserv: { enabled: true } })).sort(), [
    "platform:kubeflow.kserv: unknown key; did you mean kserve?",
    "platform:kubeflow.teams[0].member: unknown key; did you mean members?",
  ]);
});

test("every committed stack has a team, and the local one is owned by the local static user", () => {
  for (const name of ["local", "gke-dev", "eks-dev", "prod", "ephemeral"]) {
    const f = readStackFile(name);
    const c = validateConfig(f.stack, f.config, f.secretKeys);
    assert.ok(c.kubeflow.enabled && c.kubeflow.teams.length > 0, name);
    if (name === "local") assert.ok(c.kubeflow.teams.some((t) => t.owner === "admin@example.com"), "local team owner");
  }
});

test("the plan CLI exits 1 and names the key of a bad team", () => {
  const file = join(mkdtempSync(join(tmpdir(), "config-kubeflow-")), "Pulumi.kf.yaml");
  writeFileSync(
    file,
    [
      "config:",
      "  platform:tier: local",
      "  platform:cloud: { kind: existing }",
      "  platform:dns: { domain: 127.0.0.1.sslip.io }",
      "  platform:identity:",
      "    emailDomains: [example.com]",
      "    staticUsers:",
      "      - { email: admin@example.com, username: admin, password: { secure: v1:x } }",
      "  platform:kubeflow:",
      "    teams:",
      "      - name: sandbox",
      "        owner: admin@example.com",
      "        members:",
      "          - { email: bob@other.example, role: edit }",
      "",
    ].join("\n"),
  );
  const r = runTool("plan", file, "--json");
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, "");
  assert.equal(
    r.stderr,
    "invalid stack configuration (1 problem):\n" +
      '  - platform:kubeflow.teams[0].members[0].email: "bob@other.example" is outside platform:identity.emailDomains (example.com), so oauth2-proxy would turn this user away at sign-in; use an address in one of those domains, or add the domain to platform:identity.emailDomains\n',
  );
});

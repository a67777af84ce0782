// Kubeflow's configuration, platform:kubeflow: whether Kubeflow and KServe run, and the teams
// that use it. A team is one Kubeflow Profile (and the namespace of the same name) with an
// owner, members, an optional ResourceQuota and access to existing buckets. Kubeflow knows
// users only, not groups, so named groups of emails are expanded into each team's members here.
// Schema, defaults and rules live here; resolve.ts calls resolveKubeflow.
import { z } from "zod";
import { keyPath, quoted, type Problem } from "./errors";
import { isInvalid, present, type Invalid } from "./partial";
import type { Tier } from "./schema";

export const teamRoles = ["edit", "view"] as const;
export type TeamRole = (typeof teamRoles)[number];

/**
 * Namespaces the platform (or Kubernetes, Istio, Knative, Kubeflow) uses: a team of that name would
 * make its Profile adopt, and its owner administer, a system namespace. Any name starting with one of
 * reservedNamespacePrefixes is reserved too.
 */
export const reservedNamespaces = [
  "default",
  "kube-system",
  "kube-public",
  "kube-node-lease",
  "kubeflow",
  "kubeflow-system",
  "istio-system",
  "istio-ingress",
  "cert-manager",
  "auth",
  "oauth2-proxy",
  "external-dns",
  "mlflow",
  "minio",
  "cnpg-system",
  "postgres",
  "postgres-setup",
  "knative-serving",
  "observability",
  "monitoring",
] as const;
export const reservedNamespacePrefixes = ["kube-", "istio-"] as const;

/**
 * The longest team name. The name is the team's namespace, and KServe names each model's hostname and
 * services <model>-<namespace> (plus suffixes such as -predictor) within one 63-character DNS label.
 */
export const maxTeamNameLength = 40;

const dnsLabel = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A Kubernetes quantity in canonical syntax (k8s.io/apimachinery resource.Quantity): a non-negative
 * decimal number and an optional suffix, binary (Ki..Ei), decimal (m, k, M..E) or an exponent (e3).
 */
export const quantityPattern = /^(\d+(\.\d+)?|\.\d+)([KMGTPE]i|[eE][-+]?\d+|[mkMGTPE])?$/;

/** GCS and S3 bucket names, the rules both share: 3-63 characters of a-z, 0-9, "-", ".", starting and ending with a letter or digit. */
const bucketNamePattern = /^[a-z0-9][-a-z0-9.]{1,61}[a-z0-9]$/;

/** Why `name` cannot be a team name (each reason separately), or nothing. */
export function teamNameProblems(name: string): string[] {
  const out: string[] = [];
  if (!dnsLabel.test(name)) {
    out.push(`${quoted(name)} is not a lowercase DNS label: use a-z, 0-9 and "-", starting with a letter and ending with a letter or digit (it becomes the team's namespace), e.g. research`);
  }
  if (name.length > maxTeamNameLength) {
    out.push(
      `${quoted(name)} is ${name.length} characters; at most ${maxTeamNameLength}: the team name is its namespace, and KServe names each model's ` +
        "hostname and services <model>-<namespace> within one 63-character DNS label, so the rest is left for model names",
    );
  }
  const prefix = reservedNamespacePrefixes.find((p) => name.startsWith(p));
  if ((reservedNamespaces as readonly string[]).includes(name) || prefix) {
    out.push(
      `${quoted(name)} is ${prefix ? `in the ${prefix}* namespaces` : "a namespace"} the platform or Kubernetes uses; choose another team name ` +
        `(reserved: ${reservedNamespaces.join(", ")}, and every name starting with ${reservedNamespacePrefixes.join(" or ")})`,
    );
  }
  return out;
}

const emailMessage = "expected an email address such as alice@acme.example";
const email = (required: string) => z.email({ error: (iss) => (iss.input === undefined ? `required: ${required}` : emailMessage) });
const isEmail = (s: string) => z.email().safeParse(s).success;

/**
 * A team's name and owner are only typed here: their rules run in resolveKubeflow, because a required
 * field that fails its schema drops the whole team (partial.ts), and with it every other rule on the team.
 */
const required = (what: string) => z.string({ error: (iss) => (iss.input === undefined ? `required: ${what}` : "expected a string") });

const role = z.enum(teamRoles, {
  error: (iss) =>
    iss.input === undefined
      ? "required: edit or view"
      : "expected one of edit|view: edit may create and change the team's notebooks, pipelines and models, view may only look at them",
});

/** memory and storage in "m" (milli) are a slip for Mi or M: 128m is 0.128 bytes. */
const quantity = (bytes: boolean) =>
  z.string().superRefine((s, ctx) => {
    if (!quantityPattern.test(s)) {
      ctx.addIssue({
        code: "custom",
        message: `expected a Kubernetes quantity: a number with an optional suffix and no spaces or sign, e.g. ${bytes ? '"32Gi", "500Mi" or "1Ti"' : '"8", "0.5" or "500m"'}`,
      });
    } else if (bytes && s.endsWith("m")) {
      const n = s.slice(0, -1);
      ctx.addIssue({ code: "custom", message: `m means milli (1/1000), so this is ${n}/1000 of a byte; write ${n}Mi (mebibytes) or ${n}M (megabytes)` });
    }
  });

const count = (what: string) =>
  z
    .number()
    // zod reports a fraction as a type error, which gets no "(found ...)" of its own.
    .int({ error: (iss) => `expected a whole number of ${what} (found ${String(iss.input)})` })
    .min(0, { message: `expected a whole number of ${what}, 0 or more` });

export const quotaKeys = ["cpu", "memory", "gpu", "storage", "pods"] as const;

const quota = z.strictObject({
  /** CPU requests across the namespace, e.g. "8" or "500m". */
  cpu: quantity(false).optional(),
  /** Memory requests across the namespace, e.g. 32Gi. */
  memory: quantity(true).optional(),
  /** NVIDIA GPUs (nvidia.com/gpu) requested across the namespace. */
  gpu: count("GPUs (nvidia.com/gpu)").optional(),
  /** Persistent volume claims' requested storage, e.g. 200Gi. */
  storage: quantity(true).optional(),
  /** Pods in the namespace. */
  pods: count("pods").optional(),
});

const bucketAccess = z.strictObject({
  name: z.string().regex(bucketNamePattern, {
    message: 'expected a bucket name: 3-63 characters of a-z, 0-9, "-" and ".", starting and ending with a letter or digit (the rules GCS and S3 share)',
  }),
  access: z.enum(["read", "readWrite"], {
    error: (iss) => (iss.input === undefined ? "required: read or readWrite" : "expected one of read|readWrite"),
  }),
});

/** KServe names a model's Service <model>-predictor (kserve v0.16.0 constants.PredictorServiceName): one DNS label. */
export const predictorSuffix = "-predictor";

/**
 * Why `model` cannot be a served model of team `team` (each reason separately), or nothing. Its name
 * is the InferenceService's; the program routes https://<model>-<team>.models.<domain> to its predictor.
 */
export function modelNameProblems(model: string, team: string): string[] {
  const out: string[] = [];
  if (!dnsLabel.test(model)) {
    out.push(`${quoted(model)} is not a lowercase DNS label: use a-z, 0-9 and "-", starting with a letter and ending with a letter or digit (the InferenceService's name), e.g. sklearn-iris`);
    return out;
  }
  const label = `${model}-${team}`;
  if (label.length > 63) {
    out.push(
      `${quoted(model)} makes the model's host label ${quoted(label)} ${label.length} characters; at most 63 (one DNS label: <model>-<team>.models.<domain>), ` +
        `so this team's model names have at most ${Math.max(0, 62 - team.length)} characters`,
    );
  } else if (model.length + predictorSuffix.length > 63) {
    out.push(`${quoted(model)} is ${model.length} characters; at most ${63 - predictorSuffix.length}: KServe names its Service ${quoted(model + predictorSuffix)}, one 63-character DNS label`);
  }
  return out;
}

const team = z.strictObject({
  /** The Profile and its namespace (rules: teamNameProblems). */
  name: required("the team's name (its Kubeflow Profile and namespace), e.g. research"),
  /** The Profile owner: administers the team's namespace. An email (checked in resolveKubeflow). */
  owner: required("the team's owner email (the Profile owner)"),
  members: z.array(z.strictObject({ email: email("the member's email"), role })).optional(),
  /** Named groups from platform:kubeflow.groups, expanded into members. */
  groups: z
    .array(
      z.strictObject({
        group: z.string({ error: (iss) => (iss.input === undefined ? "required: the name of a group in platform:kubeflow.groups" : "expected a string") }).min(1),
        role,
      }),
    )
    .optional(),
  quota: quota.optional(),
  /** Existing buckets (not created by the platform) the team's workloads may use. */
  cloudAccess: z
    .strictObject({
      buckets: z.array(bucketAccess).min(1, { message: "list at least one bucket, or remove cloudAccess" }),
    })
    .optional(),
  /** KServe models the program publishes at https://<name>-<team>.models.<domain> (rules: modelNameProblems). */
  models: z.array(z.strictObject({ name: required("the model's name: the InferenceService it serves, e.g. sklearn-iris") })).optional(),
});

export const kubeflow = z.strictObject({
  /** Default: on, on every tier. */
  enabled: z.boolean().optional(),
  /** KServe model serving. Default: on when Kubeflow is. */
  kserve: z.strictObject({ enabled: z.boolean().optional() }).optional(),
  /** Named lists of emails; Kubeflow has no groups, so teams expand them into members. */
  groups: z
    .record(
      z.string().regex(dnsLabel, { message: 'a group name is a lowercase DNS label: a-z, 0-9 and "-", starting with a letter, e.g. data-science' }).max(63),
      z.array(email("a member's email")).min(1, { message: "a group lists at least one email; add its members or remove the group" }),
    )
    .optional(),
  teams: z.array(team).optional(),
});
export type KubeflowInput = z.infer<typeof kubeflow>;

export interface TeamMember {
  /** Lowercased. */
  email: string;
  role: TeamRole;
}
export interface TeamQuota {
  cpu?: string;
  memory?: string;
  gpu?: number;
  storage?: string;
  pods?: number;
}
export interface TeamBucketAccess {
  name: string;
  access: "read" | "readWrite";
}
export interface TeamModel {
  /** The InferenceService in the team's namespace, and the first part of its host. */
  name: string;
}
export interface TeamSettings {
  /** The Kubeflow Profile and its namespace. */
  name: string;
  /** The Profile owner, lowercased. */
  owner: string;
  /** Members and expanded groups, each email once with its strongest role; never the owner. */
  members: TeamMember[];
  quota?: TeamQuota;
  buckets: TeamBucketAccess[];
  /** Models published by the program (README "Serve a model"). */
  models: TeamModel[];
}
export interface KubeflowSettings {
  enabled: boolean;
  kserve: { enabled: boolean };
  teams: TeamSettings[];
}

const root = "platform:kubeflow";

/**
 * KFAM's name for a contributor's RoleBinding and AuthorizationPolicy (kubeflow/kubeflow v1.10
 * access-management getBindingName): User-<email, non-alphanumeric runs as "-">-ClusterRole-<role>,
 * lowercased, then every run of non-alphanumerics, "-" included, collapsed into one "-". KFAM finds a
 * binding by this name when the dashboard removes a contributor, so it must match exactly.
 */
export function kfamBindingName(email: string, role: TeamRole): string {
  const raw = ["User", email.replace(/[^a-zA-Z0-9]+/g, "-"), "ClusterRole", role].join("-").toLowerCase();
  return raw.replace(/[^a-z0-9]+/g, "-");
}

/** Why `email` may not sign in, given platform:identity.emailDomains; undefined if it may ("*" allows any). */
function domainProblem(email: string, domains: readonly string[] | undefined): string | undefined {
  if (!domains || domains.includes("*")) return undefined;
  const domain = email.slice(email.lastIndexOf("@") + 1).toLowerCase();
  if (domains.includes(domain)) return undefined;
  return (
    `${quoted(email)} is outside platform:identity.emailDomains (${domains.join(", ")}), so oauth2-proxy would turn this user away at sign-in; ` +
    "use an address in one of those domains, or add the domain to platform:identity.emailDomains"
  );
}

/**
 * Applies defaults and rules to platform:kubeflow. `cloudKind` is undefined when platform:cloud is invalid;
 * `emailDomains` is platform:identity.emailDomains (default ["*"]), undefined when that is invalid or missing
 * (then the domain rule is skipped). Kubeflow has no tier-dependent defaults: it is on, with KServe, everywhere.
 */
export function resolveKubeflow(
  _tier: Tier | undefined,
  cloudKind: "gke" | "eks" | "existing" | undefined,
  k: KubeflowInput,
  emailDomains: readonly string[] | undefined,
  problems: Problem[],
  invalid: Invalid,
): KubeflowSettings {
  const enabled = k.enabled ?? true;
  const kserveEnabled = k.kserve?.enabled ?? enabled;
  if (!enabled && k.kserve?.enabled === true) {
    problems.push({ key: `${root}.kserve.enabled`, message: "KServe runs on Kubeflow, which is disabled (enabled: false); set kserve.enabled: false or enabled: true" });
  }
  const teamList = k.teams ?? [];
  if (!enabled && present(teamList).length > 0) {
    problems.push({ key: `${root}.teams`, message: "teams are Kubeflow Profiles, and Kubeflow is disabled (enabled: false); remove teams or set enabled: true" });
  }

  // Groups: each email checked once, where it is written; teams use the lowercased lists.
  const groups = new Map<string, string[]>();
  for (const [name, emails] of Object.entries(k.groups ?? {})) {
    const groupKey = keyPath(`${root}.groups`, [name]);
    for (const [e, j] of present(emails)) {
      const problem = domainProblem(e, emailDomains);
      if (problem) problems.push({ key: `${groupKey}[${j}]`, message: problem });
    }
    groups.set(name, [...new Set(present(emails).map(([e]) => e.toLowerCase()))]);
  }

  const teamIndex = new Map<string, number>();
  const teams = present(teamList).map(([t, i]): TeamSettings => {
    const key = `${root}.teams[${i}]`;
    for (const message of teamNameProblems(t.name)) problems.push({ key: `${key}.name`, message });
    const first = teamIndex.get(t.name);
    if (first !== undefined) {
      problems.push({
        key: `${key}.name`,
        message: `duplicate team name ${quoted(t.name)} (also teams[${first}]); each team is one Profile and namespace, so rename one or merge the two`,
      });
    } else teamIndex.set(t.name, i);

    const owner = t.owner.toLowerCase();
    const ownerProblem = isEmail(t.owner) ? domainProblem(t.owner, emailDomains) : `${emailMessage} (found ${quoted(t.owner)})`;
    if (ownerProblem) problems.push({ key: `${key}.owner`, message: ownerProblem });

    // Explicit members: each once, never the owner.
    const roles = new Map<string, TeamRole>();
    /** Where each member's role comes from: members[j].email or groups[j].group. */
    const roleFrom = new Map<string, string>();
    const listedAt = new Map<string, number>();
    for (const [m, j] of present(t.members ?? [])) {
      const memberKey = `${key}.members[${j}].email`;
      const e = m.email.toLowerCase();
      const problem = domainProblem(m.email, emailDomains);
      if (problem) problems.push({ key: memberKey, message: problem });
      if (e === owner) {
        problems.push({ key: memberKey, message: `${quoted(m.email)} is the team's owner, who already has full access to the team (the Profile owner); remove this member entry` });
        continue;
      }
      const before = listedAt.get(e);
      if (before !== undefined) {
        problems.push({ key: memberKey, message: `${quoted(m.email)} is listed twice (also members[${before}]); list each member once, with one role` });
        continue;
      }
      listedAt.set(e, j);
      roles.set(e, m.role);
      roleFrom.set(e, memberKey);
    }

    // Groups expand into members; overlap with members or other groups is fine: the stronger role (edit) wins.
    const groupAt = new Map<string, number>();
    for (const [g, j] of present(t.groups ?? [])) {
      const refKey = `${key}.groups[${j}].group`;
      const before = groupAt.get(g.group);
      if (before !== undefined) {
        problems.push({ key: refKey, message: `group ${quoted(g.group)} is listed twice (also groups[${before}]); list it once, with one role` });
        continue;
      }
      groupAt.set(g.group, j);
      const emails = groups.get(g.group);
      if (!emails) {
        // A group that was written but is invalid is reported where it is defined.
        if (!isInvalid(invalid, keyPath(`${root}.groups`, [g.group]))) {
          const known = [...groups.keys()];
          problems.push({
            key: refKey,
            message: `unknown group ${quoted(g.group)}; define it under platform:kubeflow.groups (${known.length > 0 ? `defined: ${known.join(", ")}` : "none is defined"})`,
          });
        }
        continue;
      }
      for (const e of emails) {
        if (e === owner) continue; // the owner has full access already
        if (roles.get(e) !== "edit") {
          roles.set(e, g.role);
          roleFrom.set(e, refKey);
        }
      }
    }

    // KFAM's names fold every non-alphanumeric run into "-": a.b@x and a-b@x would be one RoleBinding.
    const bindingOf = new Map<string, string>();
    for (const [e, r] of roles) {
      const name = kfamBindingName(e, r);
      const other = bindingOf.get(name);
      if (other !== undefined) {
        problems.push({
          key: roleFrom.get(e)!,
          message:
            `${quoted(e)} and ${quoted(other)} (${roleFrom.get(other)!.slice(key.length + 1)}) would share the ${r} binding ${quoted(name)}: Kubeflow (KFAM) ` +
            'names a contributor\'s binding after the email with each run of characters other than a-z and 0-9 as "-", so one would replace the other; keep one, or give them different roles',
        });
      } else bindingOf.set(name, e);
    }

    let teamQuota: TeamQuota | undefined;
    if (t.quota) {
      const quotaKey = `${key}.quota`;
      teamQuota = Object.fromEntries(quotaKeys.filter((q) => t.quota?.[q] !== undefined).map((q) => [q, t.quota?.[q]])) as TeamQuota;
      if (Object.keys(teamQuota).length === 0 && !isInvalid(invalid, quotaKey)) {
        problems.push({ key: quotaKey, message: `is empty; remove quota (no limit) or set at least one of ${quotaKeys.join(", ")}` });
      }
    }

    if (t.cloudAccess && cloudKind === "existing") {
      problems.push({
        key: `${key}.cloudAccess`,
        message: "an existing cluster has no cloud identity to grant access to GCS or S3 buckets; remove cloudAccess and give the team's workloads credentials directly",
      });
    }
    const buckets: TeamBucketAccess[] = [];
    const bucketAt = new Map<string, number>();
    for (const [b, j] of present(t.cloudAccess?.buckets ?? [])) {
      const before = bucketAt.get(b.name);
      if (before !== undefined) {
        problems.push({ key: `${key}.cloudAccess.buckets[${j}].name`, message: `bucket ${quoted(b.name)} is listed twice (also buckets[${before}]); list it once, with one access level` });
        continue;
      }
      bucketAt.set(b.name, j);
      buckets.push({ name: b.name, access: b.access });
    }

    // Models: only the program may route to them (team roles cannot create VirtualServices).
    const models: TeamModel[] = [];
    const modelAt = new Map<string, number>();
    if (enabled && !kserveEnabled && present(t.models ?? []).length > 0) {
      problems.push({ key: `${key}.models`, message: "models are served by KServe, which is disabled (kserve.enabled: false); remove models or enable KServe" });
    }
    for (const [m, j] of present(t.models ?? [])) {
      const modelKey = `${key}.models[${j}].name`;
      const before = modelAt.get(m.name);
      if (before !== undefined) {
        problems.push({ key: modelKey, message: `model ${quoted(m.name)} is listed twice (also models[${before}]); list each model once` });
        continue;
      }
      modelAt.set(m.name, j);
      const found = modelNameProblems(m.name, t.name);
      for (const message of found) problems.push({ key: modelKey, message });
      if (found.length === 0) models.push({ name: m.name });
    }

    return {
      name: t.name,
      owner,
      members: [...roles].map(([e, r]) => ({ email: e, role: r })),
      quota: teamQuota,
      buckets,
      models,
    };
  });

  return { enabled, kserve: { enabled: kserveEnabled }, teams };
}

// Compares two offline plans of a stack resource by resource (matched by URN) and property by
// property (microdiff), and predicts what the engine would do: create, update, replace or delete.
// Replacement comes from the providers' ForceNew properties (force-new.ts) and the resource's own
// replaceOnChanges, minus its ignoreChanges; a replaced resource with a fixed physical name is flagged.
// A Chart's values that render into immutable fields of its own resources (chartForceNew: volume
// claim templates, PVC specs) make the Chart a replace, with a warning naming what is replaced inside.
// Secrets are compared by their hash (mock-runtime.ts, secretHashes) and never shown.
import diff from "microdiff";
import { chartForceNewHit, fixedName, forceNewPaths, hits, type ChartForceNew } from "./force-new";
import type { Plan, PlannedResource } from "./mock-runtime";

export type Action = "create" | "update" | "replace" | "delete";

export interface PropertyChange {
  /** Dotted input path, list indexes included (e.g. nodeConfig.taints.0.key). */
  path: string;
  kind: "added" | "removed" | "changed";
  /** Absent for secrets: only the fact that they changed is known. */
  before?: unknown;
  after?: unknown;
  secret?: boolean;
  /** The ForceNew (or replaceOnChanges) path this change hits, when it forces a replacement. */
  replaces?: string;
}

export interface ResourceChange {
  urn: string;
  type: string;
  name: string;
  action: Action;
  changes: PropertyChange[];
  /** Why this replacement needs care (a fixed physical name), if it does. */
  warning?: string;
  /** Lifecycle options that changed (protect, deleteBeforeReplace, ...): engine state only. */
  optionChanges: string[];
}

export interface StackDiff {
  stack: string;
  before?: string;
  after?: string;
  counts: Record<Action, number>;
  resources: ResourceChange[];
  /** Resource types whose replacement rules force-new.ts does not know (their updates may be replaces). */
  unknownTypes: string[];
}

/** URN without its stack, so a plan compares with a renamed copy (e.g. pr-12 against ephemeral). */
const key = (urn: string) => urn.replace(/^urn:pulumi:[^:]*::/, "");
const dotted = (path: (string | number)[]) => path.join(".");
const withoutIndexes = (path: (string | number)[]) => path.filter((p) => typeof p !== "number").join(".");

/** Secret hashes of a resource's inputs, with the "[secret]" placeholders they belong to. */
function secretsOf(r: PlannedResource): Record<string, string> {
  return r.secretHashes ?? {};
}

function isUnderIgnored(path: (string | number)[], ignore: string[]): boolean {
  const p = withoutIndexes(path);
  const full = dotted(path);
  return ignore.some((i) => p === i || p.startsWith(`${i}.`) || full === i || full.startsWith(`${i}.`) || full.startsWith(`${i}[`));
}

/** Property-level changes between two versions of a resource's inputs. */
export function propertyChanges(before: PlannedResource, after: PlannedResource): PropertyChange[] {
  const ignore = after.options?.ignoreChanges ?? [];
  const replaceOn = after.options?.replaceOnChanges ?? [];
  const force = forceNewPaths(after.type) ?? [];
  const out: PropertyChange[] = [];
  const beforeSecrets = secretsOf(before);
  const afterSecrets = secretsOf(after);
  const seenSecret = new Set<string>();
  const chart = after.type === helmChart ? (after.inputs as Record<string, unknown> | undefined)?.chart : undefined;
  const forces = (path: (string | number)[]) => {
    const p = withoutIndexes(path);
    return hits(p, replaceOn.map((r) => r.replace(/\[\d*\*?\]/g, ""))) ?? hits(p, force) ?? chartForceNewHit(chart, p)?.path;
  };

  for (const d of diff(before.inputs ?? {}, after.inputs ?? {})) {
    if (d.path[0] === "__defaults") continue; // provider bookkeeping, not a setting
    if (isUnderIgnored(d.path, ignore)) continue;
    const path = dotted(d.path);
    // A secret whose placeholder stayed "[secret]" is compared below by hash; one that appeared or went is shown without its value.
    const secretAt = [...Object.keys(beforeSecrets), ...Object.keys(afterSecrets)].find((s) => path === s || path.startsWith(`${s}.`));
    if (secretAt) {
      if (seenSecret.has(secretAt)) continue;
      seenSecret.add(secretAt);
      out.push({ path: secretAt, kind: d.type === "CREATE" ? "added" : d.type === "REMOVE" ? "removed" : "changed", secret: true, replaces: forces(secretAt.split(".")) });
      continue;
    }
    const change: PropertyChange = { path, kind: d.type === "CREATE" ? "added" : d.type === "REMOVE" ? "removed" : "changed" };
    if (d.type !== "CREATE") change.before = d.oldValue;
    if (d.type !== "REMOVE") change.after = d.value;
    const rep = forces(d.path);
    if (rep) change.replaces = rep;
    out.push(change);
  }
  // Secrets unchanged as placeholders but with a different value.
  for (const [path, hash] of Object.entries(afterSecrets)) {
    if (seenSecret.has(path) || !(path in beforeSecrets) || beforeSecrets[path] === hash) continue;
    if (isUnderIgnored(path.split("."), ignore)) continue;
    seenSecret.add(path);
    const rep = forces(path.split("."));
    out.push({ path, kind: "changed", secret: true, ...(rep ? { replaces: rep } : {}) });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

const helmChart = "kubernetes:helm.sh/v4:Chart";

/** What a replacing change to a Chart's values does inside the Chart (its rendered resources). */
function chartWarning(after: PlannedResource, changes: PropertyChange[]): string | undefined {
  const chart = (after.inputs as Record<string, unknown> | undefined)?.chart;
  const rules = new Map<string, ChartForceNew>();
  for (const c of changes) {
    const rule = c.replaces ? chartForceNewHit(chart, c.replaces) : undefined;
    if (rule) rules.set(rule.path, rule);
  }
  if (rules.size === 0) return undefined;
  return [...rules.values()]
    .map(
      (r) =>
        `renders ${r.renders} (immutable): the provider deletes and re-creates the StatefulSet under its fixed name (its pods go down), and the existing volumes are reused at their old size: a new size or class does not apply to them`,
    )
    .join("; ");
}

const optionKeys = ["protect", "deleteBeforeReplace", "retainOnDelete", "ignoreChanges", "replaceOnChanges", "deletedWith"] as const;

function optionChanges(before: PlannedResource, after: PlannedResource): string[] {
  const out: string[] = [];
  for (const k of optionKeys) {
    const a = JSON.stringify(before.options?.[k] ?? null);
    const b = JSON.stringify(after.options?.[k] ?? null);
    if (a !== b) out.push(`${k}: ${a} -> ${b}`);
  }
  return out;
}

/** Why a replacement of this resource needs care, or undefined. */
function replacementWarning(before: PlannedResource, after: PlannedResource, changes: PropertyChange[]): string | undefined {
  const oldName = fixedName(before.type, before.inputs ?? {});
  const newName = fixedName(after.type, after.inputs ?? {});
  const warnings: string[] = [];
  if (before.options?.protect) warnings.push("it is protected: the engine refuses to delete it, so the update fails until protect is lifted");
  if (oldName && oldName === newName) {
    const renamed = changes.some((c) => c.replaces && nameLike(c.path));
    if (!renamed) {
      if (after.type.startsWith("kubernetes:")) {
        warnings.push(`fixed name "${oldName}": the Kubernetes provider deletes it before creating the replacement (a gap while it is missing)`);
      } else if (after.options?.deleteBeforeReplace) {
        warnings.push(`fixed name "${oldName}": deleteBeforeReplace is set, so it is deleted first (a gap while it is missing)`);
      } else {
        warnings.push(
          `DANGER fixed physical name "${oldName}": create-before-delete would create a second "${oldName}" beside the old one and collide ("already exists"); ` +
            "use a generated name (namePrefix) or set deleteBeforeReplace and accept the outage",
        );
      }
    }
  }
  return warnings.length > 0 ? warnings.join("; ") : undefined;
}

const nameLike = (path: string) => /(^|\.)(name|namePrefix|nodeGroupName|nodeGroupNamePrefix|bucket|bucketPrefix|identifier|identifierPrefix|accountId|roleId|metadata\.name)$/.test(path);

/** The diff of two plans of one stack. Either side may be absent (a stack added or removed). */
export function diffPlans(before: Plan | undefined, after: Plan | undefined): StackDiff {
  const stack = after?.stack ?? before?.stack ?? "?";
  const real = (r: PlannedResource) => r.type !== "pulumi:pulumi:Stack";
  const olds = new Map((before?.resources ?? []).filter(real).map((r) => [key(r.urn), r]));
  const news = new Map((after?.resources ?? []).filter(real).map((r) => [key(r.urn), r]));
  const resources: ResourceChange[] = [];
  const unknown = new Set<string>();

  for (const [k, r] of news) {
    const old = olds.get(k);
    if (!old) {
      resources.push({ urn: r.urn, type: r.type, name: r.name, action: "create", changes: [], optionChanges: [] });
      continue;
    }
    const changes = propertyChanges(old, r);
    const opts = optionChanges(old, r);
    if (changes.length === 0 && opts.length === 0) continue;
    const replace = changes.some((c) => c.replaces);
    if (!replace && changes.length > 0 && !forceNewPaths(r.type) && !r.type.startsWith("mlops:") && !r.type.startsWith("pulumi:providers:") && r.type !== helmChart) unknown.add(r.type);
    const change: ResourceChange = { urn: r.urn, type: r.type, name: r.name, action: replace ? "replace" : "update", changes, optionChanges: opts };
    if (replace) {
      const warning = r.type === helmChart ? chartWarning(r, changes) : replacementWarning(old, r, changes);
      if (warning) change.warning = warning;
    }
    resources.push(change);
  }
  for (const [k, r] of olds) {
    if (news.has(k)) continue;
    resources.push({
      urn: r.urn,
      type: r.type,
      name: r.name,
      action: "delete",
      changes: [],
      optionChanges: [],
      ...(r.options?.protect ? { warning: "it is protected: the engine refuses the delete until protect is lifted" } : {}),
    });
  }
  // Components (mlops:*) change only through their children; count cloud and cluster resources only.
  const counted = resources.filter((r) => !r.type.startsWith("mlops:"));
  const counts: Record<Action, number> = { create: 0, update: 0, replace: 0, delete: 0 };
  for (const r of counted) counts[r.action]++;
  const order: Record<Action, number> = { replace: 0, delete: 1, create: 2, update: 3 };
  counted.sort((a, b) => order[a.action] - order[b.action] || a.urn.localeCompare(b.urn));
  return { stack, counts, resources: counted, unknownTypes: [...unknown].sort() };
}

/** "N to add, M to change, R to replace, K to delete", or "no changes". */
export function summary(d: StackDiff): string {
  const c = d.counts;
  if (c.create + c.update + c.replace + c.delete === 0) return "no changes";
  return `${c.create} to add, ${c.update} to change, ${c.replace} to replace, ${c.delete} to delete`;
}

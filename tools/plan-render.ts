// The text form of the offline plan: a tree of components and resources, each with its lifecycle
// flags and the settings a reviewer needs (machine types, sizes, spot, GPUs, cluster security,
// chart versions and values), then counts and the deploy's critical path. `--json` has everything.
import { criticalPath } from "./critical-path";
import type { Plan, PlannedResource } from "./mock-runtime";

/** Settings shown first (or only) for the types where a few settings matter most. */
const highlights: Record<string, string[]> = {
  "gcp:container/cluster:Cluster": [
    "name",
    "location",
    "releaseChannel.channel",
    "privateClusterConfig.enablePrivateNodes",
    "privateClusterConfig.masterIpv4CidrBlock",
    "masterAuthorizedNetworksConfig.cidrBlocks",
    "datapathProvider",
    "networkPolicy.provider",
    "workloadIdentityConfig.workloadPool",
    "enableShieldedNodes",
    "deletionProtection",
  ],
  "gcp:container/nodePool:NodePool": [
    "namePrefix",
    "name",
    "nodeConfig.machineType",
    "autoscaling.totalMinNodeCount",
    "autoscaling.totalMaxNodeCount",
    "nodeConfig.spot",
    "nodeConfig.guestAccelerators",
    "nodeConfig.taints",
    "nodeConfig.diskSizeGb",
  ],
  "aws:eks/cluster:Cluster": [
    "name",
    "version",
    "vpcConfig.endpointPublicAccess",
    "vpcConfig.publicAccessCidrs",
    "vpcConfig.endpointPrivateAccess",
    "enabledClusterLogTypes",
    "upgradePolicy.supportType",
    "deletionProtection",
  ],
  "aws:eks/nodeGroup:NodeGroup": [
    "nodeGroupNamePrefix",
    "nodeGroupName",
    "instanceTypes",
    "capacityType",
    "amiType",
    "scalingConfig.minSize",
    "scalingConfig.maxSize",
    "scalingConfig.desiredSize",
    "taints",
    "version",
  ],
};
const maxSettings = 10;

/** A value in one short line: strings bare, long or multi-line text summarised, structures compacted. */
export function compact(v: unknown, depth = 0): string {
  if (typeof v === "string") {
    if (v.includes("\n")) return `<${v.split("\n").length} lines>`;
    return v.length > 60 ? `${v.slice(0, 57)}...` : v;
  }
  if (v === null || typeof v !== "object") return String(v);
  if (depth > 1) return Array.isArray(v) ? `[${v.length}]` : "{...}";
  if (Array.isArray(v)) return `[${v.map((x) => compact(x, depth + 1)).join(", ")}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${k}=${compact(x, depth + 1)}`)
    .join(", ")}}`;
}

/** Leaf settings as dotted paths; arrays stay whole (taints, CIDR lists). */
export function flatten(value: unknown, prefix = ""): [string, unknown][] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return prefix ? [[prefix, value]] : [];
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return prefix ? [[prefix, {}]] : [];
  return entries.flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
}

/** The settings line of one resource. */
export function settings(r: PlannedResource): string {
  const inputs = { ...r.inputs };
  delete inputs.__defaults;
  let leaves: [string, unknown][];
  if (r.type === "kubernetes:helm.sh/v4:Chart") {
    const { chart, version, namespace, values } = inputs as Record<string, unknown>;
    leaves = [["chart", `${chart}@${version}`], ["namespace", namespace], ...flatten(values, "values")];
  } else if (typeof inputs.apiVersion === "string" && typeof inputs.kind === "string") {
    // Kubernetes objects: the type already names apiVersion and kind.
    const { apiVersion: _a, kind: _k, ...rest } = inputs;
    leaves = flatten(rest);
  } else {
    leaves = flatten(inputs);
  }
  const wanted = highlights[r.type];
  const byPath = new Map(leaves);
  const chosen: [string, unknown][] = wanted
    ? wanted.filter((p) => byPath.has(p)).map((p) => [p, byPath.get(p)])
    : leaves.slice(0, maxSettings);
  const hidden = leaves.length - chosen.length;
  const parts = chosen.map(([k, v]) => `${k}=${compact(v)}`);
  if (hidden > 0) parts.push(`(+${hidden} more in --json)`);
  return parts.join("  ");
}

/** Lifecycle flags a reviewer must not miss. */
export function flags(r: PlannedResource): string {
  const o = r.options;
  const out: string[] = [];
  if (o.protect) out.push("protected");
  if (o.deleteBeforeReplace) out.push("delete-before-replace");
  if (o.retainOnDelete) out.push("retained on delete");
  if (o.ignoreChanges.length > 0) out.push(`ignores changes to ${o.ignoreChanges.join(", ")}`);
  if (o.replaceOnChanges.length > 0) out.push(`replaced on changes to ${o.replaceOnChanges.join(", ")}`);
  return out.length > 0 ? `  [${out.join("; ")}]` : "";
}

export function renderTree(plan: Plan): string {
  const children = new Map<string | null, PlannedResource[]>();
  for (const r of plan.resources) {
    const list = children.get(r.parent) ?? [];
    list.push(r);
    children.set(r.parent, list);
  }
  const lines: string[] = [];
  const walk = (parent: string | null, indent: string) => {
    const list = children.get(parent) ?? [];
    list.forEach((r, i) => {
      const last = i === list.length - 1;
      const branch = parent === null ? "" : last ? "└─ " : "├─ ";
      const below = parent === null ? "" : indent + (last ? "   " : "│  ");
      lines.push(`${indent}${branch}${r.type} ${r.name}${flags(r)}`);
      const line = r.type.startsWith("mlops:") || r.type === "pulumi:pulumi:Stack" ? "" : settings(r);
      if (line) lines.push(`${below}${children.has(r.urn) ? "│" : " "}     ${line}`);
      walk(r.urn, below);
    });
  };
  walk(null, "");

  const counts = new Map<string, number>();
  for (const r of plan.resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  const components = plan.resources.filter((r) => r.type.startsWith("mlops:")).length;
  const chain = criticalPath(plan);
  const protectedCount = plan.resources.filter((r) => r.options.protect).length;
  lines.push("", `Deploy depth: ${chain.length} resources in the longest dependency chain:`, `  ${chain.map((r) => r.name).join(" -> ")}`);
  lines.push("", `${plan.resources.length} resources (${components} platform components, ${protectedCount} protected) in stack ${plan.stack}:`);
  for (const [type, n] of [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
    lines.push(`  ${String(n).padStart(4)}  ${type}`);
  }
  return lines.join("\n");
}

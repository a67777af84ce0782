// npm run plan -- <stack | path/to/Pulumi.<stack>.yaml> [--json]
//
// Prints what the stack would create, computed offline under Pulumi's mock
// runtime. Text: a tree of components and resources with key inputs and
// counts. --json: exactly one JSON object {stack, resources[]} on stdout (see
// README, "Plan format"). Exit 0 on success; 1 on invalid configuration (the
// problems on stderr, no stack trace); 2 on usage errors or program bugs.
import { ConfigError } from "../infra/config/load";
import { criticalPath } from "./critical-path";
import type { Plan, PlannedResource } from "./mock-runtime";
import { loadedCloudSdks, planStack } from "./plan-stack";

function usage(): never {
  process.stderr.write("usage: npm run plan -- <stack name | path to Pulumi.<stack>.yaml> [--json]\n");
  process.exit(2);
}

function scalar(v: unknown): string | undefined {
  if (typeof v === "string") return v.length > 48 ? `${JSON.stringify(v.slice(0, 45))}...` : JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

/** A short summary of a resource's inputs: its top-level scalars, and a count of structured ones. */
function keyInputs(r: PlannedResource): string {
  const parts: string[] = [];
  let structured = 0;
  for (const [k, v] of Object.entries(r.inputs)) {
    if (k === "__defaults") continue;
    const s = scalar(v);
    if (s !== undefined) parts.push(`${k}=${s}`);
    else structured++;
  }
  const shown = parts.slice(0, 5);
  if (parts.length > shown.length) shown.push(`+${parts.length - shown.length} more`);
  if (structured > 0) shown.push(`{${structured} structured}`);
  return shown.join(" ");
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
      const inputs = keyInputs(r);
      lines.push(`${indent}${branch}${r.type} ${r.name}${inputs ? `  ${inputs}` : ""}`);
      walk(r.urn, parent === null ? "" : indent + (last ? "   " : "│  "));
    });
  };
  walk(null, "");

  const counts = new Map<string, number>();
  for (const r of plan.resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  const components = plan.resources.filter((r) => r.type.startsWith("mlops:")).length;
  const chain = criticalPath(plan);
  lines.push("", `Deploy depth: ${chain.length} resources in the longest dependency chain:`, `  ${chain.map((r) => r.name).join(" -> ")}`);
  lines.push("", `${plan.resources.length} resources (${components} platform components) in stack ${plan.stack}:`);
  for (const [type, n] of [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
    lines.push(`  ${String(n).padStart(4)}  ${type}`);
  }
  return lines.join("\n");
}

async function main() {
  const args = process.argv.slice(2);
  const json = args.includes("--json");
  const refs = args.filter((a) => a !== "--json");
  if (refs.length !== 1 || refs[0].startsWith("-")) usage();

  const started = process.hrtime.bigint();
  const { plan, outputs } = await planStack(refs[0]);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (json) {
    process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${renderTree(plan)}\n\nOutputs:\n`);
  for (const [k, v] of Object.entries(outputs)) process.stdout.write(`  ${k}: ${JSON.stringify(v)}\n`);
  process.stdout.write(`\nCloud SDKs loaded: ${loadedCloudSdks().join(", ") || "none"}\nPlanned in ${ms.toFixed(0)} ms (offline, mock runtime; nothing was deployed).\n`);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`plan failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(2);
});

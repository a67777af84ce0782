// Text and Markdown forms of plan diffs. The Markdown is a pull-request comment: one collapsible
// section per stack, kept under GitHub's comment limit (65,536 characters) by cutting the detail of
// the largest stacks and pointing at the full diff, which is written whole as a workflow artifact.
import { compact } from "./plan-render";
import { summary, type PropertyChange, type ResourceChange, type StackDiff } from "./plan-diff-core";

/** GitHub's limit on an issue or pull-request comment body, in characters. */
export const commentLimit = 65536;
/** The marker the commenting workflow finds its own comment by (one comment per PR, updated). */
export const commentMarker = "<!-- mlops-plan-diff -->";

const symbol: Record<ResourceChange["action"], string> = { create: "+", update: "~", replace: "+-", delete: "-" };

function value(v: unknown): string {
  return compact(v);
}

function propertyLine(c: PropertyChange): string {
  const tail = c.replaces ? `  (forces replacement: ${c.replaces})` : "";
  if (c.secret) return `${c.path}: [secret] ${c.kind} (value not shown)${tail}`;
  if (c.kind === "added") return `+ ${c.path}: ${value(c.after)}${tail}`;
  if (c.kind === "removed") return `- ${c.path}: ${value(c.before)}${tail}`;
  return `~ ${c.path}: ${value(c.before)} -> ${value(c.after)}${tail}`;
}

function resourceLines(r: ResourceChange): string[] {
  const lines = [`${symbol[r.action].padEnd(2)} ${r.type} ${r.name}${r.action === "replace" ? "  [replace]" : ""}`];
  if (r.warning) lines.push(`     ! ${r.warning}`);
  for (const c of r.changes) lines.push(`       ${propertyLine(c)}`);
  for (const o of r.optionChanges) lines.push(`       option ${o}`);
  return lines;
}

export function renderText(diffs: StackDiff[]): string {
  const out: string[] = [];
  for (const d of diffs) {
    out.push(`Stack ${d.stack}: ${summary(d)}`);
    for (const r of d.resources) out.push(...resourceLines(r).map((l) => `  ${l}`));
    if (d.unknownTypes.length > 0) out.push(`  (replacement rules unknown for ${d.unknownTypes.join(", ")}: their updates may be replacements)`);
    out.push("");
  }
  return out.join("\n").trimEnd();
}

const dangerCount = (d: StackDiff) => d.resources.filter((r) => r.warning?.startsWith("DANGER")).length;

function stackSection(d: StackDiff, detail: boolean): string {
  const danger = dangerCount(d);
  const head = `<details${danger > 0 ? " open" : ""}><summary><b>${d.stack}</b>: ${summary(d)}${danger > 0 ? ` ⚠️ ${danger} dangerous replacement${danger > 1 ? "s" : ""}` : ""}</summary>\n\n`;
  if (d.resources.length === 0) return `${head}No changes.\n\n</details>\n`;
  const body = detail
    ? ["```diff", ...d.resources.flatMap(resourceLines).map((l) => l.replace(/```/g, "'''")), "```"].join("\n")
    : `Detail left out to stay under GitHub's comment limit: ${d.resources.length} resources change; see the full diff.`;
  const unknown = d.unknownTypes.length > 0 ? `\n\nReplacement rules unknown for: ${d.unknownTypes.map((t) => `\`${t}\``).join(", ")}.` : "";
  return `${head}${body}${unknown}\n\n</details>\n`;
}

export interface MarkdownOptions {
  /** Where the full diff is (the workflow run's artifact page), for the truncation note. */
  fullDiffLink?: string;
  limit?: number;
}

/** The whole diff as Markdown, no size limit (the artifact). */
export function renderMarkdownFull(diffs: StackDiff[]): string {
  return [`## Offline plan diff`, "", ...diffs.map((d) => stackSection(d, true))].join("\n");
}

/** The PR comment: under the limit, dropping the detail of the largest stacks first. */
export function renderComment(diffs: StackDiff[], o: MarkdownOptions = {}): string {
  const limit = o.limit ?? commentLimit;
  const total = diffs.reduce((n, d) => n + d.resources.length, 0);
  const header = [
    commentMarker,
    "## Offline plan diff",
    "",
    `Computed offline from both branches' code under Pulumi's mock runtime (no cloud contacted). ${total === 0 ? "No stack changes." : ""}`.trimEnd(),
    "`+` add, `~` change, `+-` replace (a ForceNew property changed), `-` delete. Secrets are compared by hash and never shown.",
    "",
  ].join("\n");
  const pointer = `\n---\nFull diff: ${o.fullDiffLink ? `[the \`plan-diff\` artifact](${o.fullDiffLink})` : "the `plan-diff` artifact of this workflow run"}.\n`;
  const detail = new Set(diffs.map((d) => d.stack));
  const build = () => header + "\n" + diffs.map((d) => stackSection(d, detail.has(d.stack))).join("\n") + pointer;
  let body = build();
  // Largest first, drop detail until it fits.
  const bySize = [...diffs].sort((a, b) => stackSection(b, true).length - stackSection(a, true).length);
  for (const d of bySize) {
    if (body.length <= limit) break;
    detail.delete(d.stack);
    body = build();
  }
  if (body.length > limit) body = `${body.slice(0, limit - pointer.length - 40)}\n\n…(truncated)\n${pointer}`;
  return body;
}

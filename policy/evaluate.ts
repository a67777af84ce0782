// Runs the policies over one stack's resources offline (the plan), as the pack runs them in a preview.
import type { Policy, PolicyContext, PolicyResource, Violation } from "./types";

export function applies(p: Policy, ctx: PolicyContext): boolean {
  return !p.tiers || (ctx.tier !== undefined && p.tiers.includes(ctx.tier));
}

/** The root Stack resource's URN (stack-wide violations are reported on it). */
export function stackUrn(resources: PolicyResource[], stack: string): string {
  const root = resources.find((r) => r.type === "pulumi:pulumi:Stack");
  if (root) return root.urn;
  const project = /^urn:pulumi:[^:]*::([^:]+)::/.exec(resources[0]?.urn ?? "")?.[1] ?? "project";
  return `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
}

export function evaluate(policies: Policy[], resources: PolicyResource[], ctx: PolicyContext): Violation[] {
  const out: Violation[] = [];
  const root = stackUrn(resources, ctx.stack);
  for (const p of policies) {
    if (!applies(p, ctx)) continue;
    if (p.kind === "stack") {
      for (const v of p.checkStack(resources, ctx)) out.push({ policy: p.id, urn: v.urn ?? root, level: p.level, message: v.message });
      continue;
    }
    const types = new Set(p.resourceTypes);
    for (const r of resources) {
      if (!types.has("*") && !types.has(r.type)) continue;
      for (const message of p.check(r, ctx)) out.push({ policy: p.id, urn: r.urn, level: p.level, message });
    }
  }
  return out;
}

// The longest chain of resources that must be created one after another: the
// lower bound on deploy time in steps, whatever the parallelism. Components are
// groupings, not steps, so only the resources the engine creates count.
import type { Plan, PlannedResource } from "./mock-runtime";

const isStep = (r: PlannedResource) => !r.type.startsWith("mlops:") && r.type !== "pulumi:pulumi:Stack";

export function criticalPath(plan: Plan): PlannedResource[] {
  const best = new Map<string, PlannedResource[]>();
  // Registration order is a topological order: a resource registers after everything it waits for.
  for (const r of plan.resources) {
    let longest: PlannedResource[] = [];
    for (const d of r.dependsOn) {
      const chain = best.get(d) ?? [];
      if (chain.length > longest.length) longest = chain;
    }
    best.set(r.urn, isStep(r) ? [...longest, r] : longest);
  }
  let result: PlannedResource[] = [];
  for (const chain of best.values()) if (chain.length > result.length) result = chain;
  return result;
}

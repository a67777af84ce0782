// One side of a plan comparison or a policy run: a committed stack's name, a stack file, a saved
// plan JSON (`npm run plan -- <stack> --json > plan.json`), or a folder of saved plans (<stack>.json).
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import type { Plan } from "./mock-runtime";
import { UsageError } from "./cli";
import { planStack } from "./plan-stack";

/** A plan file or folder that cannot be read as a plan. */
export class PlanInputError extends UsageError {}

const isJson = (ref: string) => ref.endsWith(".json");

/** Reads and checks a saved plan: {stack, resources[]} with a URN and type on every resource. */
export function readPlanJson(path: string): Plan {
  if (!existsSync(path)) throw new PlanInputError(`${path}: no such file`);
  let plan: Plan;
  try {
    plan = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new PlanInputError(`${path}: not JSON (${(e as Error).message}); save a plan with npm run plan -- <stack> --json > ${basename(path)}`);
  }
  if (!plan || typeof plan.stack !== "string" || !Array.isArray(plan.resources)) {
    throw new PlanInputError(`${path}: not a plan: expected {"stack": "...", "resources": [...]} (README, "Plan format")`);
  }
  plan.resources.forEach((r, i) => {
    if (typeof r?.urn !== "string" || typeof r?.type !== "string") throw new PlanInputError(`${path}: resources[${i}] has no urn or type`);
    r.inputs ??= {};
    r.options ??= { protect: false, ignoreChanges: [], deleteBeforeReplace: false, retainOnDelete: false, replaceOnChanges: [], deletedWith: null };
    r.dependsOn ??= [];
    r.name ??= r.urn.split("::").pop()!;
  });
  return plan;
}

/** The plans one reference stands for (several for a folder), keyed by stack name. */
export async function loadPlans(ref: string): Promise<Map<string, Plan>> {
  if (existsSync(ref) && statSync(ref).isDirectory()) {
    const files = readdirSync(ref).filter(isJson).sort();
    if (files.length === 0) throw new PlanInputError(`${ref}: no saved plans (*.json) in this folder`);
    const plans = new Map<string, Plan>();
    for (const f of files) {
      const plan = readPlanJson(join(ref, f));
      plans.set(plan.stack, plan);
    }
    return plans;
  }
  const plan = isJson(ref) ? readPlanJson(ref) : (await planStack(ref)).plan;
  return new Map([[plan.stack, plan]]);
}

/** Exactly one plan (a folder is refused). */
export async function loadPlan(ref: string): Promise<Plan> {
  const plans = await loadPlans(ref);
  if (plans.size !== 1) throw new PlanInputError(`${ref}: a folder of ${plans.size} plans; give one stack, stack file or plan JSON`);
  return [...plans.values()][0];
}

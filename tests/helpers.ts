// Shared test helpers: run a stack (or a variation of one) under mocks and query the plan.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { createCloud } from "../components/cloud";
import type { Cloud } from "../components/cloud/cloud";
import { validateConfig } from "../infra/config/load";
import type { PlatformConfig } from "../infra/config/resolve";
import { runUnderMocks, type Plan, type PlannedResource } from "../tools/mock-runtime";
import { planStack } from "../tools/plan-stack";
import { projectName, readStackFile, repoRoot } from "../tools/stack-file";

/** Runs a tool exactly as its npm script does (tools/run.cjs), e.g. runTool("plan", "local", "--json"). */
export function runTool(tool: "plan" | "check-values" | "check-crds", ...args: string[]) {
  const r = spawnSync(process.execPath, [join(repoRoot, "tools/run.cjs"), join(repoRoot, `tools/${tool}.ts`), ...args], { cwd: repoRoot, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const plans = new Map<string, Plan>();
/** The plan of a committed stack, computed once per test file. */
export async function cachedPlan(name: string): Promise<Plan> {
  if (!plans.has(name)) plans.set(name, (await planStack(name)).plan);
  return plans.get(name)!;
}

export function ofType(plan: Plan, type: string): PlannedResource[] {
  return plan.resources.filter((r) => r.type === type);
}

export function one(plan: Plan, type: string, name: string): PlannedResource {
  const found = plan.resources.filter((r) => r.type === type && r.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
  return found[0];
}

/**
 * Plans a committed stack with `edit` applied to its config map, running `extra` against its cloud.
 * An error thrown by `extra` is returned as `error` (thrown inside the mock stack it would surface
 * as an unhandled rejection).
 */
export async function planVariant(
  ref: string,
  edit: (config: Record<string, string>) => void = () => {},
  extra?: (cloud: Cloud, config: PlatformConfig) => void,
) {
  const file = readStackFile(ref);
  edit(file.config);
  let error: unknown;
  const result = await runUnderMocks({
    project: projectName,
    stack: file.stack,
    config: file.config,
    secretKeys: file.secretKeys,
    program: async () => {
      const config = validateConfig(file.stack, file.config, file.secretKeys);
      const cloud = await createCloud(config);
      try {
        extra?.(cloud, config);
      } catch (e) {
        error = e;
      }
      return {};
    },
  });
  return { ...result, error };
}

/** Every string anywhere inside a value. */
export function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

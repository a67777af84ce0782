// npm run policy -- <stack | path/to/Pulumi.<stack>.yaml | plan.json> [--json]
//
// Runs the platform's policy pack (policy/policies) offline over a stack's plan: the same checks
// `pulumi preview --policy-pack policy` runs, without a cloud or the CLI. The tier comes from the
// stack file (a plan JSON: from stacks/Pulumi.<its stack>.yaml, or pr-<n> = ephemeral).
// --json: exactly {"policies": n, "violations": [{"policy", "urn", "level", "message"}]}.
// Exit 0 without mandatory violations; 1 with any (or on invalid stack configuration); 2 usage/bad input.
import { dirname, join } from "node:path";
import { evaluate } from "../policy/evaluate";
import { policies } from "../policy/policies";
import { tierOf } from "../policy/tier";
import { runCli } from "./cli";
import { loadPlan } from "./plan-input";
import { repoRoot, stackPath } from "./stack-file";

function usage(problem?: string): never {
  if (problem) process.stderr.write(`policy: ${problem}\n`);
  process.stderr.write("usage: npm run policy -- <stack | path/to/Pulumi.<stack>.yaml | plan.json> [--json]\n");
  process.exit(2);
}

async function main() {
  const args = process.argv.slice(2);
  const json = args.includes("--json");
  const refs = args.filter((a) => a !== "--json");
  if (refs.length !== 1 || refs[0].startsWith("-")) usage(refs.length === 1 ? `unknown option ${refs[0]}` : undefined);
  const ref = refs[0];
  const plan = await loadPlan(ref);
  // A stack file's tier is in that file (wherever it is); a plan's, in the committed stack of its name.
  const tier = ref.endsWith(".json") ? tierOf(plan.stack, join(repoRoot, "stacks")) : tierOf(plan.stack, dirname(stackPath(ref)));
  const resources = plan.resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, inputs: r.inputs ?? {}, options: r.options, dependsOn: r.dependsOn ?? [] }));
  const violations = evaluate(policies, resources, { stack: plan.stack, tier });
  const mandatory = violations.filter((v) => v.level === "mandatory");
  if (json) {
    process.stdout.write(`${JSON.stringify({ policies: policies.length, violations }, null, 2)}\n`);
  } else {
    for (const v of violations) process.stdout.write(`${v.level === "mandatory" ? "FAIL" : "warn"} ${v.policy}: ${v.message}\n     ${v.urn}\n`);
    process.stdout.write(
      `${policies.length} policies over ${plan.resources.length} resources of stack ${plan.stack} (tier ${tier ?? "unknown: tier-scoped policies skipped"}): ` +
        `${mandatory.length} mandatory and ${violations.length - mandatory.length} advisory violations.\n`,
    );
  }
  process.exit(mandatory.length > 0 ? 1 : 0);
}

runCli("policy", main);

// npm run plan -- <stack | path/to/Pulumi.<stack>.yaml> [--json]
//
// Prints what the stack would create, computed offline under Pulumi's mock
// runtime. Text: a tree of components and resources with lifecycle flags and
// key settings, and counts (plan-render.ts). --json: exactly one JSON object {stack, resources[]} on stdout (see
// README, "Plan format"). Exit 0 on success; 1 on invalid configuration (the
// problems on stderr, no stack trace); 2 on usage errors or program bugs.
import { runCli } from "./cli";
import { renderTree } from "./plan-render";
import { loadedCloudSdks, planStack } from "./plan-stack";

function usage(): never {
  process.stderr.write("usage: npm run plan -- <stack name | path to Pulumi.<stack>.yaml> [--json]\n");
  process.exit(2);
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

runCli("plan", main);

// npm run plan:diff -- <before> <after> [--json | --markdown [--out <dir>] [--link <url>]]
//
// What would change between two versions of the platform, computed offline: each side is a stack
// name, a stack file, a saved plan JSON (`npm run plan -- <stack> --json`), or a folder of saved
// plans (<stack>.json, matched by stack name; CI saves the base branch's and the PR's this way).
// Prints per stack "N to add, M to change, R to replace, K to delete" and each changed resource
// with its property changes; replacements predicted from the providers' ForceNew properties.
// --json: the diffs as JSON. --markdown: the PR comment body on stdout, and in <dir> (default
// plan-diff/) comment.md, full.md (the whole diff: the artifact) and diff.json.
// Exit 0 (changes or not); 1 invalid stack configuration; 2 usage error or bad input.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Plan } from "./mock-runtime";
import { diffPlans, type StackDiff } from "./plan-diff-core";
import { renderComment, renderMarkdownFull, renderText } from "./plan-diff-render";
import { runCli } from "./cli";
import { loadPlans } from "./plan-input";

function usage(problem?: string): never {
  if (problem) process.stderr.write(`plan:diff: ${problem}\n`);
  process.stderr.write(
    "usage: npm run plan:diff -- <before> <after> [--json | --markdown [--out <dir>] [--link <url>]]\n" +
      "  each side: a stack name, a Pulumi.<stack>.yaml, a plan JSON (npm run plan -- <stack> --json), or a folder of them\n",
  );
  process.exit(2);
}

interface Args {
  before: string;
  after: string;
  json: boolean;
  markdown: boolean;
  out: string;
  link?: string;
}

function parseArgs(argv: string[]): Args {
  const refs: string[] = [];
  const a: Partial<Args> = { json: false, markdown: false, out: "plan-diff" };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === "--json") a.json = true;
    else if (x === "--markdown") a.markdown = true;
    else if (x === "--out" || x === "--link") {
      const v = argv[++i];
      if (!v || v.startsWith("--")) usage(`${x} needs a value`);
      if (x === "--out") a.out = v;
      else a.link = v;
    } else if (x.startsWith("-")) usage(`unknown option ${x}`);
    else refs.push(x);
  }
  if (refs.length !== 2) usage(`expected two plans to compare, got ${refs.length}`);
  if (a.json && a.markdown) usage("--json and --markdown exclude each other");
  return { ...(a as Args), before: refs[0], after: refs[1] };
}

/** Pairs the stacks of both sides: one plan each compares directly; folders match by stack name. */
export function pairStacks(before: Map<string, Plan>, after: Map<string, Plan>): StackDiff[] {
  if (before.size === 1 && after.size === 1) {
    const d = diffPlans([...before.values()][0], [...after.values()][0]);
    return [d];
  }
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  return names.map((n) => diffPlans(before.get(n), after.get(n)));
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  // The two sides load one after the other: a stack run under the mock runtime owns the process while it runs.
  const before = await loadPlans(args.before);
  const after = await loadPlans(args.after);
  const diffs = pairStacks(before, after);
  if (args.json) {
    process.stdout.write(`${JSON.stringify(diffs, null, 2)}\n`);
    return;
  }
  if (args.markdown) {
    const comment = renderComment(diffs, args.link ? { fullDiffLink: args.link } : {});
    mkdirSync(args.out, { recursive: true });
    writeFileSync(join(args.out, "comment.md"), comment);
    writeFileSync(join(args.out, "full.md"), renderMarkdownFull(diffs));
    writeFileSync(join(args.out, "diff.json"), `${JSON.stringify(diffs, null, 2)}\n`);
    process.stdout.write(comment);
    return;
  }
  process.stdout.write(`${renderText(diffs)}\n`);
}

runCli("plan:diff", main);

#!/usr/bin/env node
// Times `npm run plan -- <stack>` end to end against a bare `require` of the SDKs that stack loads,
// side by side, alternating runs so machine load affects both alike. Prints medians and the ratio.
//   npm run bench:plan -- [stack=eks-dev] [runs=5]
"use strict";
const { spawnSync } = require("node:child_process");
const path = require("node:path");

const [stack = "eks-dev", runs = "5"] = process.argv.slice(2);
const root = path.resolve(__dirname, "..");
// The provider SDKs each committed stack loads (GKE also runs a command on destroy; clouds publish DNS, whose cleanup window is a time Sleep).
const gke = ["@pulumi/gcp", "@pulumi/command", "@pulumiverse/time"];
const cloudSdks = { "eks-dev": ["@pulumi/aws", "@pulumiverse/time"], "gke-dev": gke, prod: gke, ephemeral: gke }[stack] ?? [];
const sdks = ["@pulumi/pulumi", "@pulumi/kubernetes", "@pulumi/random", ...cloudSdks];
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function time(cmd, args) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const bare = [];
const plan = [];
time(npm, ["run", "--silent", "plan", "--", stack]); // warm the bundle and the file cache
for (let i = 0; i < Number(runs); i++) {
  bare.push(time(process.execPath, ["-e", sdks.map((s) => `require(${JSON.stringify(s)})`).join(";")]));
  plan.push(time(npm, ["run", "--silent", "plan", "--", stack]));
}
const [b, p] = [median(bare), median(plan)];
process.stdout.write(
  `stack ${stack}, ${runs} runs each (medians):\n` +
    `  bare require of ${sdks.join(", ")}: ${b.toFixed(0)} ms\n` +
    `  npm run plan -- ${stack}: ${p.toFixed(0)} ms\n` +
    `  ratio: ${(p / b).toFixed(2)}x\n`,
);

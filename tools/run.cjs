#!/usr/bin/env node
// Runs one of the project's TypeScript tools (npm run plan, check:values, check:crds) fast and with
// no build step to remember: esbuild bundles the project's own sources into one CommonJS file,
// rebuilt whenever any source it was built from changed (checked by modification time on every
// run), npm packages stay external (a stack still loads only its own cloud SDK), and node runs the
// bundle in this process, without a TypeScript loader hooked into every require of the large SDKs.
//   node tools/run.cjs <tool.ts> [args...]
"use strict";
const { createHash } = require("node:crypto");
const { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } = require("node:fs");
const path = require("node:path");

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write("usage: node tools/run.cjs <tool.ts> [args...]\n");
  process.exit(2);
}
const root = path.resolve(__dirname, "..");
const dir = path.join(root, "node_modules", ".cache", "mlops-tools");
// Keyed by the checkout and the entry: worktrees that share node_modules (a symlink) never share a bundle.
const key = createHash("sha256").update(`${root}\0${path.resolve(entry)}`).digest("hex").slice(0, 12);
const outfile = path.join(dir, `${path.basename(entry).replace(/\.ts$/, "")}-${key}.cjs`);
const inputsFile = `${outfile}.inputs.json`;

/** The bundle is current if it is newer than every file it was built from (and they all still exist). */
function isCurrent() {
  if (!existsSync(outfile) || !existsSync(inputsFile)) return false;
  const built = statSync(outfile).mtimeMs;
  try {
    return JSON.parse(readFileSync(inputsFile, "utf8")).every((f) => statSync(f).mtimeMs < built);
  } catch {
    return false;
  }
}

if (!isCurrent()) {
  const { buildSync } = require("esbuild");
  const result = buildSync({
    entryPoints: [path.resolve(entry)],
    absWorkingDir: root,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    packages: "external",
    outfile,
    write: false,
    metafile: true,
    logLevel: "error",
  });
  mkdirSync(dir, { recursive: true });
  // Write then rename: concurrent runs (CI, parallel tests) never read a half-written bundle.
  const write = (file, contents) => {
    writeFileSync(`${file}.${process.pid}`, contents);
    renameSync(`${file}.${process.pid}`, file);
  };
  write(outfile, result.outputFiles[0].contents);
  write(inputsFile, JSON.stringify(Object.keys(result.metafile.inputs).map((f) => path.resolve(root, f))));
}
// Run the bundle as the main module, as `node bundle.cjs args...` would (tools check require.main).
process.argv = [process.argv[0], outfile, ...args];
require("node:module").runMain();

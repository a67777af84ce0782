// Reads stacks/Pulumi.<stack>.yaml into the flat config map the Pulumi runtime
// uses (parsing shared with the program: infra/config/stack-file.ts). Secure values
// cannot be decrypted offline, so they become obvious placeholders and their keys
// are marked secret, as Pulumi would mark them.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parse } from "yaml";
import { StackFileError } from "../infra/config/errors";
import { readStackDocument, stackFileNameProblem } from "../infra/config/stack-file";

/** The project root: the nearest folder above this file with a Pulumi.yaml (also from a bundled copy in node_modules/.cache). */
export const repoRoot = findProjectRoot(__dirname);
export const projectName: string = parse(readFileSync(join(repoRoot, "Pulumi.yaml"), "utf8")).name;

export interface StackFile {
  stack: string;
  path: string;
  config: Record<string, string>;
  secretKeys: string[];
  /** Full key paths of the values written as {secure: ...}. */
  securePaths: string[];
  /** How numbers and booleans were written, by key path (see StackDocument.sources). */
  sources: Record<string, string>;
}

export const secretPlaceholder = (key: string) => `plan-placeholder-secret(${key})`;

/** A stack reference with a slash or a .yaml/.yml ending is a path; anything else a stack name. */
const isPath = (ref: string) => ref.includes("/") || ref.endsWith(".yaml") || ref.endsWith(".yml");
const stackFileName = /^Pulumi\.(.+)\.ya?ml$/;

/** `local` -> stacks/Pulumi.local.yaml; a path is taken as it is. */
export function stackPath(ref: string): string {
  return isPath(ref) ? resolve(ref) : join(repoRoot, "stacks", `Pulumi.${ref}.yaml`);
}

function stackNameOf(path: string): string {
  return stackFileName.exec(basename(path))?.[1] ?? basename(path).replace(/\.ya?ml$/, "");
}

/** Names of the committed stacks: stacks/Pulumi.<name>.yaml, sorted. */
export function committedStacks(): string[] {
  return readdirSync(join(repoRoot, "stacks"))
    .flatMap((f) => stackFileName.exec(f)?.[1] ?? [])
    .sort();
}

export function readStackFile(ref: string): StackFile {
  const path = stackPath(ref);
  if (!existsSync(path)) {
    const isName = !isPath(ref);
    throw new StackFileError(
      isName ? `stack ${ref}` : path,
      isName
        ? `no such stack: stacks/Pulumi.${ref}.yaml does not exist; available stacks: ${committedStacks().join(", ")} (or give the path to a stack file)`
        : "no such file; give a stack name from stacks/ or the path to a Pulumi.<stack>.yaml file",
    );
  }
  const nameProblem = stackFileNameProblem(basename(path));
  if (nameProblem) throw new StackFileError(path, nameProblem);
  const doc = readStackDocument(path, projectName, secretPlaceholder);
  return { stack: stackNameOf(path), path, config: doc.config, secretKeys: doc.secretKeys, securePaths: doc.securePaths, sources: doc.sources };
}

function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = resolve(dir, "..")) {
    if (existsSync(join(dir, "Pulumi.yaml"))) return dir;
    if (resolve(dir, "..") === dir) throw new Error(`no Pulumi.yaml above ${from}`);
  }
}

// Reads stacks/Pulumi.<stack>.yaml into the flat config map the Pulumi runtime
// uses. Secure values cannot be decrypted offline, so they become obvious
// placeholders and their keys are marked secret, as Pulumi would mark them.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parse } from "yaml";

/** The project root: the nearest folder above this file with a Pulumi.yaml (also from a bundled copy in node_modules/.cache). */
export const repoRoot = findProjectRoot(__dirname);
export const projectName: string = parse(readFileSync(join(repoRoot, "Pulumi.yaml"), "utf8")).name;

export interface StackFile {
  stack: string;
  path: string;
  config: Record<string, string>;
  secretKeys: string[];
}

export const secretPlaceholder = (key: string) => `plan-placeholder-secret(${key})`;

/** `local` -> stacks/Pulumi.local.yaml; anything with a slash or .yaml is taken as a path. */
export function stackPath(ref: string): string {
  if (ref.includes("/") || ref.endsWith(".yaml") || ref.endsWith(".yml")) return resolve(ref);
  return join(repoRoot, "stacks", `Pulumi.${ref}.yaml`);
}

function stackNameOf(path: string): string {
  const m = /^Pulumi\.(.+)\.ya?ml$/.exec(basename(path));
  return m ? m[1] : basename(path).replace(/\.ya?ml$/, "");
}

/** Replaces every {secure: ...} inside a value; returns whether any was found. */
function replaceSecure(value: unknown, path: string): { value: unknown; secret: boolean } {
  if (Array.isArray(value)) {
    let secret = false;
    const out = value.map((v, i) => {
      const r = replaceSecure(v, `${path}[${i}]`);
      secret ||= r.secret;
      return r.value;
    });
    return { value: out, secret };
  }
  if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    if (Object.keys(obj).length === 1 && typeof obj.secure === "string") return { value: secretPlaceholder(path), secret: true };
    let secret = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      const r = replaceSecure(v, `${path}.${k}`);
      secret ||= r.secret;
      out[k] = r.value;
    }
    return { value: out, secret };
  }
  return { value, secret: false };
}

/** Names of the committed stacks: stacks/Pulumi.<name>.yaml, sorted. */
export function committedStacks(): string[] {
  return readdirSync(join(repoRoot, "stacks"))
    .flatMap((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1] ?? [])
    .sort();
}

export function readStackFile(ref: string): StackFile {
  const path = stackPath(ref);
  if (!existsSync(path)) throw new Error(`no stack config at ${path}; stacks are stacks/Pulumi.<name>.yaml`);
  const doc = (parse(readFileSync(path, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [rawKey, rawValue] of Object.entries(doc.config ?? {})) {
    // As in Pulumi, a key without a namespace belongs to the project.
    const key = rawKey.includes(":") ? rawKey : `${projectName}:${rawKey}`;
    const { value, secret } = replaceSecure(rawValue, key);
    if (secret) secretKeys.push(key);
    config[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return { stack: stackNameOf(path), path, config, secretKeys };
}

function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = resolve(dir, "..")) {
    if (existsSync(join(dir, "Pulumi.yaml"))) return dir;
    if (resolve(dir, "..") === dir) throw new Error(`no Pulumi.yaml above ${from}`);
  }
}

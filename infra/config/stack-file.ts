// Reads a stack file (stacks/Pulumi.<stack>.yaml) as Pulumi does: the `config:` mapping,
// keys without a namespace belong to the project, `{secure: ...}` values are encrypted.
// Used by the offline plan (tools/stack-file.ts) and, at `pulumi up`, by loadConfig to
// learn which individual fields were written with --secret (Pulumi itself only reports
// whole top-level keys as secret). Every problem with the file is a StackFileError.
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { isMap, isScalar, isSeq, parse, parseAllDocuments, YAMLError, YAMLWarning, type Document } from "yaml";
import { keyPath, StackFileError } from "./errors";

export interface StackDocument {
  path: string;
  /** The flat config map Pulumi hands the program: structured values as JSON, secure ones replaced. */
  config: Record<string, string>;
  /** Top-level keys holding at least one secure value: Pulumi marks these secret. */
  secretKeys: string[];
  /** The full key path of every secure value, e.g. platform:identity.connectors[0].clientSecret. */
  securePaths: string[];
  /** The values as written, secure ones still {secure: ...}: to check they are what the program was given. */
  raw: Record<string, unknown>;
  /**
   * How each number and boolean was written, by key path (`version: 1.30` -> "1.30", YAML's number 1.3):
   * so that a type error can quote the text to put in quotes.
   */
  sources: Record<string, string>;
}

/** Top-level keys Pulumi itself writes into stack files besides `config`. */
const pulumiFileKeys = ["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"];

function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

export function isSecure(value: unknown): value is { secure: string } {
  return !!value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 1 && typeof (value as { secure?: unknown }).secure === "string";
}

function kindOf(value: unknown): string {
  return value === null ? "nothing" : Array.isArray(value) ? "a list" : typeof value === "object" ? "a mapping" : `a ${typeof value} (${JSON.stringify(value)})`;
}

/** Replaces every {secure: ...} inside a value and records its path. */
function replaceSecure(value: unknown, root: string, path: PropertyKey[], placeholder: (key: string) => string, found: string[]): unknown {
  if (isSecure(value)) {
    const key = keyPath(root, path);
    found.push(key);
    return placeholder(key);
  }
  if (Array.isArray(value)) return value.map((v, i) => replaceSecure(v, root, [...path, i], placeholder, found));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceSecure(v, root, [...path, k], placeholder, found)]));
  }
  return value;
}

/** YAML as Pulumi reads stack files (Go yaml.v3: merge keys `<<: *anchor` work); warnings are reported as problems rather than printed. */
const yamlOptions = { logLevel: "silent", prettyErrors: true, merge: true } as const;
/** Aliases may expand to at most this many nodes (the yaml library's guard against alias bombs). */
const maxAliasCount = 100;

/** The first line of a yaml library message, without its " at line L, column C:" tail. */
function yamlMessage(e: YAMLError): string {
  return e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
}

/** Records the source text of every number and boolean under `node`, by key path. */
function collectSources(node: unknown, root: string, path: PropertyKey[], out: Record<string, string>): void {
  if (isScalar(node)) {
    if (typeof node.value === "number" || typeof node.value === "boolean") out[keyPath(root, path)] = node.source ?? String(node.value);
  } else if (isMap(node)) {
    for (const pair of node.items) {
      const k = isScalar(pair.key) ? pair.key.value : undefined;
      if (typeof k === "string" || typeof k === "number") collectSources(pair.value, root, [...path, String(k)], out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => collectSources(item, root, [...path, i], out));
  }
}

/** The source text of the numbers and booleans under config:, by full key path. */
function sourcesOf(document: Document.Parsed | undefined, projectName: string): Record<string, string> {
  const out: Record<string, string> = {};
  const top = document?.contents;
  if (!isMap(top)) return out;
  const config = top.items.find((p) => isScalar(p.key) && p.key.value === "config")?.value;
  if (!isMap(config)) return out;
  for (const pair of config.items) {
    const k = isScalar(pair.key) ? pair.key.value : undefined;
    if (typeof k !== "string") continue;
    collectSources(pair.value, k.includes(":") ? k : `${projectName}:${k}`, [], out);
  }
  return out;
}

/** Parses YAML text into plain values; every problem is a StackFileError naming the file (and line). */
function parseYaml(file: string, text: string): { value: unknown; document?: Document.Parsed } {
  const at = (e: YAMLError) => (e.linePos?.[0] ? `${file}:${e.linePos[0].line}:${e.linePos[0].col}` : file);
  const docs = parseAllDocuments(text, yamlOptions);
  if (docs.length === 0) return { value: null };
  const [first, second] = docs;
  for (const e of [...first.errors, ...first.warnings]) {
    if (e.code === "TAG_RESOLVE_FAILED") throw new StackFileError(at(e), `${yamlMessage(e)}; stack files hold plain values, remove the tag`);
    throw new StackFileError(at(e), `YAML ${e instanceof YAMLWarning ? "warning" : "syntax error"}: ${yamlMessage(e)}`);
  }
  if (second) {
    const line = second.range ? text.slice(0, second.range[0]).split("\n").length : undefined;
    throw new StackFileError(
      line ? `${file}:${line}` : file,
      "a second YAML document starts here (after ---); Pulumi reads only the first, so keep the whole configuration in one document",
    );
  }
  try {
    return { value: first.toJS({ maxAliasCount }), document: first };
  } catch (e) {
    // The yaml library throws ReferenceError for alias problems (unknown anchors, alias bombs).
    if (e instanceof ReferenceError && /Excessive alias count/.test(e.message)) {
      throw new StackFileError(file, `YAML aliases expand to too many values (more than ${maxAliasCount}, a guard against alias bombs); write the values out or use fewer nested aliases`);
    }
    const alias = e instanceof ReferenceError ? /^Unresolved alias.*: (.+)$/.exec(e.message)?.[1] : undefined;
    if (alias) throw new StackFileError(file, `YAML alias *${alias} has no anchor &${alias} before it; define the anchor first or write the value out`);
    throw new StackFileError(file, `YAML error: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Parses the text of a stack file; `placeholder` stands in for secure values (they cannot be decrypted here). */
export function parseStackDocument(
  path: string,
  text: string,
  projectName: string,
  placeholder: (key: string) => string = (key) => `[secret ${key}]`,
): StackDocument {
  const file = displayPath(path);
  const { value: doc, document } = parseYaml(file, text);
  const shape = "a stack file is a mapping with a top-level config: key, e.g. config: { platform:tier: dev, ... }";
  if (doc === null || doc === undefined) throw new StackFileError(file, `the file is empty; ${shape}`);
  if (typeof doc !== "object" || Array.isArray(doc)) throw new StackFileError(file, `expected a mapping, found ${kindOf(doc)}; ${shape}`);
  const top = doc as Record<string, unknown>;
  const stray = Object.keys(top).filter((k) => !pulumiFileKeys.includes(k));
  if (stray.length > 0) {
    const hint = stray.some((k) => k.includes(":"))
      ? `config keys must be inside the config: mapping; add a line "config:" at the top and indent the keys under it`
      : "remove them or move them under config:";
    throw new StackFileError(file, `unexpected top-level key${stray.length > 1 ? "s" : ""} ${stray.join(", ")}; ${hint}`);
  }
  const body = top.config ?? {};
  if (typeof body !== "object" || Array.isArray(body) || body === null) {
    throw new StackFileError(file, `config: must be a mapping of keys such as platform:tier, found ${kindOf(body)}`);
  }
  const config: Record<string, string> = {};
  const raw: Record<string, unknown> = {};
  const secretKeys: string[] = [];
  const securePaths: string[] = [];
  for (const [rawKey, rawValue] of Object.entries(body)) {
    // As in Pulumi, a key without a namespace belongs to the project.
    const key = rawKey.includes(":") ? rawKey : `${projectName}:${rawKey}`;
    const before = securePaths.length;
    const value = replaceSecure(rawValue, key, [], placeholder, securePaths);
    if (securePaths.length > before) secretKeys.push(key);
    config[key] = typeof value === "string" ? value : JSON.stringify(value);
    raw[key] = rawValue;
  }
  return { path, config, secretKeys, securePaths, raw, sources: sourcesOf(document, projectName) };
}

/** Pulumi's rule for stack names: letters, digits, "-", "_" and ".", at most 100 characters. */
const stackName = /^[A-Za-z0-9_.-]+$/;
const maxStackNameLength = 100;

/**
 * Why a file name is not one Pulumi reads a stack's configuration from (Pulumi.<stack>.yaml or .yml,
 * with a valid stack name), with the fix; undefined if it is.
 */
export function stackFileNameProblem(fileName: string): string | undefined {
  const m = /^Pulumi\.(.*)\.(ya?ml)$/.exec(fileName);
  const sanitize = (name: string) => name.replace(/[^A-Za-z0-9_.-]+/g, "-").replace(/^-+|-+$/g, "");
  if (!m) {
    const suggestion = sanitize(fileName.replace(/\.ya?ml$/, "").replace(/^Pulumi\./, ""));
    return `Pulumi reads a stack's configuration only from a file named Pulumi.<stack>.yaml (or .yml); rename it${suggestion ? `, e.g. to Pulumi.${suggestion}.yaml` : ""}`;
  }
  const [, name, ext] = m;
  if (name === "") return `the stack name between "Pulumi." and ".${ext}" is empty; rename the file to Pulumi.<stack>.${ext}, e.g. Pulumi.dev.${ext}`;
  if (!stackName.test(name)) {
    const bad = [...new Set(name.replace(/[A-Za-z0-9_.-]/g, ""))].map((c) => JSON.stringify(c)).join(" ");
    const suggestion = sanitize(name);
    return (
      `the stack name "${name.length > 60 ? `${name.slice(0, 57)}...` : name}" has characters Pulumi does not accept in stack names (${bad}); ` +
      `use only ASCII letters, digits, "-", "_" and "."${suggestion ? `, e.g. Pulumi.${suggestion}.${ext}` : ""}`
    );
  }
  if (name.length > maxStackNameLength) return `the stack name is ${name.length} characters; Pulumi allows at most ${maxStackNameLength}, so shorten it`;
  return undefined;
}

/** Why a stack file could not be read, with the fix, for the usual file system errors. */
function readProblem(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case "ENOENT":
      return "no such file; give a stack name from stacks/ or the path to a Pulumi.<stack>.yaml file";
    case "EISDIR":
      return "is a directory, not a stack file; give the path to a Pulumi.<stack>.yaml file";
    case "ENOTDIR":
      return "a part of this path is a file, not a directory; check the path";
    case "EACCES":
    case "EPERM":
      return "cannot be read (permission denied); make the file readable";
    case "ELOOP":
      return "is a symbolic link that loops; point it at a real file";
    default:
      return `cannot be read (${e.code ?? e.message}); check the path`;
  }
}

/** Reads and parses a stack file: every problem, from the file system to the YAML, is a StackFileError. */
export function readStackDocument(path: string, projectName: string, placeholder?: (key: string) => string): StackDocument {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new StackFileError(displayPath(path), readProblem(e as NodeJS.ErrnoException));
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new StackFileError(displayPath(path), "is not UTF-8 text; save it as UTF-8");
  }
  return parseStackDocument(path, text, projectName, placeholder);
}

/**
 * The file `pulumi up` read this stack's configuration from: <project dir>/<stackConfigDir>/Pulumi.<stack>.yaml.
 * Undefined when it is not there (configuration from elsewhere, e.g. a CI system or an ESC environment).
 */
export function findStackFile(projectDir: string, stack: string): { path: string; projectName: string } | undefined {
  const projectFile = join(projectDir, "Pulumi.yaml");
  if (!existsSync(projectFile)) return undefined;
  let project: { name?: unknown; stackConfigDir?: unknown };
  try {
    project = (parse(readFileSync(projectFile, "utf8")) ?? {}) as typeof project;
  } catch {
    return undefined;
  }
  const dir = typeof project.stackConfigDir === "string" ? project.stackConfigDir : ".";
  const name = stack.split("/").pop()!;
  for (const ext of ["yaml", "yml"]) {
    const path = join(projectDir, dir, `Pulumi.${name}.${ext}`);
    if (existsSync(path)) return { path, projectName: String(project.name ?? "") };
  }
  return undefined;
}

/**
 * Whether a runtime config value is the one written in the file: equal everywhere except at the
 * file's secure values (which the runtime holds decrypted, or the plan as placeholders).
 */
export function matchesFileValue(runtime: unknown, written: unknown): boolean {
  if (isSecure(written)) return true;
  if (Array.isArray(written)) {
    return Array.isArray(runtime) && runtime.length === written.length && written.every((w, i) => matchesFileValue(runtime[i], w));
  }
  if (written && typeof written === "object") {
    if (!runtime || typeof runtime !== "object" || Array.isArray(runtime)) return false;
    const wk = Object.keys(written);
    const rk = Object.keys(runtime);
    return wk.length === rk.length && wk.every((k) => k in runtime && matchesFileValue((runtime as Record<string, unknown>)[k], (written as Record<string, unknown>)[k]));
  }
  // Pulumi hands scalars over as strings (numbers and booleans included).
  return runtime === written || (written !== null && written !== undefined && String(runtime) === String(written));
}

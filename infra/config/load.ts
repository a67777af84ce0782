// Reads the stack's configuration, validates every section, and either returns
// one typed PlatformConfig or throws a ConfigError that lists every problem.
// Runs before any resource is declared.
import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import { closest, distance } from "fastest-levenshtein";
import type { z } from "zod";
import { ConfigError, keyPath, quoted, type Problem } from "./errors";
import { knownKeysAt, salvage } from "./partial";
import { requiredSections, sections, sectionsWithSecrets, tiers, type SectionName } from "./schema";
import { resolve, type ParsedSections, type PlatformConfig } from "./resolve";
import { findStackFile, isSecure, matchesFileValue, readStackDocument } from "./stack-file";

export { ConfigError, StackFileError, type Problem } from "./errors";

export const namespace = "platform";
const projectNamespace = "mlops-platform";

function describe(value: unknown): string {
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): { found: boolean; value?: unknown } {
  let cur: unknown = root;
  for (const p of path) {
    if (cur === null || typeof cur !== "object" || !((p as string) in (cur as object))) return { found: false };
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return { found: true, value: cur };
}

/** The candidate `word` is a likely misspelling of, if any (edit distance 1, or 2 for longer words). */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(word, candidates);
  const d = distance(word.toLowerCase(), best.toLowerCase());
  return d <= Math.max(1, Math.min(2, Math.floor(word.length / 2))) ? best : undefined;
}

/**
 * An object with a `secure` key that is not a secure value Pulumi recognizes (exactly {secure: "<string>"}):
 * Pulumi hands it to the program as an ordinary object, so it is neither a secret nor the value meant.
 */
function isMalformedSecure(value: unknown): boolean {
  return !!value && typeof value === "object" && !Array.isArray(value) && "secure" in value && !isSecure(value);
}

function malformedSecureMessage(key: string, value: unknown): string {
  return (
    `the secure value is malformed (found ${describe(value)}): secure: must be the one encrypted string pulumi config set --secret writes; ` +
    `set it again with pulumi config set --secret --path '${key}' <value>`
  );
}

const taintEffects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

/**
 * A type error with its fix, for the usual YAML slips: a number or boolean where text is wanted (quote it),
 * text where a number is wanted (unquote it), kubectl's taint shorthand, an empty value, .inf.
 * `source` is how the value was written in the stack file, when known.
 */
function typeFix(expected: string, value: unknown, path: readonly PropertyKey[], source: string | undefined): string | undefined {
  if (value === null && source !== undefined && /^[-+]?\.(inf|Inf|INF|nan|NaN|NAN)$/.test(source)) {
    return `expected ${expected === "number" ? "a whole number" : expected}; YAML reads ${source} as ${/nan/i.test(source) ? "not-a-number" : "infinity"}, which a configuration value cannot hold`;
  }
  if (value === null) {
    return `is empty (nothing after the colon); ${expected === "object" ? "give its settings, indented under it," : expected === "array" ? "give its items" : `give a ${expected}`} or remove the key`;
  }
  if (expected === "string" && (typeof value === "number" || typeof value === "boolean")) {
    const written = source ?? String(value);
    const reads = String(value) === written ? `as a ${typeof value}` : `as the number ${value}`;
    return `expected a string; write ${quoted(written)} in quotes: YAML reads ${written} ${reads}`;
  }
  if (expected === "number" && typeof value === "string" && /^[-+]?\d+(\.\d+)?$/.test(value.trim())) {
    return `expected a number; remove the quotes: ${quoted(value)} is text in YAML`;
  }
  if (expected === "object" && typeof value === "string" && path.at(-2) === "taints") {
    const m = /^([^=:\s]+)(?:=([^:\s]*))?:([A-Za-z]+)$/.exec(value);
    if (m && taintEffects.includes(m[3])) {
      return `${quoted(value)} is kubectl's taint shorthand, which is not accepted here; write the object { key: ${m[1]}${m[2] ? `, value: ${m[2]}` : ""}, effect: ${m[3]} }`;
    }
    return `expected a taint object { key, value, effect }, found the text ${describe(value)}`;
  }
  return undefined;
}

/** Turns zod issues into problems with the full key path, the expectation, and what was found. */
export function zodProblems(
  section: string,
  input: unknown,
  error: z.ZodError,
  schema?: z.ZodType,
  sources: Readonly<Record<string, string>> = {},
  /** Receives the key path each misspelt key stands for (accmeEmail -> tls.acmeEmail): rules on it are skipped. */
  meant: string[] = [],
): Problem[] {
  const out: Problem[] = [];
  const root = `${namespace}:${section}`;
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      const known = schema ? knownKeysAt(schema, input, issue.path) : [];
      for (const k of issue.keys) {
        const parent = valueAt(input, issue.path).value;
        if (k === "secure" && isMalformedSecure(parent)) {
          const key = keyPath(root, issue.path);
          out.push({ key, message: malformedSecureMessage(key, parent) });
          continue;
        }
        const near = nearest(k, known.filter((n) => !issue.keys.includes(n)));
        if (near) meant.push(keyPath(root, [...issue.path, near]));
        out.push({ key: keyPath(root, [...issue.path, k]), message: near ? `unknown key; did you mean ${near}?` : "unknown key; remove it or check its spelling" });
      }
      continue;
    }
    if (issue.code === "invalid_key") {
      // A record's key (labels, annotations): the key itself is the problem.
      out.push({ key: keyPath(root, issue.path), message: `invalid key: ${issue.issues[0]?.message ?? issue.message}` });
      continue;
    }
    const at = valueAt(input, issue.path);
    if (at.found && isMalformedSecure(at.value)) {
      const key = keyPath(root, issue.path);
      out.push({ key, message: malformedSecureMessage(key, at.value) });
      continue;
    }
    const fix = issue.code === "invalid_type" && at.found ? typeFix(issue.expected, at.value, issue.path, sources[keyPath(root, issue.path)]) : undefined;
    if (fix) {
      out.push({ key: keyPath(root, issue.path), message: fix });
      continue;
    }
    let message = issue.message.replace(/^Invalid input: /, "");
    if (!at.found || at.value === undefined) {
      const bare = message.replace(/, received undefined$/, "");
      message = issue.code === "invalid_type" && !bare.startsWith("required") ? `required: ${bare}` : bare;
    } else if (issue.code !== "invalid_type") {
      message += ` (found ${describe(at.value)})`;
    }
    const key = keyPath(root, issue.path);
    out.push({ key, message: message.replace("{key}", key) });
  }
  return out;
}

function parseRaw(key: string, raw: string): unknown {
  // Pulumi stores structured values as JSON and scalars as strings.
  const t = raw.trim();
  if (t.startsWith("{") || t.startsWith("[")) {
    try {
      return JSON.parse(t);
    } catch {
      return raw;
    }
  }
  if (key === "tier") return raw;
  return raw === "true" ? true : raw === "false" ? false : raw;
}

/** Every leaf of a parsed section by key path, and whether it is a secret field (a secretString, now an Output). */
function leaves(value: unknown, key: string, out: Map<string, boolean>): Map<string, boolean> {
  if (pulumi.Output.isInstance(value)) out.set(key, true);
  else if (Array.isArray(value)) value.forEach((v, i) => leaves(v, keyPath(key, [i]), out)); // skips holes
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) leaves(v, keyPath(key, [k]), out);
  else out.set(key, false);
  return out;
}

/**
 * Which values the stack file wrote as {secure: ...}, field by field. Pulumi reports only whole
 * top-level keys as secret, so this comes from the file itself.
 */
export interface SecureFields {
  /** Top-level keys (platform:identity) whose secure values are known field by field. */
  keys: readonly string[];
  /** Full key paths of the values written with --secret, e.g. platform:identity.connectors[0].clientSecret. */
  paths: readonly string[];
}

/**
 * Validates a raw configuration map ({"platform:tier": "dev", ...}); pure, for tests and the program alike.
 * `secretKeys` are the keys Pulumi stores encrypted (set with --secret); `secure`, when the stack file is
 * known, says which fields were written with --secret (otherwise the check is per top-level key).
 */
export function validateConfig(
  stack: string,
  all: Record<string, string>,
  secretKeys: readonly string[] = [],
  secure?: SecureFields,
  /** How numbers and booleans were written in the stack file, by key path, when it is known (for messages). */
  sources?: Readonly<Record<string, string>>,
): PlatformConfig {
  const problems: Problem[] = [];
  const parsed: Record<string, unknown> = {};
  const invalid: string[] = [];
  const known = Object.keys(sections) as SectionName[];
  const qualified = known.map((k) => `${namespace}:${k}`);
  /** Sections the user did write, under a wrong name: not "missing" as well. */
  const misspelt = new Set<string>();

  for (const fullKey of Object.keys(all).sort()) {
    const colon = fullKey.indexOf(":");
    const [ns, key] = [fullKey.slice(0, colon), fullKey.slice(colon + 1)];
    const near = nearest(key, known);
    if (ns === projectNamespace) {
      problems.push({ key: fullKey, message: `this program reads the "${namespace}" namespace; rename the key to ${namespace}:${key}` });
      misspelt.add(key);
    } else if (ns === namespace && !known.includes(key as SectionName)) {
      problems.push({ key: fullKey, message: near ? `unknown key; did you mean ${namespace}:${near}?` : `unknown key; known keys are ${qualified.join(", ")}` });
      if (near) misspelt.add(near);
    } else if (ns !== namespace && nearest(ns, [namespace]) && colon > 0) {
      const target = known.includes(key as SectionName) ? key : near;
      problems.push({
        key: fullKey,
        message: `unknown namespace ${quoted(ns)}; did you mean ${target ? `${namespace}:${target}` : `the "${namespace}" namespace (keys ${qualified.join(", ")})`}?`,
      });
      if (target) misspelt.add(target);
    }
  }
  for (const key of secretKeys) {
    const name = key.slice(namespace.length + 1) as SectionName;
    if (key.startsWith(`${namespace}:`) && known.includes(name) && !sectionsWithSecrets.includes(name)) {
      // A secret here would flow into resource inputs as plain text: only dedicated secret fields are kept secret.
      problems.push({ key, message: "is stored as a secret but has no secret fields; set its values without --secret" });
    }
  }
  for (const name of known) {
    const fullKey = `${namespace}:${name}`;
    const raw = all[fullKey];
    if (raw === undefined) {
      if (requiredSections.includes(name) && !misspelt.has(name)) problems.push({ key: fullKey, message: "required key is missing" });
      continue;
    }
    // The values the stack file wrote with --secret (known field by field only when the file is known).
    const securePaths = secure?.keys.includes(fullKey) ? secure.paths : [];
    if (sectionsWithSecrets.includes(name) && securePaths.includes(fullKey)) {
      problems.push({
        key: fullKey,
        message:
          "is encrypted as a whole (set with --secret but without --path), so the program cannot check its fields one by one; " +
          `write its fields in plain text and set only the secret ones (client secrets, passwords) with pulumi config set --secret --path, e.g. pulumi config set --secret --path '${fullKey}.connectors[0].clientSecret' <value>`,
      });
      invalid.push(fullKey);
      continue;
    }
    if (raw.trim() === "" || raw === "null") {
      // `platform:edge:` with nothing after it.
      problems.push({
        key: fullKey,
        message: `is empty (nothing after the colon); ${name === "tier" ? `set it to one of ${tiers.join(", ")}` : "give its settings, indented under it, or remove the key"}`,
      });
      invalid.push(fullKey);
      continue;
    }
    const input = parseRaw(name, raw);
    const schema = sections[name] as z.ZodType;
    const result = schema.safeParse(input);
    if (result.success) parsed[name] = result.data;
    else {
      // A secure value where the schema wants something else is a secure value in a non-secret field: that is
      // reported once (below, or as a section without secret fields), not also as a schema error about the placeholder.
      const meant: string[] = [];
      const all = zodProblems(name, input, result.error, schema, sources, meant);
      // The key a misspelling stands for was written, under another name: no rule about it missing.
      invalid.push(...meant);
      const atSecure = all.filter((p) => securePaths.includes(p.key));
      problems.push(...all.filter((p) => !securePaths.includes(p.key)));
      if (sectionsWithSecrets.includes(name)) {
        for (const key of new Set(atSecure.map((p) => p.key))) problems.push({ key, message: notSecretField });
      }
      // Keep what did parse, so the cross-field rules still run on it (see partial.ts).
      const dropped: PropertyKey[][] = [];
      const kept = salvage(schema, input, [], dropped);
      if (kept.ok) parsed[name] = kept.data;
      invalid.push(...dropped.map((p) => keyPath(fullKey, p)));
    }
    if (sectionsWithSecrets.includes(name) && parsed[name] !== undefined) {
      problems.push(...secretProblems(fullKey, parsed[name], secretKeys.includes(fullKey), secure, invalid));
    }
  }

  const config = resolve(stack, parsed as ParsedSections, problems, invalid);
  if (!config || problems.length > 0) throw new ConfigError(problems);
  return config;
}

const notSecretField = "is stored as a secret but is not a secret field; it would reach resource inputs in plain text, so set it without --secret";

/** Secret fields must be written with --secret, each of them; other fields must not be. */
function secretProblems(fullKey: string, value: unknown, keyIsSecret: boolean, secure: SecureFields | undefined, invalid: readonly string[]): Problem[] {
  const fields = leaves(value, fullKey, new Map());
  const secretFields = [...fields].filter(([, secret]) => secret).map(([k]) => k);
  if (!secure || !secure.keys.includes(fullKey)) {
    // Without the stack file only whole keys are known to be secret.
    if (secretFields.length > 0 && !keyIsSecret) {
      return [{ key: fullKey, message: "holds client secrets or passwords in plain text; set them with pulumi config set --secret --path" }];
    }
    return [];
  }
  const out: Problem[] = [];
  for (const k of secretFields) {
    if (!secure.paths.includes(k)) {
      out.push({ key: k, message: `is a secret but is written in plain text; set it with pulumi config set --secret --path '${k}' <value>` });
    }
  }
  for (const k of secure.paths) {
    const under = k.startsWith(`${fullKey}.`) || k.startsWith(`${fullKey}[`);
    if (under && fields.get(k) === false && !invalid.some((i) => k === i || k.startsWith(`${i}.`) || k.startsWith(`${i}[`))) {
      out.push({ key: k, message: notSecretField });
    }
  }
  return out;
}

/**
 * At `pulumi up` (the project directory is the working directory): which fields the stack file wrote
 * with --secret, for the keys whose value in the file is the value the program was given. Undefined
 * if the file is not found (config from elsewhere); then only whole keys are checked.
 */
export function secureFieldsFromStackFile(all: Record<string, string>, projectDir: string, stack: string): SecureFields | undefined {
  let found: ReturnType<typeof findStackFile>;
  try {
    found = findStackFile(projectDir, stack);
  } catch {
    return undefined;
  }
  if (!found) return undefined;
  let doc: ReturnType<typeof readStackDocument>;
  try {
    doc = readStackDocument(found.path, found.projectName);
  } catch {
    return undefined; // Pulumi read it, so it is not broken for Pulumi: do not second-guess, fall back.
  }
  const keys = Object.keys(all).filter((k) => k in doc.raw && matchesFileValue(parseRaw("", all[k]), doc.raw[k]));
  return { keys, paths: doc.securePaths };
}

/** Reads the running stack's configuration through the Pulumi runtime. */
export function loadConfig(): PlatformConfig {
  const all = pulumi.runtime.allConfig();
  // isConfigSecret is exported by the SDK at run time but not declared in its typings.
  const { isConfigSecret } = runtimeConfig as unknown as { isConfigSecret(key: string): boolean };
  return validateConfig(
    pulumi.getStack(),
    all,
    Object.keys(all).filter((k) => isConfigSecret(k)),
    secureFieldsFromStackFile(all, process.cwd(), pulumi.getStack()),
  );
}

// Reads the stack's configuration, validates every section, and either returns
// one typed PlatformConfig or throws a ConfigError that lists every problem.
// Runs before any resource is declared.
import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import type { z } from "zod";
import { requiredSections, sections, sectionsWithSecrets, type SectionName } from "./schema";
import { resolve, type ParsedSections, type PlatformConfig, type Problem } from "./resolve";

export const namespace = "platform";
const projectNamespace = "mlops-platform";

/** A configuration error: Pulumi prints RunError messages without a stack trace. */
export class ConfigError extends pulumi.RunError {
  constructor(public readonly problems: Problem[]) {
    super(
      `invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p.key}: ${p.message}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

function describe(value: unknown): string {
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

function valueAt(root: unknown, path: PropertyKey[]): { found: boolean; value?: unknown } {
  let cur: unknown = root;
  for (const p of path) {
    if (cur === null || typeof cur !== "object" || !(p as string in (cur as object))) return { found: false };
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return { found: true, value: cur };
}

/** platform:cloud + ["nodePools", 1, "min"] -> platform:cloud.nodePools[1].min */
function keyPath(section: string, path: PropertyKey[]): string {
  return path.reduce<string>((key, p) => key + (typeof p === "number" ? `[${p}]` : `.${String(p)}`), `${namespace}:${section}`);
}

/** Turns zod issues into problems with the full key path, the expectation, and what was found. */
export function zodProblems(section: string, input: unknown, error: z.ZodError): Problem[] {
  const out: Problem[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const k of issue.keys) {
        out.push({ key: keyPath(section, [...issue.path, k]), message: "unknown key; remove it or check its spelling" });
      }
      continue;
    }
    const at = valueAt(input, issue.path);
    let message = issue.message.replace(/^Invalid input: /, "");
    if (!at.found || at.value === undefined) {
      const bare = message.replace(/, received undefined$/, "");
      message = issue.code === "invalid_type" && !bare.startsWith("required") ? `required: ${bare}` : bare;
    } else if (issue.code !== "invalid_type") {
      message += ` (found ${describe(at.value)})`;
    }
    const key = keyPath(section, issue.path);
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

/**
 * Validates a raw configuration map ({"platform:tier": "dev", ...}); pure, for tests and the program alike.
 * `secretKeys` are the keys Pulumi stores encrypted (set with --secret).
 */
export function validateConfig(stack: string, all: Record<string, string>, secretKeys: readonly string[] = []): PlatformConfig {
  const problems: Problem[] = [];
  const parsed: Record<string, unknown> = {};
  const known = Object.keys(sections) as SectionName[];

  for (const fullKey of Object.keys(all).sort()) {
    const [ns, key] = [fullKey.slice(0, fullKey.indexOf(":")), fullKey.slice(fullKey.indexOf(":") + 1)];
    if (ns === projectNamespace) {
      problems.push({ key: fullKey, message: `this program reads the "${namespace}" namespace; rename the key to ${namespace}:${key}` });
    } else if (ns === namespace && !known.includes(key as SectionName)) {
      problems.push({ key: fullKey, message: `unknown key; known keys are ${known.map((k) => `${namespace}:${k}`).join(", ")}` });
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
    const raw = all[`${namespace}:${name}`];
    if (raw === undefined) {
      if (requiredSections.includes(name)) problems.push({ key: `${namespace}:${name}`, message: "required key is missing" });
      continue;
    }
    const input = parseRaw(name, raw);
    const result = (sections[name] as z.ZodType).safeParse(input);
    if (result.success) parsed[name] = result.data;
    else problems.push(...zodProblems(name, input, result.error));
  }

  const secretSections = secretKeys.filter((k) => k.startsWith(`${namespace}:`)).map((k) => k.slice(namespace.length + 1));
  const config = resolve(stack, parsed as ParsedSections, problems, secretSections);
  if (!config || problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Reads the running stack's configuration through the Pulumi runtime. */
export function loadConfig(): PlatformConfig {
  const all = pulumi.runtime.allConfig();
  // isConfigSecret is exported by the SDK at run time but not declared in its typings.
  const { isConfigSecret } = runtimeConfig as unknown as { isConfigSecret(key: string): boolean };
  return validateConfig(pulumi.getStack(), all, Object.keys(all).filter((k) => isConfigSecret(k)));
}

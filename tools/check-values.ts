// tsx tools/check-values.ts <defaultsDir> [stack ...]
//
// Checks the values of every Helm chart in the offline plan against upstream
// chart defaults laid out as <defaultsDir>/<folder>/<version>/values.yaml (plus
// an optional values.schema.json). Helm silently ignores keys a chart does not
// read, so a typo there is a setting that never takes effect; this reports them.
// Exit 0: no problems; 1: problems found (or a stack failed to plan); 2: usage error.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { isMap, isScalar as isYamlScalar, parseDocument, type Node } from "yaml";
import type { Plan } from "./mock-runtime";
import { committedStacks } from "./stack-file";

export interface Problem {
  chart: string;
  version: string;
  stack: string;
  path: string;
  message: string;
  /** Set when the values could not be checked at all (a subchart whose defaults are not in the folder): a notice, not a failure. */
  unchecked?: true;
}

/** A problem before it is attributed to a stack. */
export type ValueProblem = Omit<Problem, "stack">;

type Json = Record<string, unknown>;
type Schema = Json;

// Helm chart resources in the plan; v3 Release has the same input names.
const chartTypes = new Set(["kubernetes:helm.sh/v4:Chart", "kubernetes:helm.sh/v3:Release"]);

// Istio charts keep every default under this key; users set its children at the top level.
const istioWrapper = "_internal_defaults_do_not_set";
// Valid in every Istio chart although values.yaml omits them: they select files/profile-*.yaml.
const istioTopLevel = ["profile", "platform", "compatibilityVersion", "revision"];
const istioGlobal = ["profile", "platform"];

// Keys whose value charts render verbatim (Kubernetes API objects, Istio's MeshConfig proto),
// so a non-empty default there is an example, not the list of allowed keys.
const passThroughKeys = new Set(["resources", "affinity", "securityContext", "podSecurityContext", "containerSecurityContext", "meshConfig"]);

// Per chart: value paths the chart's templates render verbatim into the program's own config file
// (grafana.ini sections, Tempo's storage and receivers blocks), so their keys are the program's
// (Grafana's, Tempo's), not the chart's; the chart's defaults there are examples.
export const verbatimPaths: Record<string, readonly string[]> = {
  grafana: ['"grafana.ini"'],
  tempo: ["tempo.storage", "tempo.receivers", "tempo.overrides", "tempo.metricsGenerator.storage.remote_write"],
};

// Per chart: subcharts (by the alias the parent's values use) whose keys are checked against the
// subchart's own defaults folder, `<defaultsDir>/<chart>/<version>/`. The parent's values.yaml
// lists only the few keys it overrides.
export const subcharts: Record<string, Record<string, { chart: string; version: string }>> = {
  "mimir-distributed": { rollout_operator: { chart: "rollout-operator", version: "0.37.1" } },
};

// Strings the plan puts where a value is not known offline; nothing to compare.
const placeholders = new Set(["[secret]", "[unknown]"]);

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const isScalar = (v: unknown) => typeof v === "string" || typeof v === "number" || typeof v === "boolean";

/** `a.b."iam.gke.io/x"`: quote segments that would be ambiguous after joining with dots. */
function joinPath(parent: string, key: string): string {
  const segment = /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
  return parent ? `${parent}.${segment}` : segment;
}

// ---- JSON schema ---------------------------------------------------------

/** A local `$ref` (`#/$defs/x`, `#/definitions/x`) as a JSON pointer into the root schema. */
function resolveRef(root: Schema, ref: string): Schema | undefined {
  if (!ref.startsWith("#")) return undefined; // remote refs cannot be followed offline
  let node: unknown = root;
  for (const raw of ref.slice(1).split("/").filter(Boolean)) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    node = isObject(node) ? node[key] : undefined;
  }
  return isObject(node) ? node : undefined;
}

/** The node plus every subschema it refers to or combines: what together describes one value. */
function expand(node: unknown, root: Schema, seen = new Set<Schema>()): Schema[] {
  if (!isObject(node) || seen.has(node)) return [];
  seen.add(node);
  const out: Schema[] = [node];
  if (typeof node.$ref === "string") out.push(...expand(resolveRef(root, node.$ref), root, seen));
  for (const combiner of ["allOf", "anyOf", "oneOf"]) {
    const branches = node[combiner];
    if (Array.isArray(branches)) for (const b of branches) out.push(...expand(b, root, seen));
  }
  return out;
}

/** Schemas that declare `key` under any of `nodes` (by `properties` or a matching `patternProperties`). */
function childSchemas(nodes: Schema[], key: string, root: Schema): Schema[] {
  const out: Schema[] = [];
  for (const n of nodes) {
    if (isObject(n.properties) && Object.hasOwn(n.properties, key)) out.push(...expand(n.properties[key], root));
    if (isObject(n.patternProperties)) {
      for (const [pattern, sub] of Object.entries(n.patternProperties)) {
        if (new RegExp(pattern, "u").test(key)) out.push(...expand(sub, root));
      }
    }
  }
  return out;
}

const typesOf = (n: Schema): unknown[] => (Array.isArray(n.type) ? n.type : [n.type]);
const declaredKeys = (nodes: Schema[]) => nodes.flatMap((n) => (isObject(n.properties) ? Object.keys(n.properties) : []));
const allowsObject = (nodes: Schema[]) => nodes.some((n) => typesOf(n).includes("object") || isObject(n.properties));
const isClosed = (nodes: Schema[]) => nodes.some((n) => n.additionalProperties === false);
/** An object with no declared keys that accepts any (JSON schema's default when additionalProperties is absent). */
const isOpenMap = (nodes: Schema[]) =>
  nodes.some((n) => typesOf(n).includes("object") && !isObject(n.properties) && !isObject(n.patternProperties) && n.additionalProperties !== false);

/** Whether the schema accepts a scalar as far as `enum` goes; anyOf/oneOf need one branch, allOf every one. */
function enumAllows(node: unknown, value: unknown, root: Schema, seen = new Set<Schema>()): boolean {
  if (!isObject(node) || seen.has(node)) return true;
  seen.add(node);
  if (Array.isArray(node.enum) && !node.enum.includes(value)) return false;
  if (typeof node.$ref === "string" && !enumAllows(resolveRef(root, node.$ref), value, root, seen)) return false;
  if (Array.isArray(node.allOf) && !node.allOf.every((b) => enumAllows(b, value, root, seen))) return false;
  for (const combiner of ["anyOf", "oneOf"]) {
    const branches = node[combiner];
    if (Array.isArray(branches) && !branches.some((b) => enumAllows(b, value, root, new Set(seen)))) return false;
  }
  return true;
}

/** The enum values the schema declares for a key, for the message. */
function enumValues(node: unknown, root: Schema): unknown[] {
  return expand(node, root).flatMap((n) => (Array.isArray(n.enum) ? n.enum : []));
}

// ---- defaults directory -------------------------------------------------

interface ChartDefaults {
  values: Json;
  schema?: Schema;
  /** Keys that values.yaml mentions only in comments, by the path of the map they sit in. */
  commented: Map<string, Set<string>>;
}

/** Folders that may hold a chart's defaults: its name, then `istio-<name>` for charts from Istio's repo. */
function folderCandidates(chart: string, repo: string): string[] {
  const name = chart.split("/").pop() ?? chart; // an oci:// chart reference ends in the chart name
  return `${repo} ${chart}`.includes("istio") ? [name, `istio-${name}`] : [name];
}

function resolveFolder(defaultsDir: string, chart: string, version: string, repo: string): string | undefined {
  return folderCandidates(chart, repo).find((folder) => existsSync(join(defaultsDir, folder, version, "values.yaml")));
}

/** Versions present for a chart, so a "no defaults" message says what would have matched. */
function availableVersions(defaultsDir: string, chart: string, repo: string): string[] {
  for (const folder of folderCandidates(chart, repo)) {
    const dir = join(defaultsDir, folder);
    if (existsSync(dir) && statSync(dir).isDirectory()) return readdirSync(dir).sort();
  }
  return [];
}

const loaded = new Map<string, ChartDefaults>();

function loadDefaults(dir: string): ChartDefaults {
  const cached = loaded.get(dir);
  if (cached) return cached;
  const file = join(dir, "values.yaml");
  const doc = parseDocument(readFileSync(file, "utf8"));
  if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
  const values = doc.toJS() ?? {};
  const schemaFile = join(dir, "values.schema.json");
  const schema = existsSync(schemaFile) ? (JSON.parse(readFileSync(schemaFile, "utf8")) as Schema) : undefined;
  // Schemaless charts document optional keys as commented-out lines (`# existingSecret: name`);
  // with a schema, the schema is the list of keys (commented keys it lacks fail `helm install`).
  const commented = new Map<string, Set<string>>();
  if (!schema) commentedKeys(doc.get(istioWrapper, true) ?? doc.contents, "", commented);
  const result: ChartDefaults = { values: isObject(values) ? values : {}, schema, commented };
  loaded.set(dir, result);
  return result;
}

/** Collects `key:` lines from the comments inside each map of values.yaml, by that map's path. */
function commentedKeys(node: unknown, path: string, out: Map<string, Set<string>>): void {
  if (!isMap(node)) return;
  const comments = [node.commentBefore, node.comment];
  for (const pair of node.items) {
    const key = pair.key as Node | null;
    const value = pair.value as Node | null;
    comments.push(key?.commentBefore, key?.comment);
    // A nested map owns the comments before its first key and after its last one.
    if (isMap(value)) {
      if (isYamlScalar(key)) commentedKeys(value, joinPath(path, String(key.value)), out);
    } else comments.push(value?.commentBefore, value?.comment);
  }
  const keys = comments.flatMap((c) => (c ?? "").split("\n")).map((line) => /^\s*([A-Za-z_][\w./-]*):(\s|$)/.exec(line)?.[1]);
  const found = keys.filter((k): k is string => k !== undefined);
  if (found.length > 0) out.set(path, new Set(found));
}

/** Istio's wrapper children plus the keys its templates read without a default. */
function istioDefaults(wrapper: Json): Json {
  const extras = Object.fromEntries(istioTopLevel.map((k) => [k, null]));
  const globalExtras = Object.fromEntries(istioGlobal.map((k) => [k, null]));
  const global = isObject(wrapper.global) ? wrapper.global : {};
  return { ...extras, ...wrapper, global: { ...globalExtras, ...global } };
}

// ---- the walk -----------------------------------------------------------

/** Whether a set map's contents are the user's to choose, so its keys are not compared. */
function isFreeForm(key: string, defaultValue: unknown, schemas: Schema[]): boolean {
  const defaultKeys = isObject(defaultValue) ? Object.keys(defaultValue) : [];
  const declared = declaredKeys(schemas);
  // Annotation and label maps list example keys (`prometheus.io/port`); any key is valid there.
  const labelLike = (keys: string[]) => keys.length > 0 && keys.every((k) => k.includes("/"));
  // A map that is empty by default and explicitly open, whose declared keys are only documented examples (mlflow's extraEnvVars).
  const documentedOpenMap = defaultKeys.length === 0 && schemas.some((n) => n.additionalProperties === true);
  if (declared.length > 0) return !isClosed(schemas) && (labelLike([...declared, ...defaultKeys]) || documentedOpenMap);
  if (isOpenMap(schemas)) return true;
  if (isClosed(schemas)) return false;
  if (passThroughKeys.has(key)) return true;
  return defaultKeys.length === 0 || labelLike(defaultKeys);
}

interface Walk {
  root: Schema;
  commented: Map<string, Set<string>>;
  problems: { path: string; message: string }[];
  verbatim: readonly string[];
}

/** Compares the keys we set under one map with the chart's default map and schema at the same path. */
function walk(ours: Json, defaults: Json | undefined, schemas: Schema[], path: string, w: Walk): void {
  for (const [key, value] of Object.entries(ours)) {
    const at = joinPath(path, key);
    const hasDefault = defaults !== undefined && Object.hasOwn(defaults, key);
    const defaultValue = hasDefault ? defaults[key] : undefined;
    const childSchemaNodes = childSchemas(schemas, key, w.root);
    if (!hasDefault && childSchemaNodes.length === 0 && !w.commented.get(path)?.has(key)) {
      w.problems.push({ path: at, message: "unknown key" });
      continue;
    }
    if (isObject(value)) {
      if (isScalar(defaultValue) && !allowsObject(childSchemaNodes)) {
        w.problems.push({ path: at, message: `type mismatch: the chart's default is the ${typeof defaultValue} ${JSON.stringify(defaultValue)}, not a map` });
        continue;
      }
      if (w.verbatim.includes(at) || isFreeForm(key, defaultValue, childSchemaNodes)) continue;
      walk(value, isObject(defaultValue) ? defaultValue : undefined, childSchemaNodes, at, w);
    } else if (isScalar(value) && !placeholders.has(value as string)) {
      checkEnum(value, childSchemaNodes, at, w);
    }
  }
}

/** A scalar outside the schema's `enum` is rejected by Helm; other scalar type differences are too noisy. */
function checkEnum(value: unknown, schemas: Schema[], path: string, w: Walk): void {
  if (schemas.length === 0 || schemas.some((s) => enumAllows(s, value, w.root))) return;
  const allowed = [...new Set(schemas.flatMap((s) => enumValues(s, w.root)))];
  w.problems.push({ path, message: `${JSON.stringify(value)} is not one of ${allowed.map((v) => JSON.stringify(v)).join(", ")}` });
}

/** Every key in `values` that the chart's defaults and schema do not have. */
export function checkChartValues(values: unknown, defaultsDir: string, chart: string, version: string, repo = ""): ValueProblem[] {
  const folder = resolveFolder(defaultsDir, chart, version, repo);
  if (folder === undefined) {
    const versions = availableVersions(defaultsDir, chart, repo);
    const hint = versions.length > 0 ? ` (have ${versions.join(", ")})` : "";
    return [{ chart, version, path: "", message: `no defaults found for ${chart}@${version} in ${defaultsDir}${hint}` }];
  }
  if (!isObject(values)) return []; // nothing set, or redacted as a whole
  const { values: chartValues, schema, commented } = loadDefaults(join(defaultsDir, folder, version));
  const w: Walk = { root: schema ?? {}, commented, problems: [], verbatim: verbatimPaths[chart.split("/").pop() ?? chart] ?? [] };
  let ours = values;
  // Subcharts' keys are checked against the subchart's own defaults, with their path under the alias.
  const subs = subcharts[chart.split("/").pop() ?? chart] ?? {};
  const subProblems: ValueProblem[] = [];
  for (const [alias, sub] of Object.entries(subs)) {
    const v = ours[alias];
    if (!isObject(v)) continue;
    const { enabled: _enabled, ...rest } = v; // the parent's condition key, not the subchart's
    ours = Object.fromEntries(Object.entries(ours).filter(([k]) => k !== alias));
    if (Object.keys(rest).length === 0) continue;
    if (resolveFolder(defaultsDir, sub.chart, sub.version, "") === undefined) {
      // Upstream data often lacks a parent's dependencies; say what went unchecked without failing the run.
      subProblems.push({ chart, version, path: alias, message: `not checked: no defaults for subchart ${sub.chart}@${sub.version} in ${defaultsDir} (keys ${Object.keys(rest).join(", ")})`, unchecked: true });
      continue;
    }
    for (const p of checkChartValues(rest, defaultsDir, sub.chart, sub.version)) {
      subProblems.push({ chart, version, path: `${alias}.${p.path}`, message: p.message });
    }
  }
  let defaults = chartValues;
  if (isObject(chartValues[istioWrapper])) {
    defaults = istioDefaults(chartValues[istioWrapper]);
    if (Object.hasOwn(values, "defaults")) {
      w.problems.push({ path: "defaults", message: "setting defaults.* makes the template fail" });
      ours = Object.fromEntries(Object.entries(values).filter(([k]) => k !== "defaults"));
    }
  }
  walk(ours, defaults, schema ? expand(schema, schema) : [], "", w);
  return [...w.problems.map((p) => ({ chart, version, ...p })), ...subProblems];
}

/** The Helm chart resources in a plan. */
export function chartsIn(plan: Plan) {
  return plan.resources.filter((r) => chartTypes.has(r.type));
}

/** Checks every Helm chart resource in a plan. */
export function checkPlan(plan: Plan, defaultsDir: string): Problem[] {
  return chartsIn(plan).flatMap((r) => {
    const i = r.inputs as { chart?: unknown; version?: unknown; repositoryOpts?: { repo?: unknown }; values?: unknown };
    const chart = String(i.chart ?? r.name);
    const version = String(i.version ?? "");
    const repo = typeof i.repositoryOpts?.repo === "string" ? i.repositoryOpts.repo : "";
    return checkChartValues(i.values, defaultsDir, chart, version, repo).map((p) => ({ ...p, stack: plan.stack }));
  });
}

// ---- CLI ----------------------------------------------------------------

export function formatProblem(p: Problem): string {
  return `${p.stack}  ${p.chart}@${p.version}  ${p.path ? `${p.path}: ` : ""}${p.message}`;
}

async function main(args: string[]): Promise<number> {
  const [defaultsDir, ...refs] = args;
  if (!defaultsDir || defaultsDir.startsWith("-") || !existsSync(defaultsDir) || !statSync(defaultsDir).isDirectory()) {
    process.stderr.write("usage: tsx tools/check-values.ts <defaultsDir> [stack ...]\n");
    if (defaultsDir && !defaultsDir.startsWith("-")) process.stderr.write(`no such directory: ${defaultsDir}\n`);
    return 2;
  }
  // Loaded here so that importing the library does not load the Pulumi program.
  const { planStack } = require("./plan-stack") as typeof import("./plan-stack");
  const stacks = refs.length > 0 ? refs : committedStacks();
  let charts = 0;
  let problems = 0;
  let unchecked = 0;
  let failed = false;
  // Sequential: the mock runtime is process-global.
  for (const ref of stacks) {
    let plan: Plan;
    try {
      plan = (await planStack(ref)).plan;
    } catch (e) {
      process.stderr.write(`${ref}: could not plan: ${e instanceof Error ? e.message : String(e)}\n`);
      failed = true;
      continue;
    }
    charts += chartsIn(plan).length;
    for (const p of checkPlan(plan, defaultsDir)) {
      process.stdout.write(`${p.unchecked ? "note: " : ""}${formatProblem(p)}\n`);
      if (p.unchecked) unchecked++;
      else problems++;
    }
  }
  const notes = unchecked > 0 ? ` (${unchecked} value blocks not checked, see the notes above)` : "";
  process.stdout.write(`${charts} charts checked across ${stacks.length} stacks: ${problems} unknown keys${notes}\n`);
  return problems > 0 || failed ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(2);
    },
  );
}

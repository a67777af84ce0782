// npm run check:crds -- <crd dir> [stack ...]
//
// Checks every custom resource in the stacks' offline plans against the CRDs in
// <crd dir> (any *.yaml below it, multi-document files included): types, enums and
// required fields (JSON schema via ajv), and, above all, fields the API server would
// prune silently because the structural schema does not declare them. Users point
// it at the CRDs of the operator versions they are about to install.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";
import { parseAllDocuments } from "yaml";
import type { Plan, PlannedResource } from "./mock-runtime";

type Schema = Record<string, any>;

export interface CrdProblem {
  stack: string;
  resource: string;
  path: string;
  message: string;
}

/** apiVersion/kind -> openAPIV3Schema, from every CRD document under `dir`. */
export function loadCrdSchemas(dir: string): Map<string, Schema> {
  const schemas = new Map<string, Schema>();
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((f) => {
      const p = join(d, f);
      return statSync(p).isDirectory() ? walk(p) : /\.ya?ml$/.test(f) ? [p] : [];
    });
  for (const file of walk(dir)) {
    for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
      const crd = doc.toJS();
      if (crd?.kind !== "CustomResourceDefinition") continue;
      for (const v of crd.spec.versions ?? []) {
        if (v.schema?.openAPIV3Schema) schemas.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, v.schema.openAPIV3Schema);
      }
    }
  }
  return schemas;
}

/** Fields the API server would drop: keys not declared where the schema is closed (structural pruning). */
export function prunedFields(value: unknown, schema: Schema, path: string): string[] {
  if (!schema || schema["x-kubernetes-preserve-unknown-fields"]) return [];
  if (Array.isArray(value)) return schema.items ? value.flatMap((v, i) => prunedFields(v, schema.items, `${path}[${i}]`)) : [];
  if (value === null || typeof value !== "object") return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    const child = schema.properties?.[k] ?? (typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined);
    const sub = path ? `${path}.${k}` : k;
    if (child) out.push(...prunedFields(v, child, sub));
    else if (schema.properties && !schema.additionalProperties) out.push(sub);
  }
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const validators = new Map<Schema, ReturnType<typeof ajv.compile>>();

export function checkResource(r: PlannedResource, schema: Schema): Omit<CrdProblem, "stack">[] {
  const body = { apiVersion: r.inputs.apiVersion, kind: r.inputs.kind, metadata: r.inputs.metadata, spec: r.inputs.spec };
  if (!validators.has(schema)) validators.set(schema, ajv.compile(schema));
  const validate = validators.get(schema)!;
  const problems: Omit<CrdProblem, "stack">[] = [];
  if (!validate(body)) {
    for (const e of validate.errors ?? []) {
      problems.push({ resource: r.urn, path: e.instancePath.replace(/^\//, "").replace(/\/(\d+)(?=\/|$)/g, "[$1]").replace(/\//g, "."), message: `${e.message}${e.params && "allowedValues" in e.params ? ` (${(e.params.allowedValues as unknown[]).join(", ")})` : ""}` });
    }
  }
  for (const field of prunedFields({ spec: body.spec }, { properties: { spec: schema.properties?.spec ?? {} } }, "")) {
    problems.push({ resource: r.urn, path: field, message: "not in the CRD: the API server would drop it silently" });
  }
  return problems;
}

/** Every custom resource in `plan` whose CRD is known; reports resources of CRD groups with no matching version too. */
export function checkPlan(plan: Plan, schemas: Map<string, Schema>): { checked: number; problems: CrdProblem[] } {
  const groups = new Set([...schemas.keys()].map((k) => k.split("/")[0]));
  let checked = 0;
  const problems: CrdProblem[] = [];
  for (const r of plan.resources) {
    const m = /^kubernetes:([^/]+)\/([^:]+):(.+)$/.exec(r.type);
    if (!m || !groups.has(m[1])) continue;
    const schema = schemas.get(`${m[1]}/${m[2]}/${m[3]}`);
    if (!schema) {
      problems.push({ stack: plan.stack, resource: r.urn, path: "", message: `no CRD version ${m[2]} of ${m[3]}.${m[1]} in the CRD directory` });
      continue;
    }
    checked++;
    problems.push(...checkResource(r, schema).map((p) => ({ ...p, stack: plan.stack })));
  }
  return { checked, problems };
}

async function main(): Promise<number> {
  const [dir, ...stacks] = process.argv.slice(2);
  if (!dir) {
    process.stderr.write("usage: npm run check:crds -- <crd dir> [stack ...]\n");
    return 2;
  }
  const { planStack } = await import("./plan-stack");
  const { committedStacks } = await import("./stack-file");
  const names = stacks.length > 0 ? stacks : committedStacks();
  const schemas = loadCrdSchemas(dir);
  let checked = 0;
  let count = 0;
  for (const name of names) {
    const result = checkPlan((await planStack(name)).plan, schemas);
    checked += result.checked;
    for (const p of result.problems) {
      count++;
      process.stdout.write(`${p.stack}  ${p.resource}  ${p.path || "(resource)"}: ${p.message}\n`);
    }
  }
  process.stdout.write(`${checked} custom resources checked across ${names.length} stacks against ${schemas.size} CRD versions: ${count} problems\n`);
  return count > 0 ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`check:crds failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(2);
    },
  );
}

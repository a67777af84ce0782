// The tier of a stack, for tier-scoped policies: platform:tier from its stack file
// (stacks/Pulumi.<stack>.yaml, as Pulumi reads it), else pr-<n> stacks are ephemeral (CI copies the
// ephemeral template to them), else unknown.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import type { Tier } from "./types";

const tiers: Tier[] = ["local", "dev", "prod", "ephemeral"];
const defaultStacksDir = resolve(__dirname, "..", "stacks");

export function tierOf(stack: string, stacksDir = defaultStacksDir): Tier | undefined {
  for (const file of [`Pulumi.${stack}.yaml`, `Pulumi.${stack}.yml`].map((f) => join(stacksDir, f))) {
    if (!existsSync(file)) continue;
    const tier = parse(readFileSync(file, "utf8"))?.config?.["platform:tier"];
    if (tiers.includes(tier)) return tier;
  }
  if (/^pr-\d+$/.test(stack)) return "ephemeral";
  return undefined;
}

/** The stack name inside an engine URN (urn:pulumi:<stack>::<project>::...). */
export const stackOfUrn = (urn: string) => /^urn:pulumi:([^:]+)::/.exec(urn)?.[1] ?? "";

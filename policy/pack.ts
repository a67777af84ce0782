// The policy list as a real Pulumi policy pack (for `pulumi preview --policy-pack policy`):
// resource policies become validateResource, stack policies validateStack. Tier-scoped policies
// find the stack's tier by its name (policy/tier.ts).
import type { PolicyPackArgs, PolicyResource as PackResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { applies } from "./evaluate";
import { stackOfUrn, tierOf } from "./tier";
import type { Policy, PolicyContext, PolicyResource } from "./types";

function context(urn: string): PolicyContext {
  const stack = stackOfUrn(urn);
  return { stack, tier: tierOf(stack) };
}

function fromPack(r: { urn: string; type: string; name: string; props: Record<string, any>; opts: { protect: boolean; deleteBeforeReplace?: boolean } }, dependsOn: string[]): PolicyResource {
  return { urn: r.urn, type: r.type, name: r.name, inputs: r.props, options: { protect: r.opts.protect, deleteBeforeReplace: r.opts.deleteBeforeReplace }, dependsOn };
}

export function toPackPolicy(p: Policy): ResourceValidationPolicy | StackValidationPolicy {
  const base = { name: p.id, description: p.description, enforcementLevel: p.level };
  if (p.kind === "stack") {
    return {
      ...base,
      validateStack: (args, report) => {
        if (args.resources.length === 0) return;
        const ctx = context(args.resources[0].urn);
        if (!applies(p, ctx)) return;
        const resources = args.resources.map((r: PackResource) => fromPack(r, (r.dependencies ?? []).map((d) => d.urn)));
        for (const v of p.checkStack(resources, ctx)) report(v.message, v.urn);
      },
    };
  }
  const types = new Set(p.resourceTypes);
  return {
    ...base,
    validateResource: (args, report) => {
      if (!types.has("*") && !types.has(args.type)) return;
      const ctx = context(args.urn);
      if (!applies(p, ctx)) return;
      for (const m of p.check(fromPack(args, []), ctx)) report(m);
    },
  };
}

/** The pack's arguments: every policy that can run in a preview. */
export function packArgs(policies: Policy[]): PolicyPackArgs {
  return { policies: policies.filter((p) => !p.offlineOnly).map(toPackPolicy) };
}

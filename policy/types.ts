// The shape of a platform policy. Policies are plain objects so the same list runs in two places:
// offline over saved or computed plans (tools/policy.ts, policy/evaluate.ts) and as a real Pulumi
// policy pack during `pulumi preview`/`up` (policy/pack.ts, policy/index.ts).

export type Level = "mandatory" | "advisory";
export type Tier = "local" | "dev" | "prod" | "ephemeral";

/** What a policy sees of a resource: the offline plan's fields, or the pack's args mapped onto them. */
export interface PolicyResource {
  urn: string;
  type: string;
  name: string;
  inputs: Record<string, any>;
  options: { protect: boolean; deleteBeforeReplace?: boolean };
  /** URNs this resource depends on (offline: dependsOn; in the pack: its dependencies). */
  dependsOn: string[];
}

export interface PolicyContext {
  stack: string;
  /** The stack's tier (platform:tier), when known; tier-scoped policies skip stacks of unknown tier. */
  tier: Tier | undefined;
}

interface PolicyBase {
  /** Kebab-case, unique; the name in the Pulumi policy pack. */
  id: string;
  description: string;
  level: Level;
  /** Only for these tiers (all tiers if absent). */
  tiers?: Tier[];
  /**
   * Offline only, with the reason: e.g. the pack sees secrets already unwrapped, so it cannot tell
   * a plain-text secret from a secret one.
   */
  offlineOnly?: string;
}

export interface ResourcePolicy extends PolicyBase {
  kind: "resource";
  resourceTypes: string[];
  /** Violation messages for one resource of a listed type (empty: compliant). */
  check(resource: PolicyResource, ctx: PolicyContext): string[];
}

export interface StackViolation {
  message: string;
  urn?: string;
}

export interface StackPolicy extends PolicyBase {
  kind: "stack";
  /** Violations over the whole stack (e.g. "a STRICT mTLS policy exists"). */
  checkStack(resources: PolicyResource[], ctx: PolicyContext): StackViolation[];
}

export type Policy = ResourcePolicy | StackPolicy;

export interface Violation {
  policy: string;
  urn: string;
  level: Level;
  message: string;
}

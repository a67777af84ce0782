// This platform's own invariants: lifecycle per tier, the mesh's zero-trust defaults, pinned charts,
// no secrets in plain text, nothing open to the internet.
import type { Policy, PolicyResource, StackViolation } from "../types";
import { asArray, get, isAnywhere, what } from "../util";

const clusters = ["gcp:container/cluster:Cluster", "aws:eks/cluster:Cluster"];
const databases = ["gcp:sql/databaseInstance:DatabaseInstance", "aws:rds/instance:Instance"];
const buckets = ["gcp:storage/bucket:Bucket", "aws:s3/bucket:Bucket"];
const chart = "kubernetes:helm.sh/v4:Chart";
const peerAuthentication = "kubernetes:security.istio.io/v1:PeerAuthentication";
const authorizationPolicy = "kubernetes:security.istio.io/v1:AuthorizationPolicy";
const istioRoot = "istio-system";

/** Exact semantic version, optionally v-prefixed: no ranges, wildcards or "latest". */
export const exactSemver = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** Keys whose value is a secret when it is a string (not a reference to a Secret or a file). */
const secretKey = /(password|passwd|secret|token|apikey|api_key|privatekey|private_key|accesskey|access_key|credentials?)$/i;
const referenceKey = /(name|ref|secretname|existingsecret|secretref|file|path|key|keyref|enabled|mode|type|provider|annotation|usekey|header|sig)$/i;
const placeholders = new Set(["[secret]", "[unknown]", ""]);
/** "$VAR" / "${VAR}" (expanded from the environment, e.g. by Dex) and "{{ template }}" are references, not values. */
const reference = /^(\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\{\{.*\}\})$/;
const isPlain = (v: string) => !placeholders.has(v) && !reference.test(v.trim());

/** Input paths holding a plain-text value under a secret-ish key. */
export function plainSecrets(value: unknown, path = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => plainSecrets(v, `${path}[${i}]`));
  if (!value || typeof value !== "object") return [];
  const out: string[] = [];
  const obj = value as Record<string, unknown>;
  // Environment variables: {name: "DB_PASSWORD", value: "..."} is a secret in plain text; valueFrom is fine.
  if (typeof obj.name === "string" && typeof obj.value === "string" && secretKey.test(obj.name) && isPlain(obj.value)) out.push(`${path}.value (env ${obj.name})`);
  for (const [k, v] of Object.entries(obj)) {
    const p = path ? `${path}.${k}` : k;
    if (typeof v === "string") {
      if (secretKey.test(k) && !referenceKey.test(k) && isPlain(v)) out.push(p);
    } else out.push(...plainSecrets(v, p));
  }
  return out;
}

const isStrict = (r: PolicyResource) => get(r.inputs, "spec.mtls.mode") === "STRICT";

export const platformPolicies: Policy[] = [
  {
    kind: "resource",
    id: "prod-deletion-protection",
    description: "In prod, clusters and databases have the cloud's own deletion protection on.",
    level: "mandatory",
    tiers: ["prod"],
    resourceTypes: [...clusters, ...databases],
    check: (r) => {
      const out: string[] = [];
      if (r.inputs.deletionProtection !== true) out.push("deletionProtection is not true");
      if (r.type === "gcp:sql/databaseInstance:DatabaseInstance" && get(r.inputs, "settings.deletionProtectionEnabled") !== true) out.push("settings.deletionProtectionEnabled is not true");
      return out;
    },
  },
  {
    kind: "resource",
    id: "prod-stateful-protected",
    description: "In prod, clusters, databases and buckets are `protect`ed in Pulumi state, so no update or destroy can delete them.",
    level: "mandatory",
    tiers: ["prod"],
    resourceTypes: [...clusters, ...databases, ...buckets],
    check: (r) => (r.options.protect ? [] : [`${what(r)} is not protected (options.protect)`]),
  },
  {
    kind: "resource",
    id: "prod-buckets-keep-data",
    description: "In prod, buckets are not force-destroyed with their objects.",
    level: "mandatory",
    tiers: ["prod"],
    resourceTypes: buckets,
    check: (r) => (r.inputs.forceDestroy === true ? ["forceDestroy is true: destroy would delete every object"] : []),
  },
  {
    kind: "resource",
    id: "ephemeral-destroyable",
    description: "In ephemeral (per-PR) stacks nothing is protected and nothing has deletion protection, so the PR's destroy and the sweeper always succeed.",
    level: "mandatory",
    tiers: ["ephemeral"],
    resourceTypes: ["*"],
    check: (r) => {
      const out: string[] = [];
      if (r.options.protect) out.push(`${what(r)} is protected (options.protect)`);
      if (r.inputs.deletionProtection === true) out.push(`${what(r)} has deletionProtection`);
      if (get(r.inputs, "settings.deletionProtectionEnabled") === true) out.push(`${what(r)} has settings.deletionProtectionEnabled`);
      if (buckets.includes(r.type) && r.inputs.forceDestroy !== true) out.push(`${what(r)} is not forceDestroy: destroy fails while it holds objects`);
      return out;
    },
  },
  {
    kind: "stack",
    id: "mesh-strict-mtls",
    description: "The mesh requires mutual TLS: a mesh-wide STRICT PeerAuthentication in istio-system, and no PeerAuthentication relaxes it, except port-level exceptions scoped to one workload with a platform/why annotation.",
    level: "mandatory",
    checkStack: (resources) => {
      const pas = resources.filter((r) => r.type === peerAuthentication);
      const out: StackViolation[] = [];
      const meshWide = pas.find((r) => get(r.inputs, "metadata.namespace") === istioRoot && !get(r.inputs, "spec.selector") && isStrict(r));
      if (!meshWide) out.push({ message: "no mesh-wide PeerAuthentication with mtls.mode STRICT in istio-system" });
      for (const r of pas) {
        const workloadMode = get(r.inputs, "spec.mtls.mode");
        if (workloadMode && workloadMode !== "STRICT" && workloadMode !== "UNSET") out.push({ urn: r.urn, message: `${what(r)} sets mTLS ${workloadMode}` });
        // A port-level exception is allowed only when it is scoped to one workload and says why
        // (annotation platform/why), as Kubeflow's are (README, "Mesh exceptions").
        const scoped = get(r.inputs, "spec.selector.matchLabels") && get(r.inputs, "metadata.annotations")?.["platform/why"];
        for (const m of Object.values(get(r.inputs, "spec.portLevelMtls") ?? {}).map((p: any) => p?.mode).filter(Boolean)) {
          if (m !== "STRICT" && m !== "UNSET" && !scoped) out.push({ urn: r.urn, message: `${what(r)} sets mTLS ${m} on a port without a workload selector and a platform/why annotation` });
        }
      }
      return out;
    },
  },
  {
    kind: "stack",
    id: "mesh-default-deny",
    description: "The mesh denies by default: an AuthorizationPolicy with an empty spec in istio-system, so every workload needs its own ALLOW policy.",
    level: "mandatory",
    checkStack: (resources) => {
      const ok = resources.some(
        (r) => r.type === authorizationPolicy && get(r.inputs, "metadata.namespace") === istioRoot && Object.keys(r.inputs.spec ?? {}).length === 0,
      );
      return ok ? [] : [{ message: "no default-deny AuthorizationPolicy (empty spec) in istio-system" }];
    },
  },
  {
    kind: "resource",
    id: "mesh-no-allow-all",
    description: "No AuthorizationPolicy allows everything (an ALLOW with an empty rule), except on the ingress gateway itself, which the internet must reach.",
    level: "mandatory",
    resourceTypes: [authorizationPolicy],
    check: (r) => {
      const spec = r.inputs.spec ?? {};
      if ((spec.action ?? "ALLOW") !== "ALLOW") return [];
      const rules = asArray<any>(spec.rules);
      const allowAll = rules.some((rule) => rule && typeof rule === "object" && Object.keys(rule).length === 0);
      if (!allowAll) return [];
      if (get(spec, "selector.matchLabels.istio") === "ingressgateway") return [];
      return [`${what(r)} allows every request (an empty rule) outside the ingress gateway`];
    },
  },
  {
    kind: "resource",
    id: "chart-version-pinned",
    description: "Helm charts are pinned to an exact version (no ranges, no latest) from an HTTPS or OCI repository.",
    level: "mandatory",
    resourceTypes: [chart],
    check: (r) => {
      const out: string[] = [];
      const v = r.inputs.version;
      if (typeof v !== "string" || !exactSemver.test(v)) out.push(`chart ${r.inputs.chart} version ${JSON.stringify(v ?? null)} is not an exact version`);
      const repo = get(r.inputs, "repositoryOpts.repo") ?? (typeof r.inputs.chart === "string" && r.inputs.chart.startsWith("oci://") ? r.inputs.chart : undefined);
      if (typeof repo === "string" && !/^(https|oci):\/\//.test(repo)) out.push(`chart ${r.inputs.chart} comes from ${repo}, not HTTPS/OCI`);
      return out;
    },
  },
  {
    kind: "resource",
    id: "no-plaintext-secrets",
    description: "No plain-text secret inputs: values under password/secret/token/key-like names are Pulumi secrets (or references to Kubernetes Secrets).",
    level: "mandatory",
    offlineOnly: "the policy pack receives secrets already unwrapped, so only the offline plan (where secrets read [secret]) can tell them apart",
    resourceTypes: ["*"],
    check: (r) => (r.type.startsWith("pulumi:") || r.type.startsWith("mlops:") ? [] : plainSecrets(r.inputs).map((p) => `${p} is not a secret`)),
  },
  {
    kind: "resource",
    id: "no-open-admin-ingress",
    description: "No firewall or security group opens ports to the whole internet (0.0.0.0/0); the load balancer in front of the gateway is the only public entry.",
    level: "mandatory",
    resourceTypes: ["gcp:compute/firewall:Firewall", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:ec2/securityGroup:SecurityGroup", "aws:ec2/securityGroupRule:SecurityGroupRule"],
    check: (r) => {
      if (r.type === "gcp:compute/firewall:Firewall") {
        if ((r.inputs.direction ?? "INGRESS") !== "INGRESS" || asArray(r.inputs.allows).length === 0) return [];
        return asArray<string>(r.inputs.sourceRanges).filter(isAnywhere).map((c) => `allows ingress from ${c}`);
      }
      if (r.type === "aws:ec2/securityGroup:SecurityGroup") {
        return asArray<any>(r.inputs.ingress).flatMap((i) => [...asArray<string>(i?.cidrBlocks), ...asArray<string>(i?.ipv6CidrBlocks)].filter(isAnywhere).map((c) => `ingress from ${c}`));
      }
      if (r.type === "aws:ec2/securityGroupRule:SecurityGroupRule" && r.inputs.type !== "ingress") return [];
      return [r.inputs.cidrIpv4, r.inputs.cidrIpv6, ...asArray<string>(r.inputs.cidrBlocks)].filter(isAnywhere).map((c) => `ingress from ${c}`);
    },
  },
  {
    kind: "resource",
    id: "prod-external-dns-upsert-only",
    description: "In prod, external-dns never deletes DNS records (policy upsert-only), so a bad sync cannot take names down.",
    level: "advisory",
    tiers: ["prod"],
    resourceTypes: [chart],
    check: (r) => (r.inputs.chart === "external-dns" && get(r.inputs, "values.policy") !== "upsert-only" ? [`external-dns policy is ${JSON.stringify(get(r.inputs, "values.policy") ?? null)}`] : []),
  },
];

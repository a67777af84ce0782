// Tier-based defaults and cross-field rules. Input: the sections as parsed by
// schema.ts. Output: one fully-resolved, typed PlatformConfig in which nothing
// is optional that a component needs, or a list of problems (all of them).
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { cidrProblem, cidrsOverlap, prefixOf } from "./cidr";
import type { CloudInput, ConnectorInput, NodePoolInput, Tier, dns as dnsSchema, edge as edgeSchema, identity as identitySchema, tls as tlsSchema } from "./schema";
import { poolRoleLabel } from "./schema";
import { resolveMl, type MlInput, type MlSettings } from "./ml";
import { resolveKubeflow, type KubeflowInput, type KubeflowSettings } from "./kubeflow";
import { isInvalid, present, type Invalid } from "./partial";
import { resolveObservability, type ObservabilityInput, type ObservabilitySettings } from "./observability";

export interface Taint {
  key: string;
  value: string;
  effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

export interface NodePool {
  name: string;
  role: "system" | "cpu" | "gpu";
  machineType: string;
  min: number;
  max: number;
  spot: boolean;
  diskSizeGb: number;
  gpu?: { type?: string; count: number };
  labels: Record<string, string>;
  taints: Taint[];
}

export interface GkeSettings {
  kind: "gke";
  project: string;
  region: string;
  /** region for regional clusters, the zone for zonal ones */
  location: string;
  regional: boolean;
  releaseChannel: "RAPID" | "REGULAR" | "STABLE";
  network: { nodeCidr: string; podCidr: string; serviceCidr: string; masterCidr: string };
  privateNodes: boolean;
  masterAuthorizedNetworks: { name: string; cidr: string }[];
  dataplaneV2: boolean;
  nodePools: NodePool[];
}

export interface EksSettings {
  kind: "eks";
  region: string;
  availabilityZones: string[];
  version: string;
  vpcCidr: string;
  natGateways: "single" | "perAz";
  endpoint: { public: boolean; private: boolean; publicCidrs: string[] };
  admins: string[];
  nodePools: NodePool[];
}

export interface ExistingSettings {
  kind: "existing";
  kubeconfig?: string;
  context?: string;
  storageClass?: string;
}

export type CloudSettings = GkeSettings | EksSettings | ExistingSettings;

export interface EdgeSettings {
  gatewayService: { type: "LoadBalancer" | "NodePort" | "ClusterIP"; annotations: Record<string, string> };
  dns01RecursiveNameservers: string[];
}

export interface StaticUser {
  email: string;
  username: string;
  password: pulumi.Output<string>;
}

export interface IdentitySettings {
  connectors: ConnectorInput[];
  staticUsers: StaticUser[];
  sessionLifetime: string;
  emailDomains: string[];
}

export interface PlatformConfig {
  /** Pulumi stack name; carried by every cloud resource name so stacks never collide. */
  stack: string;
  tier: Tier;
  cloud: CloudSettings;
  dns: z.infer<typeof dnsSchema>;
  tls: { acmeEmail?: string; issuer: "staging" | "production" | "selfSigned" };
  edge: EdgeSettings;
  identity: IdentitySettings;
  /** MLflow, its database, and the object store of existing clusters (platform:ml). */
  ml: MlSettings;
  /** Kubeflow, KServe and the teams (platform:kubeflow). */
  kubeflow: KubeflowSettings;
  /** Loki, Tempo, Mimir, Grafana and Alloy (platform:observability). */
  observability: ObservabilitySettings;
  /** prod: stateful resources are protected and clusters have deletion protection. */
  protect: boolean;
  /** ephemeral: everything, buckets included, can be destroyed without manual steps. */
  forceDestroy: boolean;
}

import { quoted, type Problem } from "./errors";
export type { Problem } from "./errors";

/** Kubernetes minor versions this release supports on EKS (within AWS standard support); the default is the newest tested. */
export const supportedEksVersions = ["1.32", "1.33", "1.34", "1.35"] as const;
export const defaultEksVersion = "1.34";

/**
 * Node pool names get a provider-generated unique suffix of this many characters (GKE namePrefix,
 * EKS nodeGroupNamePrefix "<name>-"), so a changed pool can be created before the old one is deleted.
 */
export const poolNameSuffixLength = 26;
/** Cloud limits on the full pool name: GKE node pools 40 characters, EKS node groups 63. */
const poolNameLimit = { gke: 40, eks: 63 } as const;
/** The longest pool name a user may give: limit - "-" - suffix (GKE 13, EKS 36). */
export const maxPoolNameLength = { gke: poolNameLimit.gke - 1 - poolNameSuffixLength, eks: poolNameLimit.eks - 1 - poolNameSuffixLength } as const;

/**
 * EC2 instance families with NVIDIA GPUs that the EKS AL2023 NVIDIA AMI (x86_64) runs on.
 * Arm GPU instances (g5g) are not in the list: that AMI is x86 only.
 */
export const eksGpuFamilies = ["g4dn", "g5", "g6", "g6e", "g6f", "gr6", "p3", "p3dn", "p4d", "p4de", "p5", "p5e", "p5en", "p6-b200"] as const;

/** GKE accelerator type -> the machine types it attaches to. */
export const gkeAcceleratorMachines: Record<string, { pattern: RegExp; family: string }> = {
  "nvidia-l4": { pattern: /^g2-/, family: "g2-*" },
  "nvidia-tesla-a100": { pattern: /^a2-(highgpu|megagpu)-/, family: "a2-highgpu-* or a2-megagpu-*" },
  "nvidia-a100-80gb": { pattern: /^a2-ultragpu-/, family: "a2-ultragpu-*" },
  "nvidia-h100-80gb": { pattern: /^a3-(highgpu|edgegpu)-/, family: "a3-highgpu-*" },
  "nvidia-h100-mega-80gb": { pattern: /^a3-megagpu-/, family: "a3-megagpu-*" },
  "nvidia-tesla-t4": { pattern: /^n1-/, family: "n1-*" },
  "nvidia-tesla-v100": { pattern: /^n1-/, family: "n1-*" },
  "nvidia-tesla-p4": { pattern: /^n1-/, family: "n1-*" },
  "nvidia-tesla-p100": { pattern: /^n1-/, family: "n1-*" },
};

/** GKE machine types look like e2-standard-4 (family-series-size); EC2 instance types like m6i.large. */
const gceMachineType = /^[a-z][a-z0-9]*-[a-z0-9-]*[a-z0-9]$/;
const ec2InstanceType = /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/;

export const gpuTaint: Taint = { key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" };

const defaultPools: Record<"gke" | "eks", Record<Tier, NodePoolInput[]>> = {
  gke: {
    local: [],
    dev: [
      { name: "system", role: "system", machineType: "e2-standard-4", min: 1, max: 3 },
      { name: "cpu", role: "cpu", machineType: "e2-standard-8", min: 0, max: 5 },
    ],
    ephemeral: [{ name: "system", role: "system", machineType: "e2-standard-4", min: 1, max: 2 }],
    prod: [
      { name: "system", role: "system", machineType: "n2-standard-4", min: 1, max: 3 },
      { name: "cpu", role: "cpu", machineType: "n2-standard-8", min: 1, max: 10 },
    ],
  },
  eks: {
    local: [],
    dev: [
      { name: "system", role: "system", machineType: "m6i.large", min: 2, max: 4 },
      { name: "cpu", role: "cpu", machineType: "m6i.2xlarge", min: 0, max: 5 },
    ],
    ephemeral: [{ name: "system", role: "system", machineType: "m6i.large", min: 1, max: 2 }],
    prod: [
      { name: "system", role: "system", machineType: "m6i.xlarge", min: 3, max: 6 },
      { name: "cpu", role: "cpu", machineType: "m6i.2xlarge", min: 2, max: 10 },
    ],
  },
};

function machineTypeProblem(kind: "gke" | "eks", machineType: string): string | undefined {
  if (kind === "gke") {
    if (ec2InstanceType.test(machineType)) return `${quoted(machineType)} is an EC2 instance type (EKS); GKE needs a Compute Engine machine type such as e2-standard-4`;
    if (!gceMachineType.test(machineType)) return `${quoted(machineType)} is not a Compute Engine machine type; expected one such as e2-standard-4 or g2-standard-8`;
  } else {
    if (gceMachineType.test(machineType)) return `${quoted(machineType)} is a Compute Engine machine type (GKE); EKS needs an EC2 instance type such as m6i.large`;
    if (!ec2InstanceType.test(machineType)) return `${quoted(machineType)} is not an EC2 instance type; expected one such as m6i.large or g6.xlarge`;
  }
  return undefined;
}

function gpuProblems(kind: "gke" | "eks", p: NodePoolInput, key: string, problems: Problem[]): void {
  if (kind === "eks") {
    const family = p.machineType.slice(0, p.machineType.indexOf("."));
    if (!(eksGpuFamilies as readonly string[]).includes(family)) {
      const arm = /^g\d+g$/.test(family) ? " (Arm instances cannot run the x86 EKS NVIDIA AMI)" : "";
      problems.push({
        key: `${key}.machineType`,
        message: `${quoted(p.machineType)} has no NVIDIA GPU the EKS AL2023 NVIDIA AMI supports${arm}; use an instance of ${eksGpuFamilies.join(", ")}, e.g. g6.xlarge`,
      });
    }
    return;
  }
  const type = p.gpu?.type;
  if (!type) return;
  const machines = gkeAcceleratorMachines[type];
  if (!machines) {
    problems.push({ key: `${key}.gpu.type`, message: `unknown GKE accelerator type ${quoted(type)}; expected one of ${Object.keys(gkeAcceleratorMachines).join(", ")}` });
  } else if (!machines.pattern.test(p.machineType)) {
    problems.push({ key: `${key}.machineType`, message: `accelerator ${type} attaches only to ${machines.family} machine types (found ${quoted(p.machineType)})` });
  }
}

function resolvePools(kind: "gke" | "eks", tier: Tier | undefined, pools: (NodePoolInput | undefined)[] | undefined, problems: Problem[], invalid: Invalid): NodePool[] {
  const listKey = "platform:cloud.nodePools";
  if (isInvalid(invalid, listKey) && !pools) return []; // the list itself is invalid: no defaults, no rules
  // Without a valid tier there are no default pools to check (the tier problem is reported already).
  const list = pools ?? (tier ? defaultPools[kind][tier] : []);
  const seen = new Set<string>();
  const resolved = present(list).map(([p, i]): NodePool => {
    const key = `${listKey}[${i}]`;
    if (seen.has(p.name)) problems.push({ key: `${key}.name`, message: `duplicate node pool name ${quoted(p.name)}; names must be unique` });
    seen.add(p.name);
    const maxName = maxPoolNameLength[kind];
    if (p.name.length > maxName) {
      problems.push({
        key: `${key}.name`,
        message:
          `${quoted(p.name)} is ${p.name.length} characters; at most ${maxName} on ${kind.toUpperCase()}: ${kind === "gke" ? "GKE node pool" : "EKS node group"} names are limited to ` +
          `${poolNameLimit[kind]} characters and a unique ${poolNameSuffixLength}-character suffix is appended ("<name>-<suffix>") so a changed pool can be replaced create-before-delete`,
      });
    }
    if (p.min > p.max) problems.push({ key: `${key}.min`, message: `min (${p.min}) is greater than max (${p.max})` });
    const machineProblem = machineTypeProblem(kind, p.machineType);
    if (machineProblem) problems.push({ key: `${key}.machineType`, message: machineProblem });
    const gpuInvalid = isInvalid(invalid, `${key}.gpu`);
    if (p.role === "gpu" && !p.gpu && !gpuInvalid) {
      problems.push({ key: `${key}.gpu`, message: `a pool with role gpu needs gpu: { ${kind === "gke" ? "type: nvidia-l4, " : ""}count: 1 }` });
    }
    if (p.gpu && p.role !== "gpu") problems.push({ key: `${key}.role`, message: `pool has gpu set, so role must be "gpu" (found ${quoted(p.role)})` });
    if (kind === "gke" && p.gpu && !p.gpu.type && !gpuInvalid) {
      problems.push({ key: `${key}.gpu.type`, message: "GKE needs the accelerator type, e.g. nvidia-l4 or nvidia-tesla-t4" });
    }
    if (kind === "eks" && p.gpu?.type) {
      problems.push({ key: `${key}.gpu.type`, message: "on EKS the instance type (machineType, e.g. g6.xlarge) sets the GPU; remove gpu.type" });
    }
    if ((p.role === "gpu" || p.gpu) && !machineProblem) gpuProblems(kind, p, key, problems);
    const taints = p.taints ?? (p.role === "gpu" ? [gpuTaint] : []);
    return {
      name: p.name,
      role: p.role,
      machineType: p.machineType,
      min: p.min,
      max: p.max,
      spot: p.spot ?? (tier === "ephemeral"),
      diskSizeGb: p.diskSizeGb ?? (p.role === "gpu" ? 200 : 100),
      gpu: p.gpu,
      // The role label comes last: the device plugin and add-ons schedule on it.
      labels: { ...(p.labels ?? {}), [poolRoleLabel]: p.role },
      taints: taints.map((t) => ({ key: t.key, value: t.value ?? "", effect: t.effect })),
    };
  });
  // Only when every pool parsed: an invalid one may be the system pool.
  if (pools && !isInvalid(invalid, listKey) && !resolved.some((p) => p.role === "system")) {
    problems.push({
      key: listKey,
      message: 'no pool has role "system"; add one (e.g. { name: system, role: system, ... }): the platform add-ons run there and the Kubernetes provider waits for the system pools',
    });
  }
  return resolved;
}

const gkeRanges = ["nodeCidr", "podCidr", "serviceCidr", "masterCidr"] as const;
export const defaultGkeNetwork: GkeSettings["network"] = {
  nodeCidr: "10.10.0.0/20",
  podCidr: "10.16.0.0/14",
  serviceCidr: "10.12.0.0/20",
  masterCidr: "172.16.0.0/28",
};
export const defaultEksVpcCidr = "10.0.0.0/16";

/**
 * The broadest range prod may let reach the Kubernetes API: /8. Anything broader is a few ranges
 * away from the whole internet (0.0.0.0/1 and 128.0.0.0/1 together are every address).
 */
export const prodBroadestApiPrefix = 8;

/** Whether a CIDR is every address (/0, compared as a number). Invalid CIDRs are reported elsewhere. */
function isOpenToAll(cidr: string): boolean {
  return !cidrProblem(cidr) && prefixOf(cidr) === 0;
}

/** Why prod may not let `cidr` reach the Kubernetes API although it is not /0, or undefined. */
function tooBroadForProd(cidr: string): string | undefined {
  if (cidrProblem(cidr)) return undefined;
  const prefix = prefixOf(cidr);
  if (prefix === 0 || prefix >= prodBroadestApiPrefix) return undefined;
  return (
    `prod must not open the Kubernetes API to a range broader than /${prodBroadestApiPrefix} (${cidr} is ${2 ** (32 - prefix)} addresses): ` +
    `a few such ranges cover the whole internet (0.0.0.0/1 and 128.0.0.0/1 are every address); list your networks, e.g. the office VPN and CI runners`
  );
}

/**
 * Cloud defaults and rules. `tier` is undefined when platform:tier is invalid or missing: then the
 * tier-independent rules still run (pools, machine types, zones, CIDRs, ...) and the tier-dependent
 * ones (prod hardening, rules on tier defaults) are skipped; the result is not used.
 */
function resolveCloud(tier: Tier | undefined, c: CloudInput, problems: Problem[], invalid: Invalid): CloudSettings {
  switch (c.kind) {
    case "gke": {
      const regional = c.regional ?? tier === "prod";
      // Whether the cluster is regional is known if it is given, or from a valid tier's default.
      const regionalKnown = !isInvalid(invalid, "platform:cloud.regional") && (c.regional !== undefined || tier !== undefined);
      const zoneInvalid = isInvalid(invalid, "platform:cloud.zone");
      if (regionalKnown && !regional && !c.zone && !zoneInvalid) {
        problems.push({ key: "platform:cloud.zone", message: `required for a zonal cluster (${c.regional === undefined ? `regional is false for tier ${tier}` : "regional: false"}); set zone: ${c.region ?? "<region>"}-b or regional: true` });
      }
      if (regionalKnown && regional && c.zone) {
        problems.push({
          key: "platform:cloud.zone",
          message: `a regional cluster spreads its nodes over all zones of ${c.region ?? "the region"} and would ignore zone ${quoted(c.zone)}; remove zone, or set regional: false for a zonal cluster in that zone`,
        });
      }
      if (c.zone && c.region && !c.zone.startsWith(`${c.region}-`)) {
        problems.push({ key: "platform:cloud.zone", message: `zone ${quoted(c.zone)} is not in region ${quoted(c.region)}` });
      }
      const manKey = "platform:cloud.masterAuthorizedNetworks";
      const masterAuthorizedNetworks = c.masterAuthorizedNetworks ?? [];
      if (tier === "prod" && masterAuthorizedNetworks.length === 0 && !isInvalid(invalid, manKey)) {
        problems.push({ key: manKey, message: "prod must restrict who reaches the Kubernetes API; list at least one { name, cidr }" });
      }
      if (tier === "prod") {
        for (const [n, i] of present(masterAuthorizedNetworks)) {
          if (isOpenToAll(n.cidr)) {
            problems.push({ key: `${manKey}[${i}].cidr`, message: `prod must not open the Kubernetes API to every address (${n.cidr}); list your networks, e.g. the office VPN and CI runners` });
          }
          const broad = tooBroadForProd(n.cidr);
          if (broad) problems.push({ key: `${manKey}[${i}].cidr`, message: broad });
        }
      }
      const privateNodes = c.privateNodes ?? true;
      if (tier === "prod" && !privateNodes) {
        problems.push({ key: "platform:cloud.privateNodes", message: "prod nodes must be private (no public IPs); remove privateNodes: false" });
      }
      const network = { ...defaultGkeNetwork, ...(c.network ?? {}) };
      // The four ranges must be disjoint; compare only ranges that are valid (given or default).
      const usable = gkeRanges.filter((r) => !isInvalid(invalid, `platform:cloud.network.${r}`) && !isInvalid(invalid, "platform:cloud.network"));
      usable.forEach((a, i) => {
        for (const b of usable.slice(i + 1)) {
          if (!cidrsOverlap(network[a], network[b])) continue;
          // Name the range the user set (the later one if both are set, so the message points at one key).
          const given = (r: string) => c.network?.[r as keyof typeof network] !== undefined;
          const [at, other] = given(b) ? [b, a] : [a, b];
          problems.push({
            key: `platform:cloud.network.${at}`,
            message: `${network[at]} overlaps ${other} ${network[other]}${given(other) ? "" : " (the default)"}; the node, pod, service and master ranges must not overlap`,
          });
        }
      });
      return {
        kind: "gke",
        project: c.project,
        region: c.region,
        location: regional ? c.region : (c.zone ?? c.region),
        regional,
        releaseChannel: c.releaseChannel ?? (tier === "prod" ? "STABLE" : "REGULAR"),
        network,
        privateNodes,
        masterAuthorizedNetworks,
        dataplaneV2: c.dataplaneV2 ?? true,
        nodePools: resolvePools("gke", tier, c.nodePools, problems, invalid),
      };
    }
    case "eks": {
      const azs = c.availabilityZones ?? (tier === "prod" ? ["a", "b", "c"] : ["a", "b"]).map((s) => `${c.region}${s}`);
      const seenAzs = new Set<string>();
      for (const [az, i] of present(azs)) {
        if (seenAzs.has(az)) {
          problems.push({ key: `platform:cloud.availabilityZones[${i}]`, message: `duplicate availability zone ${quoted(az)}; list each zone once (each zone gets its own subnets)` });
        }
        seenAzs.add(az);
      }
      if (c.region) {
        for (const [az, i] of present(azs)) {
          if (!az.startsWith(c.region)) problems.push({ key: `platform:cloud.availabilityZones[${i}]`, message: `${quoted(az)} is not in region ${quoted(c.region)}` });
        }
      }
      if (c.version && !(supportedEksVersions as readonly string[]).includes(c.version)) {
        problems.push({ key: "platform:cloud.version", message: `Kubernetes ${c.version} is not supported on EKS by this release; use one of ${supportedEksVersions.join(", ")}` });
      }
      const endpoint = {
        public: c.endpoint?.public ?? true,
        private: c.endpoint?.private ?? true,
        publicCidrs: c.endpoint?.publicCidrs ?? ["0.0.0.0/0"],
      };
      const endpointKnown = !isInvalid(invalid, "platform:cloud.endpoint");
      if (endpointKnown && !endpoint.public && !endpoint.private) {
        problems.push({ key: "platform:cloud.endpoint", message: "at least one of public or private must be true" });
      }
      // The exposure rules need a known `public` and the CIDRs that parsed (not the /0 default standing in for an invalid list).
      const cidrsKey = "platform:cloud.endpoint.publicCidrs";
      const exposureKnown = !isInvalid(invalid, "platform:cloud.endpoint.public") && (c.endpoint?.publicCidrs !== undefined || !isInvalid(invalid, cidrsKey));
      if (tier === "prod" && exposureKnown && endpoint.public) {
        if (present(endpoint.publicCidrs).some(([cidr]) => isOpenToAll(cidr))) {
          problems.push({ key: cidrsKey, message: "prod must not expose the Kubernetes API to 0.0.0.0/0; list your CIDRs or set public: false" });
        }
        for (const [cidr, i] of present(endpoint.publicCidrs)) {
          const broad = tooBroadForProd(cidr);
          if (broad) problems.push({ key: `${cidrsKey}[${i}]`, message: `${broad}, or set public: false` });
        }
      }
      return {
        kind: "eks",
        region: c.region,
        availabilityZones: azs,
        version: c.version ?? defaultEksVersion,
        vpcCidr: c.vpcCidr ?? defaultEksVpcCidr,
        natGateways: c.natGateways ?? (tier === "prod" ? "perAz" : "single"),
        endpoint,
        admins: c.admins ?? [],
        nodePools: resolvePools("eks", tier, c.nodePools, problems, invalid),
      };
    }
    case "existing":
      return { kind: "existing", kubeconfig: c.kubeconfig, context: c.context, storageClass: c.storageClass };
  }
}

/** GKE: a Cloud DNS managed zone name; EKS: a Route53 hosted zone ID. */
const managedZoneName = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const hostedZoneId = /^Z[A-Z0-9]+$/;

/** Why `id` is not the zone identifier `kind` expects, or undefined. */
function zoneIdProblem(kind: CloudInput["kind"], id: string): string | undefined {
  const shown = quoted(id);
  if (kind === "gke" && !managedZoneName.test(id)) {
    if (id.includes(".")) return `${shown} looks like a DNS name; use the managed zone name, not its DNS name (gcloud dns managed-zones list shows both, e.g. acme-example for acme.example.)`;
    if (id.length > 63 && /^[a-z][-a-z0-9]*[a-z0-9]$/.test(id)) return `${shown} is ${id.length} characters; a Cloud DNS managed zone name has at most 63`;
    return `${shown} is not a Cloud DNS managed zone name: 1-63 lowercase letters, digits and dashes, starting with a letter and not ending with a dash, e.g. acme-example`;
  }
  if (kind === "eks" && !hostedZoneId.test(id)) {
    const bare = id.replace(/^\/?hostedzone\//, "");
    if (bare !== id && hostedZoneId.test(bare)) return `${shown} has the /hostedzone/ prefix; use the bare hosted zone ID, ${bare}`;
    return `${shown} is not a Route53 hosted zone ID; expected the zone's ID such as Z0123456789ABCDEFGHIJ (aws route53 list-hosted-zones), not its name`;
  }
  return undefined;
}

function isInZone(domain: string, zone: string): boolean {
  return domain === zone || domain.endsWith(`.${zone}`);
}

/**
 * The sections as parsed. A section with errors holds only what parsed (see partial.ts): fields
 * may be missing and lists may have holes; the invalid key paths say where.
 */
export interface ParsedSections {
  tier?: Tier;
  cloud?: CloudInput;
  dns?: z.infer<typeof dnsSchema>;
  tls?: z.infer<typeof tlsSchema>;
  edge?: z.infer<typeof edgeSchema>;
  identity?: z.infer<typeof identitySchema>;
  ml?: MlInput;
  kubeflow?: KubeflowInput;
  observability?: ObservabilityInput;
}

function resolveIdentity(tier: Tier | undefined, id: z.infer<typeof identitySchema>, problems: Problem[], invalid: Invalid): IdentitySettings {
  const connectors = id.connectors ?? [];
  const staticUsers = id.staticUsers ?? [];
  if (staticUsers.length > 0 && tier && tier !== "local" && tier !== "dev") {
    problems.push({ key: "platform:identity.staticUsers", message: `static passwords are allowed only in local and dev tiers (this is ${tier}); sign in through a connector instead` });
  }
  const noneInvalid = !isInvalid(invalid, "platform:identity.connectors") && !isInvalid(invalid, "platform:identity.staticUsers");
  if (connectors.length === 0 && staticUsers.length === 0 && noneInvalid) {
    problems.push({ key: "platform:identity.connectors", message: "nobody can sign in: add a connector (or staticUsers on local/dev)" });
  }
  const emails = new Set<string>();
  for (const [u, i] of present(staticUsers)) {
    const email = u.email.toLowerCase();
    if (emails.has(email)) problems.push({ key: `platform:identity.staticUsers[${i}].email`, message: `duplicate static user email ${quoted(u.email)}; Dex signs users in by email, so give each user their own` });
    emails.add(email);
  }
  const ids = new Set<string>();
  for (const [c, i] of present(connectors)) {
    const key = `platform:identity.connectors[${i}]`;
    if (ids.has(c.id)) problems.push({ key: `${key}.id`, message: `duplicate connector id ${quoted(c.id)}` });
    ids.add(c.id);
    if (c.type === "cognito") {
      const poolRegion = c.userPoolId.slice(0, c.userPoolId.indexOf("_"));
      if (c.region !== poolRegion) {
        problems.push({ key: `${key}.region`, message: `${quoted(c.region)} does not match the user pool ${c.userPoolId}, which lives in ${poolRegion}; set region: ${poolRegion}` });
      }
    }
  }
  return { connectors, staticUsers, sessionLifetime: id.sessionLifetime ?? "24h", emailDomains: id.emailDomains ?? ["*"] };
}

/**
 * Applies defaults and cross-section rules. Sections that failed to parse are absent or partial;
 * rules whose inputs are listed in `invalid` (key paths) are skipped, so no error follows from another.
 */
export function resolve(stack: string, s: ParsedSections, problems: Problem[], invalid: Invalid = []): PlatformConfig | undefined {
  const tier = s.tier;
  const identity = s.identity ? resolveIdentity(tier, s.identity, problems, invalid) : undefined;
  if (tier && s.cloud) {
    if (tier === "local" && s.cloud.kind !== "existing") {
      problems.push({ key: "platform:tier", message: `tier local runs on an existing cluster (cloud.kind: existing); found cloud.kind "${s.cloud.kind}"` });
    }
  }
  // Cloud rules run even when the tier is invalid or missing: only its tier-dependent rules are skipped.
  const cloudSettings = s.cloud ? resolveCloud(tier, s.cloud, problems, invalid) : undefined;

  const zoneKnown = !isInvalid(invalid, "platform:dns.zone");
  if (s.dns && s.cloud) {
    if (s.cloud.kind !== "existing" && !s.dns.zone && zoneKnown) {
      problems.push({ key: "platform:dns.zone", message: `a ${s.cloud.kind} stack needs the DNS zone for its records and certificates: zone: { id, dnsName }` });
    }
    if (s.cloud.kind === "existing" && s.dns.zone) {
      problems.push({
        key: "platform:dns.zone",
        message: "an existing cluster has no cloud DNS identity, so it gets no DNS-01 certificates and no DNS records; remove dns.zone and use tls.issuer: selfSigned",
      });
    }
    if (s.dns.domain && s.dns.zone && !isInZone(s.dns.domain, s.dns.zone.dnsName)) {
      problems.push({ key: "platform:dns.domain", message: `${quoted(s.dns.domain)} is outside the DNS zone ${quoted(s.dns.zone.dnsName)}; use a name ending in .${s.dns.zone.dnsName}` });
    }
    const idProblem = s.dns.zone?.id ? zoneIdProblem(s.cloud.kind, s.dns.zone.id) : undefined;
    if (idProblem) problems.push({ key: "platform:dns.zone.id", message: idProblem });
    if (s.dns.zone?.project && s.cloud.kind !== "gke") {
      problems.push({ key: "platform:dns.zone.project", message: "only GKE stacks use a zone project; remove it" });
    }
  }
  // Issuer rules need a valid issuer: the one given, or the tier's default (so a valid tier).
  const issuerGiven = s.tls?.issuer;
  const issuer = issuerGiven ?? (tier === "prod" ? "production" : tier === "local" ? "selfSigned" : "staging");
  const issuerKnown = !isInvalid(invalid, "platform:tls.issuer") && !isInvalid(invalid, "platform:tls") && (issuerGiven !== undefined || tier !== undefined);
  if (issuerKnown && issuer !== "selfSigned") {
    if (s.cloud?.kind === "existing") {
      problems.push({
        key: "platform:tls.issuer",
        message: `issuer ${issuer}${issuerGiven ? "" : ` (the default for tier ${tier})`} needs DNS-01 in a cloud DNS zone, which an existing cluster does not have; set issuer: selfSigned`,
      });
    } else if (!s.tls?.acmeEmail && !isInvalid(invalid, "platform:tls.acmeEmail")) {
      problems.push({ key: "platform:tls.acmeEmail", message: `Let's Encrypt (issuer ${issuer}) needs a contact email; set platform:tls.acmeEmail` });
    }
  }

  const mlSettings = resolveMl(tier, s.cloud?.kind, s.ml ?? {}, problems);
  // Team emails are checked against the sign-in domains only when those are known (identity parsed, emailDomains valid).
  const emailDomains = identity && !isInvalid(invalid, "platform:identity.emailDomains") ? identity.emailDomains : undefined;
  const kubeflowSettings = resolveKubeflow(tier, s.cloud?.kind, s.kubeflow ?? {}, emailDomains, problems, invalid);
  const observabilitySettings = resolveObservability(tier, s.observability ?? {}, problems, s.cloud?.kind === "existing" && !mlSettings.minio);

  if (!tier || !cloudSettings || !s.dns || !identity || problems.length > 0 || invalid.length > 0) return undefined;
  return {
    stack,
    tier,
    cloud: cloudSettings,
    dns: s.dns,
    tls: { acmeEmail: s.tls?.acmeEmail, issuer },
    edge: {
      gatewayService: { type: s.edge?.gatewayService?.type ?? "LoadBalancer", annotations: s.edge?.gatewayService?.annotations ?? {} },
      dns01RecursiveNameservers: s.edge?.dns01RecursiveNameservers ?? ["8.8.8.8:53", "1.1.1.1:53"],
    },
    identity,
    ml: mlSettings,
    kubeflow: kubeflowSettings,
    observability: observabilitySettings,
    protect: tier === "prod",
    forceDestroy: tier === "ephemeral" || tier === "local",
  };
}

// Tier-based defaults and cross-field rules. Input: the sections as parsed by
// schema.ts. Output: one fully-resolved, typed PlatformConfig in which nothing
// is optional that a component needs, or a list of problems (all of them).
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { CloudInput, ConnectorInput, NodePoolInput, Tier, dns as dnsSchema, edge as edgeSchema, identity as identitySchema, tls as tlsSchema } from "./schema";

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
  /** prod: stateful resources are protected and clusters have deletion protection. */
  protect: boolean;
  /** ephemeral: everything, buckets included, can be destroyed without manual steps. */
  forceDestroy: boolean;
}

export interface Problem {
  key: string;
  message: string;
}

/** Kubernetes API server versions this release is tested against for EKS. */
export const defaultEksVersion = "1.34";

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

function resolvePools(kind: "gke" | "eks", tier: Tier, pools: NodePoolInput[] | undefined, problems: Problem[]): NodePool[] {
  const list = pools ?? defaultPools[kind][tier];
  const seen = new Set<string>();
  return list.map((p, i) => {
    const key = `platform:cloud.nodePools[${i}]`;
    if (seen.has(p.name)) problems.push({ key: `${key}.name`, message: `duplicate node pool name "${p.name}"; names must be unique` });
    seen.add(p.name);
    if (p.min > p.max) problems.push({ key: `${key}.min`, message: `min (${p.min}) is greater than max (${p.max})` });
    if (p.role === "gpu" && !p.gpu) {
      problems.push({ key: `${key}.gpu`, message: `a pool with role gpu needs gpu: { ${kind === "gke" ? "type: nvidia-l4, " : ""}count: 1 }` });
    }
    if (p.gpu && p.role !== "gpu") problems.push({ key: `${key}.role`, message: `pool has gpu set, so role must be "gpu" (found "${p.role}")` });
    if (kind === "gke" && p.gpu && !p.gpu.type) {
      problems.push({ key: `${key}.gpu.type`, message: "GKE needs the accelerator type, e.g. nvidia-l4 or nvidia-tesla-t4" });
    }
    if (kind === "eks" && p.gpu?.type) {
      problems.push({ key: `${key}.gpu.type`, message: "on EKS the instance type (machineType, e.g. g6.xlarge) sets the GPU; remove gpu.type" });
    }
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
      labels: { "platform/pool-role": p.role, ...(p.labels ?? {}) },
      taints: taints.map((t) => ({ key: t.key, value: t.value ?? "", effect: t.effect })),
    };
  });
}

function resolveCloud(tier: Tier, c: CloudInput, problems: Problem[]): CloudSettings {
  switch (c.kind) {
    case "gke": {
      const regional = c.regional ?? tier === "prod";
      if (!regional && !c.zone) {
        problems.push({ key: "platform:cloud.zone", message: `required for a zonal cluster (regional is false for tier ${tier}); set zone: ${c.region}-b or regional: true` });
      }
      if (c.zone && !c.zone.startsWith(`${c.region}-`)) {
        problems.push({ key: "platform:cloud.zone", message: `zone "${c.zone}" is not in region "${c.region}"` });
      }
      const masterAuthorizedNetworks = c.masterAuthorizedNetworks ?? [];
      if (tier === "prod" && masterAuthorizedNetworks.length === 0) {
        problems.push({ key: "platform:cloud.masterAuthorizedNetworks", message: "prod must restrict who reaches the Kubernetes API; list at least one { name, cidr }" });
      }
      const privateNodes = c.privateNodes ?? true;
      if (tier === "prod" && !privateNodes) {
        problems.push({ key: "platform:cloud.privateNodes", message: "prod nodes must be private (no public IPs); remove privateNodes: false" });
      }
      return {
        kind: "gke",
        project: c.project,
        region: c.region,
        location: regional ? c.region : (c.zone ?? c.region),
        regional,
        releaseChannel: c.releaseChannel ?? (tier === "prod" ? "STABLE" : "REGULAR"),
        network: {
          nodeCidr: c.network?.nodeCidr ?? "10.10.0.0/20",
          podCidr: c.network?.podCidr ?? "10.16.0.0/14",
          serviceCidr: c.network?.serviceCidr ?? "10.12.0.0/20",
          masterCidr: c.network?.masterCidr ?? "172.16.0.0/28",
        },
        privateNodes,
        masterAuthorizedNetworks,
        dataplaneV2: c.dataplaneV2 ?? true,
        nodePools: resolvePools("gke", tier, c.nodePools, problems),
      };
    }
    case "eks": {
      const azs = c.availabilityZones ?? (tier === "prod" ? ["a", "b", "c"] : ["a", "b"]).map((s) => `${c.region}${s}`);
      azs.forEach((az, i) => {
        if (!az.startsWith(c.region)) problems.push({ key: `platform:cloud.availabilityZones[${i}]`, message: `"${az}" is not in region "${c.region}"` });
      });
      const endpoint = {
        public: c.endpoint?.public ?? true,
        private: c.endpoint?.private ?? true,
        publicCidrs: c.endpoint?.publicCidrs ?? ["0.0.0.0/0"],
      };
      if (!endpoint.public && !endpoint.private) {
        problems.push({ key: "platform:cloud.endpoint", message: "at least one of public or private must be true" });
      }
      if (tier === "prod" && endpoint.public && endpoint.publicCidrs.includes("0.0.0.0/0")) {
        problems.push({ key: "platform:cloud.endpoint.publicCidrs", message: "prod must not expose the Kubernetes API to 0.0.0.0/0; list your CIDRs or set public: false" });
      }
      return {
        kind: "eks",
        region: c.region,
        availabilityZones: azs,
        version: c.version ?? defaultEksVersion,
        vpcCidr: c.vpcCidr ?? "10.0.0.0/16",
        natGateways: c.natGateways ?? (tier === "prod" ? "perAz" : "single"),
        endpoint,
        admins: c.admins ?? [],
        nodePools: resolvePools("eks", tier, c.nodePools, problems),
      };
    }
    case "existing":
      return { kind: "existing", kubeconfig: c.kubeconfig, context: c.context, storageClass: c.storageClass };
  }
}

function isInZone(domain: string, zone: string): boolean {
  return domain === zone || domain.endsWith(`.${zone}`);
}

export interface ParsedSections {
  tier?: Tier;
  cloud?: CloudInput;
  dns?: z.infer<typeof dnsSchema>;
  tls?: z.infer<typeof tlsSchema>;
  edge?: z.infer<typeof edgeSchema>;
  identity?: z.infer<typeof identitySchema>;
}

function resolveIdentity(tier: Tier | undefined, id: z.infer<typeof identitySchema>, identityIsSecret: boolean, problems: Problem[]): IdentitySettings {
  const connectors = id.connectors ?? [];
  const staticUsers = id.staticUsers ?? [];
  if (staticUsers.length > 0 && tier && tier !== "local" && tier !== "dev") {
    problems.push({ key: "platform:identity.staticUsers", message: `static passwords are allowed only in local and dev tiers (this is ${tier}); sign in through a connector instead` });
  }
  if (connectors.length === 0 && staticUsers.length === 0) {
    problems.push({ key: "platform:identity.connectors", message: "nobody can sign in: add a connector (or staticUsers on local/dev)" });
  }
  const ids = new Set<string>();
  connectors.forEach((c, i) => {
    if (ids.has(c.id)) problems.push({ key: `platform:identity.connectors[${i}].id`, message: `duplicate connector id "${c.id}"` });
    ids.add(c.id);
  });
  const holdsSecrets = staticUsers.length > 0 || connectors.some((c) => c.type !== "saml");
  if (holdsSecrets && !identityIsSecret) {
    problems.push({ key: "platform:identity", message: "holds client secrets or passwords in plain text; set them with pulumi config set --secret --path" });
  }
  return { connectors, staticUsers, sessionLifetime: id.sessionLifetime ?? "24h", emailDomains: id.emailDomains ?? ["*"] };
}

/** Applies defaults and cross-section rules. Sections that failed to parse are absent; their rules are skipped. */
export function resolve(stack: string, s: ParsedSections, problems: Problem[], secretSections: readonly string[] = []): PlatformConfig | undefined {
  const tier = s.tier;
  const identity = s.identity ? resolveIdentity(tier, s.identity, secretSections.includes("identity"), problems) : undefined;
  if (tier && s.cloud) {
    if (tier === "local" && s.cloud.kind !== "existing") {
      problems.push({ key: "platform:tier", message: `tier local runs on an existing cluster (cloud.kind: existing); found cloud.kind "${s.cloud.kind}"` });
    }
  }
  const cloudSettings = tier && s.cloud ? resolveCloud(tier, s.cloud, problems) : undefined;

  const issuer = s.tls?.issuer ?? (tier === "prod" ? "production" : tier === "local" ? "selfSigned" : "staging");
  if (s.dns && s.cloud) {
    if (s.cloud.kind !== "existing" && !s.dns.zone) {
      problems.push({ key: "platform:dns.zone", message: `a ${s.cloud.kind} stack needs the DNS zone for its records and certificates: zone: { id, dnsName }` });
    }
    if (s.dns.zone && !isInZone(s.dns.domain, s.dns.zone.dnsName)) {
      problems.push({ key: "platform:dns.domain", message: `"${s.dns.domain}" is outside the DNS zone "${s.dns.zone.dnsName}"; use a name ending in .${s.dns.zone.dnsName}` });
    }
    if (s.dns.zone?.project && s.cloud.kind !== "gke") {
      problems.push({ key: "platform:dns.zone.project", message: "only GKE stacks use a zone project; remove it" });
    }
  }
  if (issuer !== "selfSigned" && !s.tls?.acmeEmail) {
    problems.push({ key: "platform:tls.acmeEmail", message: `Let's Encrypt (issuer ${issuer}) needs a contact email; set platform:tls.acmeEmail` });
  }
  if (issuer !== "selfSigned" && s.cloud?.kind === "existing" && !s.dns?.zone) {
    problems.push({ key: "platform:tls.issuer", message: `issuer ${issuer} needs DNS-01 in a DNS zone, which an existing cluster does not manage; use issuer: selfSigned` });
  }

  if (!tier || !cloudSettings || !s.dns || !identity || problems.length > 0) return undefined;
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
    protect: tier === "prod",
    forceDestroy: tier === "ephemeral" || tier === "local",
  };
}

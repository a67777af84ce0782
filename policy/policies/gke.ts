// GKE hardening, after the CIS GKE Benchmark's control-plane and node recommendations.
import type { Policy, PolicyResource } from "../types";
import { asArray, get, isAnywhere } from "../util";

const cluster = "gcp:container/cluster:Cluster";
const nodePool = "gcp:container/nodePool:NodePool";

/** Node configs of a cluster (its default pool, if it sets one) or a node pool. */
const nodeConfigs = (r: PolicyResource): Record<string, any>[] => {
  const nc = r.inputs.nodeConfig;
  return nc && typeof nc === "object" ? [nc] : [];
};

export const gkePolicies: Policy[] = [
  {
    kind: "resource",
    id: "gke-legacy-abac-disabled",
    description: "GKE clusters keep legacy ABAC off, so RBAC alone authorizes (CIS GKE 5.8.3).",
    level: "mandatory",
    resourceTypes: [cluster],
    check: (r) => (r.inputs.enableLegacyAbac === true ? ["enableLegacyAbac is true: legacy ABAC grants broad access outside RBAC"] : []),
  },
  {
    kind: "resource",
    id: "gke-basic-auth-disabled",
    description: "GKE clusters use no static basic-auth credentials and issue no client certificates (CIS GKE 5.8.1, 5.8.2).",
    level: "mandatory",
    resourceTypes: [cluster],
    check: (r) => {
      const out: string[] = [];
      if (get(r.inputs, "masterAuth.username") || get(r.inputs, "masterAuth.password")) out.push("masterAuth sets a basic-auth username/password");
      if (get(r.inputs, "masterAuth.clientCertificateConfig.issueClientCertificate") === true) out.push("masterAuth issues a client certificate (a long-lived credential)");
      return out;
    },
  },
  {
    kind: "resource",
    id: "gke-shielded-nodes",
    description: "GKE clusters enable Shielded GKE Nodes (CIS GKE 5.5.5).",
    level: "mandatory",
    resourceTypes: [cluster],
    check: (r) => (r.inputs.enableShieldedNodes === false ? ["enableShieldedNodes is false"] : []),
  },
  {
    kind: "resource",
    id: "gke-secure-boot",
    description: "GKE node pools boot with Secure Boot and integrity monitoring (CIS GKE 5.5.6, 5.5.7).",
    level: "mandatory",
    resourceTypes: [nodePool, cluster],
    check: (r) =>
      nodeConfigs(r).flatMap((nc) => {
        const s = nc.shieldedInstanceConfig ?? {};
        const out: string[] = [];
        if (s.enableSecureBoot !== true) out.push("nodeConfig.shieldedInstanceConfig.enableSecureBoot is not true");
        if (s.enableIntegrityMonitoring === false) out.push("nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring is false");
        return out;
      }),
  },
  {
    kind: "resource",
    id: "gke-metadata-server",
    description: "GKE nodes run the GKE metadata server (workloadMetadataConfig GKE_METADATA), hiding the node's credentials from pods (CIS GKE 5.4.2).",
    level: "mandatory",
    resourceTypes: [nodePool, cluster],
    check: (r) =>
      nodeConfigs(r).flatMap((nc) =>
        get(nc, "workloadMetadataConfig.mode") === "GKE_METADATA" ? [] : [`nodeConfig.workloadMetadataConfig.mode is ${JSON.stringify(get(nc, "workloadMetadataConfig.mode") ?? null)}, not GKE_METADATA`],
      ),
  },
  {
    kind: "resource",
    id: "gke-legacy-metadata-endpoints-disabled",
    description: "GKE nodes disable the legacy metadata endpoints (CIS GKE 5.4.1).",
    level: "mandatory",
    resourceTypes: [nodePool, cluster],
    check: (r) =>
      nodeConfigs(r).flatMap((nc) =>
        get(nc, "metadata")?.["disable-legacy-endpoints"] === "true" ? [] : ['nodeConfig.metadata["disable-legacy-endpoints"] is not "true"'],
      ),
  },
  {
    kind: "resource",
    id: "gke-node-service-account",
    description: "GKE nodes run as a dedicated least-privilege service account, not the Compute Engine default (CIS GKE 5.2.1).",
    level: "mandatory",
    resourceTypes: [nodePool, cluster],
    check: (r) =>
      nodeConfigs(r).flatMap((nc) => {
        const sa = nc.serviceAccount;
        if (typeof sa !== "string" || sa === "" || sa === "default") return ["nodeConfig.serviceAccount is not set (nodes would run as the Compute Engine default service account)"];
        if (sa.endsWith("-compute@developer.gserviceaccount.com")) return [`nodeConfig.serviceAccount is the Compute Engine default (${sa})`];
        return [];
      }),
  },
  {
    kind: "resource",
    id: "gke-workload-identity",
    description: "GKE clusters enable Workload Identity, so pods get cloud access through their Kubernetes service account only (CIS GKE 5.2.2).",
    level: "mandatory",
    resourceTypes: [cluster],
    check: (r) => (get(r.inputs, "workloadIdentityConfig.workloadPool") ? [] : ["workloadIdentityConfig.workloadPool is not set"]),
  },
  {
    kind: "resource",
    id: "gke-release-channel",
    description: "GKE clusters follow a release channel (REGULAR, STABLE or RAPID), so control plane and nodes get security patches (CIS GKE 5.5.4).",
    level: "mandatory",
    resourceTypes: [cluster],
    check: (r) => {
      const ch = get(r.inputs, "releaseChannel.channel");
      return ["REGULAR", "STABLE", "RAPID", "EXTENDED"].includes(ch) ? [] : [`releaseChannel.channel is ${JSON.stringify(ch ?? null)}`];
    },
  },
  {
    kind: "resource",
    id: "gke-node-auto-repair-upgrade",
    description: "GKE node pools auto-repair and auto-upgrade (CIS GKE 5.5.2, 5.5.3).",
    level: "mandatory",
    resourceTypes: [nodePool],
    check: (r) => {
      const m = r.inputs.management ?? {};
      const out: string[] = [];
      if (m.autoRepair !== true) out.push("management.autoRepair is not true");
      if (m.autoUpgrade !== true) out.push("management.autoUpgrade is not true");
      return out;
    },
  },
  {
    kind: "resource",
    id: "gke-logging-monitoring",
    description: "GKE clusters keep Cloud Logging and Monitoring on (CIS GKE 5.7.1).",
    level: "mandatory",
    resourceTypes: [cluster],
    check: (r) => {
      const out: string[] = [];
      if (r.inputs.loggingService === "none") out.push('loggingService is "none"');
      if (r.inputs.monitoringService === "none") out.push('monitoringService is "none"');
      const comps = get(r.inputs, "loggingConfig.enableComponents");
      if (Array.isArray(comps) && comps.length === 0) out.push("loggingConfig.enableComponents is empty");
      return out;
    },
  },
  {
    kind: "resource",
    id: "gke-network-policy",
    description: "GKE clusters enforce NetworkPolicy (Dataplane V2 or the network policy add-on) (CIS GKE 5.6.7).",
    level: "advisory",
    resourceTypes: [cluster],
    check: (r) =>
      r.inputs.datapathProvider === "ADVANCED_DATAPATH" || get(r.inputs, "networkPolicy.enabled") === true
        ? []
        : ["neither Dataplane V2 (datapathProvider ADVANCED_DATAPATH) nor networkPolicy.enabled"],
  },
  {
    kind: "resource",
    id: "gke-kubernetes-alpha-disabled",
    description: "GKE clusters do not enable Kubernetes alpha features (unsupported, no upgrades) (CIS GKE 5.10.2).",
    level: "mandatory",
    resourceTypes: [cluster],
    check: (r) => (r.inputs.enableKubernetesAlpha === true ? ["enableKubernetesAlpha is true"] : []),
  },
  {
    kind: "resource",
    id: "gke-secrets-encryption",
    description: "If application-layer secrets encryption is configured on GKE, it is ENCRYPTED with a Cloud KMS key (CIS GKE 5.3.1).",
    level: "mandatory",
    resourceTypes: [cluster],
    check: (r) => {
      const de = r.inputs.databaseEncryption;
      if (!de) return [];
      return de.state === "ENCRYPTED" && typeof de.keyName === "string" && de.keyName !== "" ? [] : ["databaseEncryption is set but not ENCRYPTED with a keyName"];
    },
  },
  {
    kind: "resource",
    id: "gke-private-nodes",
    description: "Prod GKE clusters have private nodes (no public IPs on nodes).",
    level: "mandatory",
    tiers: ["prod"],
    resourceTypes: [cluster],
    check: (r) => (get(r.inputs, "privateClusterConfig.enablePrivateNodes") === true ? [] : ["privateClusterConfig.enablePrivateNodes is not true"]),
  },
  {
    kind: "resource",
    id: "gke-authorized-networks",
    description: "Prod GKE control planes accept only listed networks (master authorized networks, none open to the internet) (CIS GKE 5.6.3).",
    level: "mandatory",
    tiers: ["prod"],
    resourceTypes: [cluster],
    check: (r) => {
      if (get(r.inputs, "privateClusterConfig.enablePrivateEndpoint") === true) return [];
      const blocks = asArray<any>(get(r.inputs, "masterAuthorizedNetworksConfig.cidrBlocks"));
      if (blocks.length === 0) return ["masterAuthorizedNetworksConfig.cidrBlocks is empty: the public endpoint accepts any address"];
      return blocks.filter((b) => isAnywhere(b?.cidrBlock)).map((b) => `masterAuthorizedNetworksConfig allows ${b.cidrBlock} (${b.displayName ?? "unnamed"})`);
    },
  },
];

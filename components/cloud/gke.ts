// GKE adapter: VPC, private cluster with workload identity, node pools from
// config, and the Cloud port on top (Google service accounts, GCS buckets,
// Cloud DNS). Only this file and its siblings in components/cloud import @pulumi/gcp.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as gcp from "@pulumi/gcp";
import * as random from "@pulumi/random";
import * as command from "@pulumi/command";
import type { DatabaseTier } from "../../infra/config/ml";
import type { GkeSettings, NodePool, PlatformConfig } from "../../infra/config/resolve";
import { bucketForceDestroy, type BucketOptions, type Cloud, type Database, type Dns01Solver, type Grant, type ObjectStore, type ServiceAccountRef, type WorkloadIdentity } from "./cloud";
import { execKubeconfig } from "./kubeconfig";
import { gcpAccountId, gcpRoleIdPart, physicalName } from "./names";
import { claimConsumer, generatedPassword, postgresMajor } from "./postgres";
import { taintEffect } from "./taints";

const cloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";
/** GKE spreads a regional cluster's nodes over three of the region's zones unless nodeLocations says otherwise. */
const regionalZones = 3;
/**
 * Custom roles for DNS-01 and external-dns, instead of roles/dns.admin (which could delete the zone or
 * change its IAM) and roles/dns.reader (which reads every zone's records). Records and changes are
 * bound on the platform's zone only; zone listing (external-dns) is a project-level permission.
 */
export const dnsRecordPermissions = [
  "dns.changes.create",
  "dns.changes.get",
  "dns.changes.list",
  "dns.managedZones.get",
  "dns.resourceRecordSets.create",
  "dns.resourceRecordSets.delete",
  "dns.resourceRecordSets.get",
  "dns.resourceRecordSets.list",
  "dns.resourceRecordSets.update",
];
export const dnsZoneListPermissions = ["dns.managedZones.list"];

/** istiod's webhook port (sidecar injection, validation), which a private control plane cannot reach by default. */
const istioWebhookPort = 15017;
/**
 * Kubeflow 26.03's webhook target ports: PodDefaults 4443; Katib and the Pipelines cache 8443;
 * KServe, PVC viewer, Trainer and JobSet 9443 (the API server calls the pod's port, not the Service's).
 */
export const kubeflowWebhookPorts = [4443, 8443, 9443];
const requiredApis = [
  "compute.googleapis.com",
  "container.googleapis.com",
  "dns.googleapis.com",
  "iam.googleapis.com",
  // Cloud SQL over private services access (database()).
  "servicenetworking.googleapis.com",
  "sqladmin.googleapis.com",
];
/** Cloud SQL machine per database tier: dedicated-core custom machines (ENTERPRISE edition). */
export const cloudSqlTiers: Record<DatabaseTier, string> = { small: "db-custom-1-3840", medium: "db-custom-2-7680", large: "db-custom-4-15360" };


export interface GkeClusterArgs {
  config: PlatformConfig;
  settings: GkeSettings;
}

/** The settings every GKE node must have, whatever its pool: workload identity metadata and shielded boot. */
function hardenedNodeConfig(serviceAccount: pulumi.Input<string>) {
  return {
    serviceAccount,
    oauthScopes: [cloudPlatformScope],
    workloadMetadataConfig: { mode: "GKE_METADATA" },
    shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
    metadata: { "disable-legacy-endpoints": "true" },
  };
}

export class GkeCluster extends pulumi.ComponentResource implements Cloud {
  public readonly kind = "gke" as const;
  public readonly provider: k8s.Provider;
  public readonly kubeconfig: pulumi.Output<string>;
  public readonly clusterName: pulumi.Output<string>;
  public readonly storageClass = "standard-rwo";
  public readonly dnsProvider = "google" as const;
  public readonly gcpProvider: gcp.Provider;
  /**
   * The cluster's workload identity pool, read from the cluster: a binding for a member of the pool
   * must wait for the cluster, as GKE creates the pool with the project's first such cluster
   * ("Identity Pool does not exist" otherwise).
   */
  public readonly workloadPool: pulumi.Output<string>;
  /** The IAM API service: Google service accounts and roles wait for it on a fresh project. */
  public readonly iamApi: gcp.projects.Service;
  public readonly stack: string;
  public readonly nodeServiceAccount: pulumi.Output<string>;
  private readonly config: PlatformConfig;
  private readonly settings: GkeSettings;
  private readonly customRoles = new Map<string, gcp.projects.IAMCustomRole>();
  private roleSuffix?: random.RandomId;
  private readonly network: gcp.compute.Network;
  private readonly apis: Map<string, gcp.projects.Service>;
  private sqlInstance?: gcp.sql.DatabaseInstance;
  private readonly databases = new Set<string>();

  constructor(name: string, args: GkeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:cloud:Gke", name, {}, opts);
    const { config, settings: s } = args;
    this.config = config;
    this.settings = s;
    const workloadPool = `${s.project}.svc.id.goog`;
    const stack = config.stack;
    this.stack = stack;

    this.gcpProvider = new gcp.Provider(
      "gcp",
      { project: s.project, region: s.region, defaultLabels: { "managed-by": "pulumi", platform: "mlops", stack } },
      { parent: this },
    );
    const parent = { parent: this, provider: this.gcpProvider };

    const apis = requiredApis.map(
      (api) => new gcp.projects.Service(api.split(".")[0], { service: api, disableOnDestroy: false }, parent),
    );
    this.iamApi = apis[requiredApis.indexOf("iam.googleapis.com")];
    this.apis = new Map(requiredApis.map((api, i) => [api, apis[i]]));

    const network = new gcp.compute.Network(
      "vpc",
      { name: physicalName(stack, "vpc", 63), autoCreateSubnetworks: false, routingMode: "REGIONAL" },
      { ...parent, dependsOn: apis },
    );
    this.network = network;
    const subnet = new gcp.compute.Subnetwork(
      "nodes",
      {
        name: physicalName(stack, "nodes", 63),
        network: network.id,
        region: s.region,
        ipCidrRange: s.network.nodeCidr,
        privateIpGoogleAccess: true,
        secondaryIpRanges: [
          { rangeName: "pods", ipCidrRange: s.network.podCidr },
          { rangeName: "services", ipCidrRange: s.network.serviceCidr },
        ],
      },
      parent,
    );
    if (s.privateNodes) {
      // Private nodes have no public IPs; Cloud NAT gives them egress to pull images.
      const router = new gcp.compute.Router("router", { name: physicalName(stack, "router", 63), network: network.id, region: s.region }, parent);
      new gcp.compute.RouterNat(
        "nat",
        {
          name: physicalName(stack, "nat", 63),
          router: router.name,
          region: s.region,
          natIpAllocateOption: "AUTO_ONLY",
          sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
          logConfig: { enable: true, filter: "ERRORS_ONLY" },
        },
        parent,
      );
    }

    // Least-privilege node identity instead of the Compute Engine default service account.
    const nodeSa = new gcp.serviceaccount.Account(
      "nodes",
      { accountId: gcpAccountId(stack, "nodes"), displayName: `GKE nodes of ${stack}` },
      { ...parent, dependsOn: apis },
    );
    this.nodeServiceAccount = nodeSa.email;
    if (s.privateNodes) {
      // A private cluster's control plane reaches the nodes on tcp 443 and 10250 only. Admission webhooks on
      // other ports time out, and istiod's (sidecar injection, config validation) listens on 15017.
      new gcp.compute.Firewall(
        "master-webhooks",
        {
          name: physicalName(stack, "master-webhooks", 63),
          network: network.id,
          description: `GKE control plane of ${stack} to the admission webhooks on the nodes (Istio${config.kubeflow.enabled ? ", Kubeflow" : ""})`,
          direction: "INGRESS",
          sourceRanges: [s.network.masterCidr],
          targetServiceAccounts: [nodeSa.email],
          allows: [{ protocol: "tcp", ports: [istioWebhookPort, ...(config.kubeflow.enabled ? kubeflowWebhookPorts : [])].map(String) }],
        },
        parent,
      );
    }
    const nodeRoles = ["roles/container.defaultNodeServiceAccount", "roles/artifactregistry.reader"];
    const nodeGrants = nodeRoles.map(
      (role) => new gcp.projects.IAMMember(`nodes-${role.split("/")[1]}`, { project: s.project, role, member: nodeSa.member }, parent),
    );

    const cluster = new gcp.container.Cluster(
      "cluster",
      {
        name: physicalName("mlops", stack, 40),
        location: s.location,
        network: network.id,
        subnetwork: subnet.id,
        removeDefaultNodePool: true,
        initialNodeCount: 1,
        nodeConfig: hardenedNodeConfig(nodeSa.email),
        releaseChannel: { channel: s.releaseChannel },
        workloadIdentityConfig: { workloadPool },
        networkingMode: "VPC_NATIVE",
        ipAllocationPolicy: { clusterSecondaryRangeName: "pods", servicesSecondaryRangeName: "services" },
        privateClusterConfig: s.privateNodes
          ? { enablePrivateNodes: true, enablePrivateEndpoint: false, masterIpv4CidrBlock: s.network.masterCidr }
          : undefined,
        masterAuthorizedNetworksConfig:
          s.masterAuthorizedNetworks.length > 0
            ? { cidrBlocks: s.masterAuthorizedNetworks.map((n) => ({ displayName: n.name, cidrBlock: n.cidr })) }
            : undefined,
        datapathProvider: s.dataplaneV2 ? "ADVANCED_DATAPATH" : undefined,
        networkPolicy: s.dataplaneV2 ? undefined : { enabled: true, provider: "CALICO" },
        enableShieldedNodes: true,
        addonsConfig: {
          gcePersistentDiskCsiDriverConfig: { enabled: true },
          // Calico enforces NetworkPolicy only with the network-policy add-on enabled as well (without it the
          // Calico pods never run); Dataplane V2 enforces policy itself and must not have the add-on.
          networkPolicyConfig: s.dataplaneV2 ? undefined : { disabled: false },
        },
        deletionProtection: config.protect,
      },
      {
        ...parent,
        protect: config.protect,
        dependsOn: apis,
        // nodeConfig and initialNodeCount describe the default pool, which removeDefaultNodePool deletes
        // right after creation. The provider then reads nodeConfig back empty (and initialNodeCount as 0),
        // both ForceNew: without this, the second `pulumi up` would replace the whole cluster
        // (GoogleCloudPlatform/cloud-foundation-fabric#1275). The real nodes are the NodePools below.
        ignoreChanges: ["nodeConfig", "initialNodeCount"],
      },
    );
    this.clusterName = cluster.name;
    this.workloadPool = cluster.workloadIdentityConfig.apply((c) => c?.workloadPool ?? workloadPool);

    // Nodes start only once their service account holds its roles (logging, metrics, image pulls).
    const pools = s.nodePools.map((p) => this.nodePool(p, cluster, nodeSa.email, nodeGrants));

    this.kubeconfig = execKubeconfig({
      name: cluster.name,
      endpoint: cluster.endpoint,
      caData: cluster.masterAuth.clusterCaCertificate,
      command: "gke-gcloud-auth-plugin",
      args: [],
      installHint: "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin",
    });
    // Add-ons wait for schedulable nodes: the system pool (or every pool if none is marked system).
    const systemPools = pools.filter((_, i) => s.nodePools[i].role === "system");
    this.provider = new k8s.Provider(
      "gke",
      { kubeconfig: this.kubeconfig, enableServerSideApply: true },
      { parent: this, dependsOn: systemPools.length > 0 ? systemPools : pools },
    );

    this.registerOutputs({ clusterName: this.clusterName, kubeconfig: this.kubeconfig });
  }

  private nodePool(p: NodePool, cluster: gcp.container.Cluster, serviceAccount: pulumi.Output<string>, nodeGrants: pulumi.Resource[]): gcp.container.NodePool {
    return new gcp.container.NodePool(
      p.name,
      {
        // The provider appends a unique 26-character suffix, so a ForceNew change (spot, accelerators,
        // service account, metadata, scopes, shielded boot; machine type and disk size are updated in
        // place) creates the new pool beside the old one before deleting it; a fixed name would fail
        // that create with 409 "already exists". GKE pool names are at most 40 characters,
        // so pool names in config are at most 13 (validated in infra/config).
        namePrefix: `${p.name}-`,
        cluster: cluster.name,
        location: this.settings.location,
        // Per zone, not in total (and ForceNew): only the first size; the autoscaler's total bounds govern after.
        initialNodeCount: Math.ceil(p.min / this.zoneCount()),
        // total* counts are across zones, so min/max mean the same on zonal and regional clusters.
        autoscaling: { totalMinNodeCount: p.min, totalMaxNodeCount: p.max, locationPolicy: p.spot ? "ANY" : "BALANCED" },
        management: { autoRepair: true, autoUpgrade: true },
        upgradeSettings: { maxSurge: 1, maxUnavailable: 0 },
        nodeConfig: {
          ...hardenedNodeConfig(serviceAccount),
          machineType: p.machineType,
          diskSizeGb: p.diskSizeGb,
          diskType: "pd-balanced",
          spot: p.spot,
          labels: p.labels,
          taints: p.taints.map((t) => ({ key: t.key, value: t.value, effect: taintEffect[t.effect] })),
          guestAccelerators: p.gpu
            ? [{ type: p.gpu.type!, count: p.gpu.count, gpuDriverInstallationConfig: { gpuDriverVersion: "LATEST" } }]
            : undefined,
        },
      },
      // Changing min later must not replace the pool: the autoscaling bounds carry the new minimum.
      { parent: this, provider: this.gcpProvider, ignoreChanges: ["initialNodeCount"], dependsOn: nodeGrants },
    );
  }

  /** Zones the pools' nodes run in: a zonal cluster's one, or the three GKE picks for a regional cluster. */
  private zoneCount(): number {
    return this.settings.regional ? regionalZones : 1;
  }

  private zone() {
    const zone = this.config.dns.zone;
    if (!zone) throw new Error("platform:dns.zone is required on GKE (validated in config); this is a bug");
    return { project: zone.project ?? this.settings.project, name: zone.id };
  }

  workloadIdentity(name: string, sa: ServiceAccountRef, grants: Grant[], opts?: pulumi.ComponentResourceOptions): WorkloadIdentity {
    return new GkeWorkloadIdentity(name, { cluster: this, serviceAccount: sa, grants, zone: this.zone() }, { ...opts, providers: [this.gcpProvider] });
  }

  /**
   * A custom role in the DNS zone's project (a project's custom roles can be granted only inside it),
   * created once per stack on first use. Its ID carries the stack and a random suffix drawn when the
   * stack is created: a deleted custom role is soft-deleted for 7 days (the provider undeletes and
   * updates it if the same ID is created again) and its ID stays reserved for up to 30 more days, in
   * which creating that ID fails. A fresh suffix per stack lifetime lets an ephemeral stack be
   * destroyed and re-created under the same name at any time.
   */
  dnsRole(kind: "records" | "zoneList"): gcp.projects.IAMCustomRole {
    const existing = this.customRoles.get(kind);
    if (existing) return existing;
    this.roleSuffix ??= new random.RandomId("custom-role-suffix", { byteLength: 3 }, { parent: this });
    // At most 18 + 36 + 1 + 6 = 61 of the 64 characters a role ID may have.
    const stackId = gcpRoleIdPart(this.stack, 36);
    const role = new gcp.projects.IAMCustomRole(
      `dns-${kind === "records" ? "records" : "zone-list"}`,
      {
        project: this.zone().project,
        roleId: pulumi.interpolate`mlops_${kind === "records" ? "dnsRecords" : "dnsZoneList"}_${stackId}_${this.roleSuffix.hex}`,
        title: kind === "records" ? `DNS records in ${this.zone().name} (${this.stack})` : `List DNS zones (${this.stack})`,
        description: "Managed by the mlops platform stack; least privilege for cert-manager DNS-01 and external-dns.",
        permissions: kind === "records" ? dnsRecordPermissions : dnsZoneListPermissions,
        stage: "GA",
      },
      { parent: this, provider: this.gcpProvider, dependsOn: [this.iamApi] },
    );
    this.customRoles.set(kind, role);
    return role;
  }

  externalBucket(name: string): ObjectStore {
    return { kind: "gcs", bucket: pulumi.output(name), url: pulumi.output(`gs://${name}`) };
  }

  bucket(name: string, opts: BucketOptions = {}, resourceOpts?: pulumi.ComponentResourceOptions): ObjectStore {
    const bucket = new gcp.storage.Bucket(
      name,
      {
        name: physicalName(`${this.settings.project}-${this.config.stack}`, name, 63),
        location: this.settings.region,
        uniformBucketLevelAccess: true,
        publicAccessPrevention: "enforced",
        versioning: { enabled: opts.versioning ?? false },
        forceDestroy: bucketForceDestroy(this.config, opts),
      },
      { ...resourceOpts, provider: this.gcpProvider, protect: this.config.protect },
    );
    return { kind: "gcs", bucket: bucket.name, url: pulumi.interpolate`gs://${bucket.name}`, region: this.settings.region };
  }

  dns01Solver(): Dns01Solver {
    const zone = this.zone();
    return { cloudDNS: { project: zone.project, hostedZoneName: zone.name } };
  }
  /**
   * The stack's Cloud SQL for PostgreSQL instance, created on the first database() call: private IP only,
   * reached through private services access (a reserved range in the stack's VPC peered with Google's
   * service producer network), TLS required, automated backups with point-in-time recovery.
   */
  private postgres(): gcp.sql.DatabaseInstance {
    if (this.sqlInstance) return this.sqlInstance;
    const { config, settings: s, stack } = this;
    const db = config.ml.database;
    const parent = { parent: this, provider: this.gcpProvider };
    const range = new gcp.compute.GlobalAddress(
      "private-services",
      {
        name: physicalName(stack, "private-services", 63),
        network: this.network.id,
        purpose: "VPC_PEERING",
        addressType: "INTERNAL",
        // Google picks a free /20 in the VPC (4096 addresses: Cloud SQL and any later managed service).
        prefixLength: 20,
      },
      parent,
    );
    const connection = new gcp.servicenetworking.Connection(
      "private-services",
      {
        network: this.network.id,
        service: "servicenetworking.googleapis.com",
        reservedPeeringRanges: [range.name],
        // Cloud SQL keeps using the peering for a while after its instance is deleted, and deleting the
        // connection then fails ("Producer services ... are still using this connection"): destroy
        // abandons it, and the peering is removed from our side below.
        deletionPolicy: "ABANDON",
        // A re-created stack finds the abandoned ("shadow") connection of its predecessor: adopt it.
        updateOnCreationFail: true,
      },
      { ...parent, dependsOn: [this.apis.get("servicenetworking.googleapis.com")!] },
    );
    // An abandoned connection leaves the VPC peering in place, and a network with a peering cannot be
    // deleted: destroy removes it from the VPC's side (the compute API allows that even while the
    // producer still holds the connection), after the instance and before the network. Runs gcloud,
    // which the machine that runs Pulumi has for GKE anyway (gke-gcloud-auth-plugin).
    const commandProvider = new command.Provider("command", {}, { parent: this });
    const peering = "servicenetworking-googleapis-com";
    const peeringCleanup = new command.local.Command(
      "private-services-peering",
      {
        delete: pulumi.interpolate`if gcloud compute networks peerings list --project=${s.project} --network=${this.network.name} --format='value(name)' | grep -qx ${peering}; then gcloud compute networks peerings delete ${peering} --project=${s.project} --network=${this.network.name} --quiet; fi`,
      },
      { parent: this, provider: commandProvider, dependsOn: [connection] },
    );
    // Cloud SQL reserves a deleted instance's name for up to a week, and the name is ForceNew: a suffix
    // drawn once per stack lifetime lets a replacement or a re-created stack pick a fresh one.
    const suffix = new random.RandomId("postgres-suffix", { byteLength: 3 }, { parent: this });
    this.sqlInstance = new gcp.sql.DatabaseInstance(
      "postgres",
      {
        name: pulumi.interpolate`${physicalName(stack, "pg", 56)}-${suffix.hex}`,
        region: s.region,
        databaseVersion: `POSTGRES_${postgresMajor}`,
        // Terraform-level guard (the provider refuses to delete); settings.deletionProtectionEnabled is Google's.
        deletionProtection: config.protect,
        settings: {
          // db-custom-* machines exist only in the ENTERPRISE edition, and POSTGRES_16+ defaults to ENTERPRISE_PLUS.
          edition: "ENTERPRISE",
          tier: cloudSqlTiers[db.tier],
          availabilityType: db.highAvailability ? "REGIONAL" : "ZONAL",
          diskType: "PD_SSD",
          diskSize: db.storageGb,
          diskAutoresize: true,
          deletionProtectionEnabled: config.protect,
          ipConfiguration: {
            ipv4Enabled: false,
            privateNetwork: this.network.id,
            sslMode: "ENCRYPTED_ONLY",
          },
          backupConfiguration: {
            enabled: true,
            pointInTimeRecoveryEnabled: true,
            // ENTERPRISE keeps 1-7 days of transaction logs, and Cloud SQL requires more retained backups
            // than days of logs (400 "backup retention should be > transaction log retention").
            ...cloudSqlRetention(db.backupRetentionDays),
          },
        },
      },
      {
        ...parent,
        protect: config.protect,
        // The instance gets its private IP from the peered range: it must wait for the connection.
        dependsOn: [connection, peeringCleanup, this.apis.get("sqladmin.googleapis.com")!],
        // Autoresize grows the disk; a larger size read back must not be "reduced" to the configured one.
        ignoreChanges: ["settings.diskSize"],
      },
    );
    return this.sqlInstance;
  }

  database(consumer: string, opts?: pulumi.ComponentResourceOptions): Database {
    claimConsumer(this.databases, consumer);
    const instance = this.postgres();
    const parent = { ...opts, parent: opts?.parent ?? this, provider: this.gcpProvider };
    const password = generatedPassword(`postgres-${consumer}`, { parent: opts?.parent ?? this });
    const database = new gcp.sql.Database(`postgres-${consumer}`, { instance: instance.name, name: consumer }, parent);
    const user = new gcp.sql.User(
      `postgres-${consumer}`,
      {
        instance: instance.name,
        name: consumer,
        type: "BUILT_IN",
        password,
        // Postgres users that own objects cannot be deleted through the API; the instance takes them along.
        deletionPolicy: "ABANDON",
      },
      parent,
    );
    return { host: instance.privateIpAddress, port: 5432, database: consumer, user: consumer, password, sslMode: "require", ready: [database, user] };
  }
}

interface GkeWorkloadIdentityArgs {
  cluster: GkeCluster;
  serviceAccount: ServiceAccountRef;
  grants: Grant[];
  zone: { project: string; name: string };
}

/** A Google service account usable only by one Kubernetes service account, holding exactly the granted roles. */
export class GkeWorkloadIdentity extends pulumi.ComponentResource implements WorkloadIdentity {
  public readonly annotations: pulumi.Output<Record<string, string>>;
  public readonly principal: pulumi.Output<string | undefined>;
  public readonly serviceAccount: ServiceAccountRef;
  /** The component: depending on it waits for the service account and every binding. */
  public readonly ready: pulumi.Resource[] = [this];
  /** serviceAccount:<pool>[<ns>/<ksa>], from the cluster's output so the binding waits for the pool to exist. */
  public readonly member: pulumi.Output<string>;

  constructor(name: string, args: GkeWorkloadIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:cloud:GkeWorkloadIdentity", name, {}, opts);
    const { cluster, serviceAccount: ksa } = args;
    this.serviceAccount = ksa;
    const stack = cluster.stack;
    const gsa = new gcp.serviceaccount.Account(
      name,
      { accountId: gcpAccountId(stack, name), displayName: `${ksa.namespace}/${ksa.name} in ${stack}` },
      // On a fresh project the IAM API must be enabled before the first service account.
      { parent: this, dependsOn: [cluster.iamApi] },
    );
    this.member = pulumi.interpolate`serviceAccount:${cluster.workloadPool}[${ksa.namespace}/${ksa.name}]`;
    new gcp.serviceaccount.IAMMember(
      `${name}-workload-identity`,
      { serviceAccountId: gsa.name, role: "roles/iam.workloadIdentityUser", member: this.member },
      { parent: this },
    );
    args.grants.forEach((g, i) => {
      switch (g.kind) {
        case "dnsRecords":
          // Records and changes in the platform's zone only: not the zone itself, nor its IAM.
          new gcp.dns.DnsManagedZoneIamMember(
            `${name}-dns-zone`,
            { project: args.zone.project, managedZone: args.zone.name, role: cluster.dnsRole("records").name, member: gsa.member },
            { parent: this },
          );
          if (g.discoverZones) {
            // Zone names only (dns.managedZones.list), which cannot be granted below the project.
            new gcp.projects.IAMMember(
              `${name}-dns-zone-list`,
              { project: args.zone.project, role: cluster.dnsRole("zoneList").name, member: gsa.member },
              { parent: this },
            );
          }
          break;
        case "objectStore":
          new gcp.storage.BucketIAMMember(
            `${name}-bucket-${i}`,
            {
              bucket: g.store.bucket,
              role: g.access === "read" ? "roles/storage.objectViewer" : "roles/storage.objectUser",
              member: gsa.member,
            },
            { parent: this },
          );
          break;
      }
    });
    this.principal = gsa.email;
    this.annotations = gsa.email.apply((email): Record<string, string> => ({ "iam.gke.io/gcp-service-account": email }));
    this.registerOutputs({ principal: this.principal });
  }
}

/** Cloud SQL backup and log retention for `days` of backups: logs 1-7 days and fewer than the backups kept. */
export function cloudSqlRetention(days: number) {
  const logDays = Math.min(Math.max(days - 1, 1), 7);
  return { transactionLogRetentionDays: logDays, backupRetentionSettings: { retainedBackups: Math.max(days, logDays + 1), retentionUnit: "COUNT" } };
}

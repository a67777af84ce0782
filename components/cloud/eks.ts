// EKS adapter: VPC, cluster with KMS-encrypted secrets and control-plane logs,
// managed node groups with IMDSv2 enforced, IRSA, and the Cloud port on top
// (IAM roles for service accounts, S3 buckets, Route53).
//
// Identity: IRSA (an IAM OIDC provider per cluster), not EKS Pod Identity. IRSA
// works through the service account annotation alone, which every chart we
// install supports, needs no agent add-on on the nodes, and makes the binding
// visible in the trust policy itself (sub + aud conditions), which the offline
// plan and the tests can check.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as aws from "@pulumi/aws";
import { createHash } from "node:crypto";
import type { DatabaseTier } from "../../infra/config/ml";
import type { EksSettings, NodePool, PlatformConfig } from "../../infra/config/resolve";
import { poolRoleLabel } from "../../infra/config/schema";
import { charts, postgresClientImage } from "../../infra/versions";
import { helmChart, namespace } from "../helm";
import { bucketForceDestroy, type BucketOptions, type Cloud, type Database, type Dns01Solver, type Grant, type ObjectStore, type ServiceAccountRef, type WorkloadIdentity } from "./cloud";
import { EksNetwork } from "./eks-network";
import { execKubeconfig } from "./kubeconfig";
import { physicalName } from "./names";
import { claimConsumer, generatedPassword, postgresMajor } from "./postgres";
import { taintEffect } from "./taints";

const controlPlaneLogs = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

/** Days of control-plane logs kept, per tier (audit logs in prod for a year). */
export const logRetentionDays: Record<PlatformConfig["tier"], number> = { local: 7, ephemeral: 7, dev: 30, prod: 365 };

export function partitionOf(region: string): string {
  return region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
}

function managedPolicy(partition: string, name: string): string {
  return `arn:${partition}:iam::aws:policy/${name}`;
}

function serviceTrust(service: string): aws.iam.PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: ["sts:AssumeRole"] }],
  };
}

/** RDS instance class per database tier (Graviton: general purpose for medium and large). */
export const rdsInstanceClasses: Record<DatabaseTier, string> = { small: "db.t4g.small", medium: "db.m7g.large", large: "db.m7g.xlarge" };
/** Namespace of the Jobs that create each consumer's role and database on RDS (outside the mesh). */
export const dbSetupNamespace = "postgres-setup";

/**
 * Idempotent SQL that gives one consumer its role (login, current password) and a database it owns. Run by
 * psql with -v role=... -v db=... and the password in the environment (\getenv), so it is in no argument,
 * no Job spec and no log line. The master user is granted the role: on RDS it is no superuser, and since
 * PostgreSQL 16 CREATE DATABASE ... OWNER needs the creator to be able to SET ROLE to the owner.
 */
export const consumerSql = [
  "\\getenv pw CONSUMER_PASSWORD",
  "SELECT format('CREATE ROLE %I LOGIN', :'role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \\gexec",
  "SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', :'role', :'pw') \\gexec",
  "SELECT format('GRANT %I TO CURRENT_USER', :'role') \\gexec",
  "SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'role') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \\gexec",
  "SELECT format('ALTER DATABASE %I OWNER TO %I', :'db', :'role') \\gexec",
  "SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'db') \\gexec",
].join("\n");

/** Label every pool carries with its role (infra/config); GPU pools have `gpu`. */

/**
 * The NVIDIA device plugin: the AL2023 NVIDIA AMIs ship the driver and container toolkit but nothing that
 * advertises nvidia.com/gpu to the kubelet, so without it no pod can request a GPU. A DaemonSet on the GPU
 * pools only (the chart's default affinity needs Node Feature Discovery labels, which EKS nodes lack),
 * tolerating the GPU pools' taints.
 */
export function nvidiaDevicePlugin(gpuPools: NodePool[], opts: pulumi.ComponentResourceOptions) {
  const tolerations = new Map<string, { key: string; operator: "Exists"; effect: string }>();
  for (const t of gpuPools.flatMap((p) => p.taints)) tolerations.set(`${t.key}:${t.effect}`, { key: t.key, operator: "Exists", effect: t.effect });
  return helmChart(
    "nvidia-device-plugin",
    "kube-system",
    charts.nvidiaDevicePlugin,
    {
      nodeSelector: { [poolRoleLabel]: "gpu" },
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: poolRoleLabel, operator: "In", values: ["gpu"] }] }],
          },
        },
      },
      tolerations: [...tolerations.values()],
      gfd: { enabled: false },
    },
    opts,
  );
}

/**
 * A stable logical name for an admin's access entry: account and role name (unique in an account whatever
 * the path), e.g. admin-123456789012-platform-admins. URN names may not contain "::", which ARNs do.
 */
export function adminKey(principalArn: string): string {
  const m = /^arn:[^:]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(principalArn);
  if (!m) throw new Error(`admin ${principalArn} is not an IAM role ARN (validated in config); this is a bug`);
  return `admin-${m[1]}-${m[2]}`;
}

export interface EksClusterArgs {
  config: PlatformConfig;
  settings: EksSettings;
}

export class EksCluster extends pulumi.ComponentResource implements Cloud {
  public readonly kind = "eks" as const;
  public readonly provider: k8s.Provider;
  public readonly kubeconfig: pulumi.Output<string>;
  public readonly clusterName: pulumi.Output<string>;
  public readonly storageClass = "gp3";
  public readonly dnsProvider = "aws" as const;
  public readonly awsProvider: aws.Provider;
  public readonly oidcProviderArn: pulumi.Output<string>;
  public readonly oidcIssuerUrl: pulumi.Output<string>;
  public readonly partition: string;
  private readonly config: PlatformConfig;
  private readonly settings: EksSettings;
  private readonly network: EksNetwork;
  /** The EKS-created security group that the control plane and the managed node groups' nodes carry. */
  private readonly clusterSecurityGroupId: pulumi.Output<string>;
  private rds?: { instance: aws.rds.Instance; masterUser: string; masterPassword: pulumi.Output<string>; ns: k8s.core.v1.Namespace };
  private readonly databases = new Set<string>();

  constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:cloud:Eks", name, {}, opts);
    const { config, settings: s } = args;
    this.config = config;
    this.settings = s;
    this.partition = partitionOf(s.region);
    const clusterName = physicalName("mlops", config.stack, 100);

    this.awsProvider = new aws.Provider(
      "aws",
      { region: s.region as aws.Region, defaultTags: { tags: { "managed-by": "pulumi", platform: "mlops", stack: config.stack } } },
      { parent: this },
    );
    const parent = { parent: this, provider: this.awsProvider };
    const stateful = { ...parent, protect: config.protect };

    const network = new EksNetwork("network", { settings: s, clusterName }, { parent: this, providers: [this.awsProvider] });
    this.network = network;

    const secretsKey = new aws.kms.Key(
      "secrets",
      { description: `Envelope encryption of Kubernetes secrets in ${clusterName}`, enableKeyRotation: true, deletionWindowInDays: config.forceDestroy ? 7 : 30 },
      stateful,
    );

    const clusterRole = new aws.iam.Role("cluster", { assumeRolePolicy: serviceTrust("eks.amazonaws.com") }, parent);
    const clusterPolicy = new aws.iam.RolePolicyAttachment(
      "cluster-policy",
      { role: clusterRole.name, policyArn: managedPolicy(this.partition, "AmazonEKSClusterPolicy") },
      parent,
    );

    // EKS writes control-plane logs to this group and, if it does not exist, creates it itself: with no
    // retention (kept and billed forever) and outside the stack (it survives destroy, and a re-created
    // cluster of the same name then finds it). Created first, it has the tier's retention and goes with
    // the stack, except in prod, where the logs outlive the cluster for audit (retainOnDelete).
    const logGroup = new aws.cloudwatch.LogGroup(
      "control-plane-logs",
      { name: `/aws/eks/${clusterName}/cluster`, retentionInDays: logRetentionDays[config.tier] },
      { ...parent, retainOnDelete: config.tier === "prod" },
    );

    const cluster = new aws.eks.Cluster(
      "cluster",
      {
        name: clusterName,
        version: s.version,
        roleArn: clusterRole.arn,
        vpcConfig: {
          subnetIds: network.privateSubnetIds,
          endpointPrivateAccess: s.endpoint.private,
          endpointPublicAccess: s.endpoint.public,
          publicAccessCidrs: s.endpoint.public ? s.endpoint.publicCidrs : undefined,
        },
        enabledClusterLogTypes: controlPlaneLogs,
        encryptionConfig: { provider: { keyArn: secretsKey.arn }, resources: ["secrets"] },
        accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
        deletionProtection: config.protect,
        // STANDARD: no extended support, whose surcharge (a cluster-hour goes from $0.10 to $0.60) starts
        // silently when a version leaves standard support; AWS upgrades the control plane instead,
        // so keep platform:cloud.version current (the stack's version must not fall behind the cluster's).
        upgradePolicy: { supportType: "STANDARD" },
      },
      { ...stateful, dependsOn: [clusterPolicy, logGroup] },
    );
    this.clusterName = cluster.name;
    this.clusterSecurityGroupId = cluster.vpcConfig.apply((v) => v.clusterSecurityGroupId);

    for (const [i, principalArn] of s.admins.entries()) {
      // Keyed by the principal, not its position: reordering or removing one admin leaves the others alone
      // (a replaced entry would be created before the old one is gone, which EKS rejects as a duplicate).
      // The alias adopts entries of stacks created when the key was the list index.
      const key = adminKey(principalArn);
      const migrate = { ...parent, aliases: [{ name: `admin-${i}` }] };
      const entry = new aws.eks.AccessEntry(key, { clusterName: cluster.name, principalArn, type: "STANDARD" }, migrate);
      new aws.eks.AccessPolicyAssociation(
        key,
        {
          clusterName: cluster.name,
          principalArn: entry.principalArn,
          policyArn: `arn:${this.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
          accessScope: { type: "cluster" },
        },
        migrate,
      );
    }

    this.oidcIssuerUrl = cluster.identities.apply((ids) => ids[0].oidcs![0].issuer!);
    const oidc = new aws.iam.OpenIdConnectProvider("oidc", { url: this.oidcIssuerUrl, clientIdLists: ["sts.amazonaws.com"] }, parent);
    this.oidcProviderArn = oidc.arn;

    // The VPC CNI gets its permissions through IRSA, so nodes do not hold them.
    const cniIdentity = this.irsaRole("vpc-cni", { namespace: "kube-system", name: "aws-node" }, [], [managedPolicy(this.partition, "AmazonEKS_CNI_Policy")], { parent: this });
    // Add-ons follow the cluster's Kubernetes version: each is pinned to AWS's default build for the version
    // the cluster runs (read from the cluster, so a `version` upgrade moves them after the control plane).
    // The default, not the newest: an ordinary `pulumi up` moves an add-on only when AWS changes its
    // default build for that Kubernetes version (read again on every run), not on every new build.
    // Without a version EKS installs its default once and never upgrades it.
    const addon = (addonName: string, extra: Partial<aws.eks.AddonArgs> = {}): aws.eks.AddonArgs => ({
      clusterName: cluster.name,
      addonName,
      addonVersion: aws.eks
        .getAddonVersionOutput({ addonName, kubernetesVersion: cluster.version, mostRecent: false }, { parent: this, provider: this.awsProvider })
        .apply((v) => v.version),
      resolveConflictsOnCreate: "OVERWRITE",
      // Upgrades too: this program is the only source of the add-ons' configuration.
      resolveConflictsOnUpdate: "OVERWRITE",
      ...extra,
    });
    const vpcCni = new aws.eks.Addon("vpc-cni", addon("vpc-cni", { serviceAccountRoleArn: cniIdentity.principal as pulumi.Output<string> }), parent);
    const kubeProxy = new aws.eks.Addon("kube-proxy", addon("kube-proxy"), parent);

    const nodeRole = new aws.iam.Role("nodes", { assumeRolePolicy: serviceTrust("ec2.amazonaws.com") }, parent);
    const nodePolicies = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"].map(
      (p) => new aws.iam.RolePolicyAttachment(`nodes-${p}`, { role: nodeRole.name, policyArn: managedPolicy(this.partition, p) }, parent),
    );

    const groups = s.nodePools.map((p) => this.nodeGroup(p, cluster, nodeRole.arn, network.privateSubnetIds, [...nodePolicies, vpcCni, kubeProxy]));
    const systemGroups = groups.filter((_, i) => s.nodePools[i].role === "system");
    const readyGroups = systemGroups.length > 0 ? systemGroups : groups;

    new aws.eks.Addon("coredns", addon("coredns"), { ...parent, dependsOn: readyGroups });
    const ebsIdentity = this.irsaRole("ebs-csi", { namespace: "kube-system", name: "ebs-csi-controller-sa" }, [], [managedPolicy(this.partition, "service-role/AmazonEBSCSIDriverPolicy")], { parent: this });
    const ebsCsi = new aws.eks.Addon(
      "ebs-csi",
      addon("aws-ebs-csi-driver", { serviceAccountRoleArn: ebsIdentity.principal as pulumi.Output<string> }),
      { ...parent, dependsOn: readyGroups },
    );

    this.kubeconfig = execKubeconfig({
      name: cluster.name,
      endpoint: cluster.endpoint,
      caData: cluster.certificateAuthority.data,
      command: "aws",
      args: ["eks", "get-token", "--output", "json", "--region", s.region, "--cluster-name", cluster.name],
      installHint: "Install the AWS CLI v2 and log in (aws sso login or credentials in the environment).",
    });
    this.provider = new k8s.Provider("eks", { kubeconfig: this.kubeconfig, enableServerSideApply: true }, { parent: this, dependsOn: readyGroups });

    new k8s.storage.v1.StorageClass(
      "gp3",
      {
        metadata: { name: this.storageClass, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
        provisioner: "ebs.csi.aws.com",
        parameters: { type: "gp3", encrypted: "true" },
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
        reclaimPolicy: config.protect ? "Retain" : "Delete",
      },
      { parent: this, provider: this.provider, dependsOn: [ebsCsi] },
    );

    const gpuPools = s.nodePools.filter((p) => p.role === "gpu");
    if (gpuPools.length > 0) nvidiaDevicePlugin(gpuPools, { parent: this, provider: this.provider });

    this.registerOutputs({ clusterName: this.clusterName, kubeconfig: this.kubeconfig });
  }

  private nodeGroup(
    p: NodePool,
    cluster: aws.eks.Cluster,
    nodeRoleArn: pulumi.Output<string>,
    subnetIds: pulumi.Output<string>[],
    dependsOn: pulumi.Resource[],
  ): aws.eks.NodeGroup {
    const parent = { parent: this, provider: this.awsProvider };
    // IMDSv2 only, one hop: pods cannot reach the node's instance credentials. No fixed name: Pulumi
    // auto-names it (<pool>-<random>), so it never collides with another stack's or its own replacement.
    const template = new aws.ec2.LaunchTemplate(
      p.name,
      {
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
        blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: p.diskSizeGb, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }],
        updateDefaultVersion: true,
      },
      parent,
    );
    return new aws.eks.NodeGroup(
      p.name,
      {
        clusterName: cluster.name,
        // The provider appends a unique 26-character suffix (names are at most 63 characters): a ForceNew
        // change (instance type, capacity type, AMI type, subnets) then creates the new group before deleting
        // the old one, where a fixed name fails with ResourceInUseException.
        nodeGroupNamePrefix: `${p.name}-`,
        nodeRoleArn,
        subnetIds,
        instanceTypes: [p.machineType],
        capacityType: p.spot ? "SPOT" : "ON_DEMAND",
        amiType: p.gpu ? "AL2023_x86_64_NVIDIA" : "AL2023_x86_64_STANDARD",
        // The cluster's version, read from the cluster: a `version` upgrade rolls the nodes after the control
        // plane (the launch template sets no AMI, so EKS picks the AMI for this version).
        version: cluster.version,
        // desiredSize is managed, and equals min: nothing else scales these groups (no cluster-autoscaler
        // or Karpenter is installed yet; max is the bound for one). Ignoring desiredSize would make raising
        // min fail, as EKS rejects minSize > desiredSize. Each `pulumi up` sets the group back to min nodes;
        // when an autoscaler arrives it owns desiredSize and this must become ignoreChanges again, with
        // min raises handled by raising desiredSize with it.
        scalingConfig: { minSize: p.min, maxSize: p.max, desiredSize: p.min },
        updateConfig: { maxUnavailable: 1 },
        labels: p.labels,
        taints: p.taints.map((t) => ({ key: t.key, value: t.value, effect: taintEffect[t.effect] })),
        launchTemplate: { id: template.id, version: template.latestVersion.apply(String) },
      },
      { ...parent, dependsOn },
    );
  }

  private irsaRole(name: string, sa: ServiceAccountRef, grants: Grant[], managedPolicies: string[], opts?: pulumi.ComponentResourceOptions): EksWorkloadIdentity {
    return new EksWorkloadIdentity(
      name,
      {
        stack: this.config.stack,
        partition: this.partition,
        oidcProviderArn: this.oidcProviderArn,
        oidcIssuerUrl: this.oidcIssuerUrl,
        serviceAccount: sa,
        grants,
        managedPolicies,
        hostedZoneId: this.config.dns.zone?.id,
      },
      { ...opts, providers: [this.awsProvider] },
    );
  }

  workloadIdentity(name: string, sa: ServiceAccountRef, grants: Grant[], opts?: pulumi.ComponentResourceOptions): WorkloadIdentity {
    return this.irsaRole(name, sa, grants, [], opts);
  }

  externalBucket(name: string): ObjectStore {
    return { kind: "s3", bucket: pulumi.output(name), url: pulumi.output(`s3://${name}`), region: this.settings.region };
  }

  bucket(name: string, opts: BucketOptions = {}, resourceOpts?: pulumi.ComponentResourceOptions): ObjectStore {
    return new S3Bucket(name, { stack: this.config.stack, versioning: opts.versioning ?? false, forceDestroy: bucketForceDestroy(this.config, opts), region: this.settings.region }, {
      ...resourceOpts,
      providers: [this.awsProvider],
      protect: this.config.protect,
    });
  }

  dns01Solver(): Dns01Solver {
    const zone = this.config.dns.zone;
    if (!zone) throw new Error("platform:dns.zone is required on EKS (validated in config); this is a bug");
    return { route53: { region: this.settings.region, hostedZoneID: zone.id } };
  }
  /**
   * The stack's RDS for PostgreSQL instance, created on the first database() call: in the private subnets,
   * reachable on 5432 from the cluster security group only, encrypted, with automated backups.
   */
  private postgres() {
    if (this.rds) return this.rds;
    const { config } = this;
    const db = config.ml.database;
    // backupRetentionDays is at most RDS's 35 days: validated in infra/config/ml.ts.
    const parent = { parent: this, provider: this.awsProvider };
    const prefix = physicalName(config.stack, "pg", 36);
    const subnets = new aws.rds.SubnetGroup(
      "postgres",
      { namePrefix: `${prefix}-`, description: `Private subnets of ${config.stack}`, subnetIds: this.network.privateSubnetIds },
      parent,
    );
    const sg = new aws.ec2.SecurityGroup(
      "postgres",
      { namePrefix: `${prefix}-`, vpcId: this.network.vpcId, description: `PostgreSQL of ${config.stack}: tcp 5432 from the EKS cluster only` },
      parent,
    );
    // Managed node groups whose launch template sets no security groups carry the cluster security group,
    // and pods (VPC CNI, no security groups for pods) use their node's: this is every client in the cluster.
    new aws.vpc.SecurityGroupIngressRule(
      "postgres-from-cluster",
      { securityGroupId: sg.id, referencedSecurityGroupId: this.clusterSecurityGroupId, ipProtocol: "tcp", fromPort: 5432, toPort: 5432, description: "EKS cluster" },
      parent,
    );
    const masterUser = "platform_admin";
    const masterPassword = generatedPassword("postgres-master", { parent: this });
    const instance = new aws.rds.Instance(
      "postgres",
      {
        // The provider appends a unique 26-character suffix (at most 63): replacements and re-created stacks never collide.
        identifierPrefix: `${prefix}-`,
        engine: "postgres",
        engineVersion: String(postgresMajor),
        autoMinorVersionUpgrade: true,
        instanceClass: rdsInstanceClasses[db.tier],
        allocatedStorage: db.storageGb,
        storageType: "gp3",
        storageEncrypted: true,
        dbSubnetGroupName: subnets.name,
        vpcSecurityGroupIds: [sg.id],
        publiclyAccessible: false,
        multiAz: db.highAvailability,
        username: masterUser,
        password: masterPassword,
        backupRetentionPeriod: db.backupRetentionDays,
        copyTagsToSnapshot: true,
        deletionProtection: config.protect,
        skipFinalSnapshot: !config.protect,
        // In prod, deleting the instance (after lifting protection) leaves a final snapshot.
        finalSnapshotIdentifier: config.protect ? physicalName(config.stack, "pg-final", 63) : undefined,
        applyImmediately: !config.protect,
      },
      { ...parent, protect: config.protect },
    );
    const ns = namespace(dbSetupNamespace, undefined, { parent: this, provider: this.provider });
    this.rds = { instance, masterUser, masterPassword, ns };
    return this.rds;
  }

  /**
   * RDS has no API for databases and users: a Kubernetes Job creates them with psql (idempotent SQL).
   * The provider waits for the Job to complete; its name carries a hash of everything it applies,
   * so a changed password (or host, image, SQL) runs a new Job.
   */
  database(consumer: string, opts?: pulumi.ComponentResourceOptions): Database {
    claimConsumer(this.databases, consumer);
    const { instance, masterUser, masterPassword, ns } = this.postgres();
    const owner = opts?.parent ?? this;
    const password = generatedPassword(`postgres-${consumer}`, { parent: owner });
    const k8sOpts = { parent: owner, provider: this.provider };
    const secret = new k8s.core.v1.Secret(
      `postgres-setup-${consumer}`,
      {
        metadata: { name: `postgres-setup-${consumer.replace(/_/g, "-")}`, namespace: ns.metadata.name },
        type: "Opaque",
        stringData: { PGPASSWORD: masterPassword, CONSUMER_PASSWORD: password },
      },
      k8sOpts,
    );
    // Not a secret: 12 hex characters of a SHA-256 over two 32-character random passwords reveal nothing usable.
    const inputsHash = pulumi.unsecret(
      pulumi
        .all([masterPassword, password, instance.address])
        .apply(([m, p, host]) => createHash("sha256").update([m, p, host, postgresClientImage, consumerSql, consumer].join("\0")).digest("hex").slice(0, 12)),
    );
    const job = new k8s.batch.v1.Job(
      `postgres-setup-${consumer}`,
      {
        metadata: { name: pulumi.interpolate`postgres-${consumer.replace(/_/g, "-")}-${inputsHash}`, namespace: ns.metadata.name },
        spec: {
          backoffLimit: 6,
          template: {
            metadata: { labels: { "app.kubernetes.io/name": "postgres-setup", "app.kubernetes.io/instance": consumer } },
            spec: {
              restartPolicy: "Never",
              automountServiceAccountToken: false,
              securityContext: { runAsNonRoot: true, runAsUser: 70, runAsGroup: 70, seccompProfile: { type: "RuntimeDefault" } },
              containers: [
                {
                  name: "psql",
                  image: postgresClientImage,
                  command: ["sh", "-ec", 'printf "%s\\n" "$SQL" | psql -v ON_ERROR_STOP=1 -v role="$ROLE" -v db="$DATABASE" -f -'],
                  env: [
                    { name: "PGHOST", value: instance.address },
                    { name: "PGPORT", value: instance.port.apply(String) },
                    { name: "PGUSER", value: masterUser },
                    { name: "PGDATABASE", value: "postgres" },
                    { name: "PGSSLMODE", value: "require" },
                    { name: "PGCONNECT_TIMEOUT", value: "10" },
                    { name: "ROLE", value: consumer },
                    { name: "DATABASE", value: consumer },
                    { name: "SQL", value: consumerSql },
                    { name: "PGPASSWORD", valueFrom: { secretKeyRef: { name: secret.metadata.name, key: "PGPASSWORD" } } },
                    { name: "CONSUMER_PASSWORD", valueFrom: { secretKeyRef: { name: secret.metadata.name, key: "CONSUMER_PASSWORD" } } },
                  ],
                  securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                  resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
                },
              ],
            },
          },
        },
      },
      { ...k8sOpts, dependsOn: [instance, secret] },
    );
    return { host: instance.address, port: 5432, database: consumer, user: consumer, password, sslMode: "require", ready: [job] };
  }
}

interface EksWorkloadIdentityArgs {
  stack: string;
  partition: string;
  oidcProviderArn: pulumi.Output<string>;
  oidcIssuerUrl: pulumi.Output<string>;
  serviceAccount: ServiceAccountRef;
  grants: Grant[];
  managedPolicies: string[];
  hostedZoneId?: string;
}

/** The IAM statements a grant turns into; exported for tests. */
export function grantStatements(grant: Grant, partition: string, hostedZoneId: string | undefined, bucket?: string): aws.iam.PolicyStatement[] {
  switch (grant.kind) {
    case "dnsRecords": {
      if (!hostedZoneId) throw new Error("dnsRecords grant needs platform:dns.zone.id (the Route53 hosted zone ID)");
      return [
        {
          Effect: "Allow",
          Action: ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"],
          Resource: [`arn:${partition}:route53:::hostedzone/${hostedZoneId}`],
        },
        { Effect: "Allow", Action: ["route53:GetChange"], Resource: [`arn:${partition}:route53:::change/*`] },
        // Zone lookup by name (cert-manager) and listing (external-dns) cannot be scoped to one zone.
        {
          Effect: "Allow",
          Action: grant.discoverZones ? ["route53:ListHostedZonesByName", "route53:ListHostedZones", "route53:ListTagsForResources"] : ["route53:ListHostedZonesByName"],
          Resource: ["*"],
        },
      ];
    }
    case "objectStore": {
      const arn = `arn:${partition}:s3:::${bucket}`;
      const objectActions = grant.access === "read" ? ["s3:GetObject"] : ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"];
      return [
        { Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: [arn] },
        { Effect: "Allow", Action: objectActions, Resource: [`${arn}/*`] },
      ];
    }
  }
}

/** An IAM role that only one Kubernetes service account of this cluster can assume (IRSA). */
export class EksWorkloadIdentity extends pulumi.ComponentResource implements WorkloadIdentity {
  public readonly annotations: pulumi.Output<Record<string, string>>;
  public readonly principal: pulumi.Output<string | undefined>;
  public readonly serviceAccount: ServiceAccountRef;
  /** The component: depending on it waits for the service account and every binding. */
  public readonly ready: pulumi.Resource[] = [this];

  constructor(name: string, args: EksWorkloadIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:cloud:EksWorkloadIdentity", name, {}, opts);
    const ksa = args.serviceAccount;
    this.serviceAccount = ksa;
    const trust = pulumi.all([args.oidcProviderArn, args.oidcIssuerUrl]).apply(([arn, url]): aws.iam.PolicyDocument => {
      const issuer = url.replace(/^https:\/\//, "");
      return {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Federated: arn },
            Action: ["sts:AssumeRoleWithWebIdentity"],
            Condition: {
              StringEquals: {
                [`${issuer}:sub`]: `system:serviceaccount:${ksa.namespace}:${ksa.name}`,
                [`${issuer}:aud`]: "sts.amazonaws.com",
              },
            },
          },
        ],
      };
    });
    const role = new aws.iam.Role(name, { name: physicalName(args.stack, name, 64), assumeRolePolicy: trust }, { parent: this });

    if (args.grants.length > 0) {
      const buckets = args.grants.map((g) => (g.kind === "objectStore" ? g.store.bucket : pulumi.output("")));
      const policy = pulumi.all(buckets).apply(
        (names): aws.iam.PolicyDocument => ({
          Version: "2012-10-17",
          Statement: args.grants.flatMap((g, i) => grantStatements(g, args.partition, args.hostedZoneId, names[i])),
        }),
      );
      new aws.iam.RolePolicy(name, { role: role.name, policy }, { parent: this });
    }
    args.managedPolicies.forEach((policyArn) => {
      new aws.iam.RolePolicyAttachment(`${name}-${policyArn.split("/").pop()}`, { role: role.name, policyArn }, { parent: this });
    });

    this.principal = role.arn;
    this.annotations = role.arn.apply((arn): Record<string, string> => ({ "eks.amazonaws.com/role-arn": arn }));
    this.registerOutputs({ principal: this.principal });
  }
}

interface S3BucketArgs {
  stack: string;
  region: string;
  versioning: boolean;
  forceDestroy: boolean;
}

/** A private S3 bucket: public access blocked, owner-enforced, KMS-encrypted, optionally versioned. */
export class S3Bucket extends pulumi.ComponentResource implements ObjectStore {
  public readonly kind = "s3" as const;
  public readonly bucket: pulumi.Output<string>;
  public readonly url: pulumi.Output<string>;
  public readonly region: string;

  constructor(name: string, args: S3BucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:cloud:S3Bucket", name, {}, opts);
    const parent = { parent: this };
    // S3 names are global and this one would be predictable: someone else could hold it already (the first
    // `pulumi up` fails) or take it between a destroy and a re-create. The provider completes the prefix
    // with a unique 26-character suffix; the prefix may have at most 37 characters (37 + 26 = 63).
    const bucket = new aws.s3.Bucket(name, { bucketPrefix: `${physicalName(`mlops-${args.stack}`, name, 36)}-`, forceDestroy: args.forceDestroy }, parent);
    new aws.s3.BucketPublicAccessBlock(
      name,
      { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      parent,
    );
    new aws.s3.BucketOwnershipControls(name, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, parent);
    new aws.s3.BucketServerSideEncryptionConfiguration(
      name,
      { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true }] },
      parent,
    );
    if (args.versioning) {
      new aws.s3.BucketVersioning(name, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, parent);
    }
    this.bucket = bucket.bucket;
    this.url = pulumi.interpolate`s3://${bucket.bucket}`;
    this.region = args.region;
    this.registerOutputs({ bucket: this.bucket });
  }
}

// Which input changes make the provider replace a resource (ForceNew / RequiresReplace), per type
// this program creates, as Pulumi input paths (camelCase; list indexes dropped, so
// "nodeConfig.guestAccelerators.count" covers every accelerator). A change at or below a listed path
// (or the addition/removal of an object holding one) predicts a replacement.
//
// Sources, read from the providers' schemas rather than guessed:
// - GCP: hashicorp/terraform-provider-google google/services/{container,storage,sql,compute,
//   resourcemanager,servicenetworking}/*.go and tpgiamresource/resource_iam_member.go (every
//   `ForceNew: true`). Notably a node pool's machineType, diskSizeGb, diskType, labels and taints are
//   updated in place (GKE rolls the nodes; the pool stays), while spot, accelerators, service account,
//   oauth scopes, metadata and shielded boot replace it.
// - AWS: hashicorp/terraform-provider-aws internal/service/eks/{cluster,node_group}.go and
//   rds/instance.go (read); the smaller types (IAM, VPC, S3 companions, log groups) follow the same
//   provider's schemas as documented: names, parents and placement are ForceNew.
// - Kubernetes: pulumi/pulumi-kubernetes provider/pkg/provider/diff.go (`forceNew`): metadata.name and
//   metadata.namespace on every kind, plus the kinds below. The Kubernetes provider replaces a
//   resource with a fixed metadata.name delete-first by itself.
// - random, time and command: every input of random resources replaces them (keepers included);
//   time:Sleep and command:local:Command are listed by their triggers.
export const forceNew: Record<string, string[]> = {
  // ---- GCP
  "gcp:container/cluster:Cluster": [
    "name", "location", "project", "network", "subnetwork", "networkingMode", "datapathProvider", "description",
    "clusterIpv4Cidr", "defaultMaxPodsPerNode", "enableAutopilot", "enableKubernetesAlpha", "enableTpu", "initialNodeCount",
    "ipAllocationPolicy", "privateClusterConfig.masterIpv4CidrBlock", "privateClusterConfig.privateEndpointSubnetwork",
    "masterAuth.clientCertificateConfig", "confidentialNodes", "nodePools",
    // The default pool's node config (ForceNew like a pool's; this program ignores it after creation).
    "nodeConfig.spot", "nodeConfig.preemptible", "nodeConfig.guestAccelerators", "nodeConfig.serviceAccount", "nodeConfig.oauthScopes",
    "nodeConfig.metadata", "nodeConfig.shieldedInstanceConfig", "nodeConfig.localSsdCount", "nodeConfig.minCpuPlatform", "nodeConfig.bootDiskKmsKey",
  ],
  "gcp:container/nodePool:NodePool": [
    "name", "namePrefix", "cluster", "location", "project", "initialNodeCount", "maxPodsPerNode", "placementPolicy", "queuedProvisioning",
    "networkConfig.podRange", "networkConfig.createPodRange", "networkConfig.podIpv4CidrBlock", "networkConfig.subnetwork",
    "networkConfig.additionalNodeNetworkConfigs", "networkConfig.additionalPodNetworkConfigs", "networkConfig.podCidrOverprovisionConfig",
    "nodeConfig.spot", "nodeConfig.preemptible", "nodeConfig.guestAccelerators", "nodeConfig.serviceAccount", "nodeConfig.oauthScopes",
    "nodeConfig.metadata", "nodeConfig.shieldedInstanceConfig", "nodeConfig.localSsdCount", "nodeConfig.minCpuPlatform", "nodeConfig.bootDiskKmsKey",
    "nodeConfig.advancedMachineFeatures", "nodeConfig.reservationAffinity", "nodeConfig.sandboxConfig", "nodeConfig.soleTenantConfig",
    "nodeConfig.nodeGroup", "nodeConfig.secondaryBootDisks", "nodeConfig.ephemeralStorageLocalSsdConfig", "nodeConfig.localNvmeSsdBlockConfig",
    "nodeConfig.hostMaintenancePolicy", "nodeConfig.maxRunDuration", "nodeConfig.flexStart", "nodeConfig.enableConfidentialStorage",
    "nodeConfig.confidentialNodes.confidentialInstanceType", "nodeConfig.localSsdEncryptionMode",
  ],
  "gcp:storage/bucket:Bucket": ["name", "location", "project", "customPlacementConfig", "enableObjectRetention", "hierarchicalNamespace"],
  "gcp:sql/databaseInstance:DatabaseInstance": ["name", "project", "region", "encryptionKeyName", "replicaConfiguration", "settings.collation"],
  "gcp:sql/database:Database": ["name", "instance", "project"],
  "gcp:sql/user:User": ["name", "instance", "host", "type", "project", "iamEmail"],
  "gcp:serviceaccount/account:Account": ["accountId", "project"],
  "gcp:projects/iAMCustomRole:IAMCustomRole": ["roleId", "project"],
  "gcp:projects/service:Service": ["service", "project"],
  "gcp:projects/iAMMember:IAMMember": ["project", "role", "member", "condition"],
  "gcp:serviceaccount/iAMMember:IAMMember": ["serviceAccountId", "role", "member", "condition"],
  "gcp:storage/bucketIAMMember:BucketIAMMember": ["bucket", "role", "member", "condition"],
  "gcp:dns/dnsManagedZoneIamMember:DnsManagedZoneIamMember": ["managedZone", "project", "role", "member", "condition"],
  "gcp:compute/network:Network": ["name", "project", "autoCreateSubnetworks", "description", "internalIpv6Range", "networkProfile", "params"],
  "gcp:compute/subnetwork:Subnetwork": ["name", "project", "region", "network", "description", "externalIpv6Prefix", "internalIpv6Prefix", "reservedInternalRange", "params"],
  "gcp:compute/firewall:Firewall": ["name", "project", "direction", "params"],
  "gcp:compute/router:Router": ["name", "project", "region", "network", "encryptedInterconnectRouter", "nccGateway", "params"],
  "gcp:compute/routerNat:RouterNat": ["name", "project", "region", "router", "type", "endpointTypes", "initialNatIps"],
  "gcp:compute/globalAddress:GlobalAddress": ["name", "project", "address", "addressType", "description", "ipVersion", "network", "prefixLength", "purpose"],
  "gcp:servicenetworking/connection:Connection": ["network", "service"],
  // ---- AWS
  "aws:eks/cluster:Cluster": [
    "name", "roleArn", "bootstrapSelfManagedAddons", "accessConfig.bootstrapClusterCreatorAdminPermissions",
    "kubernetesNetworkConfig.ipFamily", "kubernetesNetworkConfig.serviceIpv4Cidr", "outpostConfig", "remoteNetworkConfig",
  ],
  "aws:eks/nodeGroup:NodeGroup": [
    "clusterName", "nodeGroupName", "nodeGroupNamePrefix", "nodeRoleArn", "subnetIds", "instanceTypes", "amiType", "capacityType",
    "diskSize", "remoteAccess", "launchTemplate.id", "launchTemplate.name",
  ],
  "aws:eks/addon:Addon": ["addonName", "clusterName"],
  "aws:rds/instance:Instance": [
    "availabilityZone", "backupTarget", "characterSetName", "customIamInstanceProfile", "dbName", "engine", "kmsKeyId",
    "ncharCharacterSetName", "restoreToPointInTime", "s3Import", "snapshotIdentifier", "storageEncrypted", "timezone", "username",
  ],
  "aws:rds/subnetGroup:SubnetGroup": ["name", "namePrefix"],
  "aws:s3/bucket:Bucket": ["bucket", "bucketPrefix", "objectLockEnabled"],
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": ["bucket"],
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": ["bucket"],
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": ["bucket", "expectedBucketOwner"],
  "aws:iam/role:Role": ["name", "namePrefix", "path"],
  "aws:iam/rolePolicy:RolePolicy": ["name", "namePrefix", "role"],
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ["role", "policyArn"],
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": ["url"],
  "aws:kms/key:Key": ["customerMasterKeySpec", "keyUsage", "multiRegion", "xksKeyId", "customKeyStoreId"],
  "aws:ec2/vpc:Vpc": ["cidrBlock", "instanceTenancy", "ipv4IpamPoolId", "ipv4NetmaskLength"],
  "aws:ec2/subnet:Subnet": ["vpcId", "cidrBlock", "availabilityZone", "availabilityZoneId", "outpostArn"],
  "aws:ec2/securityGroup:SecurityGroup": ["name", "namePrefix", "description", "vpcId"],
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ["securityGroupId"],
  "aws:ec2/eip:Eip": ["domain", "networkBorderGroup", "publicIpv4Pool", "customerOwnedIpv4Pool", "ipamPoolId"],
  "aws:ec2/natGateway:NatGateway": ["allocationId", "subnetId", "connectivityType", "privateIp"],
  "aws:ec2/routeTable:RouteTable": ["vpcId"],
  "aws:ec2/routeTableAssociation:RouteTableAssociation": ["subnetId", "gatewayId"],
  "aws:ec2/launchTemplate:LaunchTemplate": ["name", "namePrefix"],
  "aws:cloudwatch/logGroup:LogGroup": ["name", "namePrefix", "logGroupClass"],
  // ---- random, time, command
  "random:index/randomPassword:RandomPassword": ["*"],
  "random:index/randomString:RandomString": ["*"],
  "random:index/randomId:RandomId": ["*"],
  "time:index/sleep:Sleep": ["triggers"],
  "command:local:Command": ["triggers"],
};

const containerFields = [
  "args", "command", "env", "image", "imagePullPolicy", "lifecycle", "livenessProbe", "ports", "readinessProbe", "resources",
  "securityContext", "stdin", "stdinOnce", "terminationMessagePath", "terminationMessagePolicy", "tty", "volumeDevices", "volumeMounts", "workingDir",
];
const labelSelector = ["spec.selector"];

/** Kubernetes kinds (by "<group>/<version>:<Kind>" type suffix) with immutable fields beyond metadata.name/namespace. */
export const kubernetesForceNew: Record<string, string[]> = {
  "apps/v1:Deployment": labelSelector,
  "apps/v1:DaemonSet": labelSelector,
  "apps/v1:StatefulSet": ["spec.podManagementPolicy", "spec.revisionHistoryLimit", "spec.selector", "spec.serviceName", "spec.volumeClaimTemplates"],
  "batch/v1:Job": ["spec.completions", "spec.parallelism", "spec.selector", "spec.template"],
  "core/v1:ConfigMap": ["binaryData", "data"],
  "core/v1:Secret": ["type", "stringData", "data"],
  "core/v1:Service": ["spec.clusterIP"],
  "core/v1:PersistentVolumeClaim": ["spec"],
  "core/v1:ResourceQuota": ["spec.scopes"],
  "core/v1:Pod": [...containerFields.map((f) => `spec.containers.${f}`), ...containerFields.map((f) => `spec.initContainers.${f}`), "spec.volumes", "spec.securityContext", "spec.serviceAccountName", "spec.nodeSelector", "spec.affinity", "spec.hostNetwork", "spec.hostPID", "spec.hostIPC"],
  "storage.k8s.io/v1:StorageClass": ["parameters", "provisioner"],
  "rbac.authorization.k8s.io/v1:RoleBinding": ["roleRef"],
  "rbac.authorization.k8s.io/v1:ClusterRoleBinding": ["roleRef"],
};

/**
 * Chart values that render into immutable fields of the chart's own resources, by chart name (the
 * observability charts at their pinned versions). Under mocks a Chart renders nothing, so plan:diff
 * sees only the values; a change at or below `path` replaces what `renders` names, inside the Chart.
 * A StatefulSet's volumeClaimTemplates are ForceNew (above): the provider deletes the StatefulSet and
 * re-creates it under its fixed name, and the existing PVCs are reused as they are, so a new size
 * never reaches them. (Grafana's claim is the program's own resource, so the PVC rule above covers it.)
 */
export interface ChartForceNew {
  path: string;
  renders: string;
}
const vct = (path: string, statefulSet: string): ChartForceNew => ({ path, renders: `StatefulSet ${statefulSet} spec.volumeClaimTemplates` });
export const chartForceNew: Record<string, ChartForceNew[]> = {
  loki: [vct("values.singleBinary.persistence", "loki"), vct("values.ingester.persistence", "loki-ingester"), vct("values.compactor.persistence", "loki-compactor")],
  tempo: [vct("values.persistence", "tempo")],
  "mimir-distributed": [
    vct("values.ingester.persistentVolume", "mimir-ingester(-zone-*)"),
    vct("values.store_gateway.persistentVolume", "mimir-store-gateway(-zone-*)"),
    vct("values.compactor.persistentVolume", "mimir-compactor"),
  ],
};

/** The chart-level rule a change at `path` (dotted, indexes dropped) of a Chart's inputs hits, if any. */
export function chartForceNewHit(chart: unknown, path: string): ChartForceNew | undefined {
  const rules = typeof chart === "string" ? (chartForceNew[chart] ?? []) : [];
  const hit = hits(path, rules.map((r) => r.path));
  return rules.find((r) => r.path === hit);
}

/** The ForceNew paths of a type, or undefined when this table does not know the type. */
export function forceNewPaths(type: string): string[] | undefined {
  if (type.startsWith("kubernetes:") && type !== "kubernetes:helm.sh/v4:Chart" && !type.startsWith("pulumi:")) {
    const kind = type.slice("kubernetes:".length);
    return ["metadata.name", "metadata.namespace", ...(kubernetesForceNew[kind] ?? [])];
  }
  return forceNew[type];
}

/** Physical-name inputs: set explicitly (not a provider-generated name or prefix), a replacement reuses the name. */
export const nameInputs: Record<string, string[]> = {
  "gcp:container/cluster:Cluster": ["name"],
  "gcp:container/nodePool:NodePool": ["name"],
  "gcp:storage/bucket:Bucket": ["name"],
  "gcp:sql/databaseInstance:DatabaseInstance": ["name"],
  "gcp:sql/database:Database": ["name"],
  "gcp:sql/user:User": ["name"],
  "gcp:serviceaccount/account:Account": ["accountId"],
  "gcp:projects/iAMCustomRole:IAMCustomRole": ["roleId"],
  "gcp:compute/network:Network": ["name"],
  "gcp:compute/subnetwork:Subnetwork": ["name"],
  "gcp:compute/firewall:Firewall": ["name"],
  "gcp:compute/router:Router": ["name"],
  "gcp:compute/routerNat:RouterNat": ["name"],
  "gcp:compute/globalAddress:GlobalAddress": ["name"],
  "aws:eks/cluster:Cluster": ["name"],
  "aws:eks/nodeGroup:NodeGroup": ["nodeGroupName"],
  "aws:rds/instance:Instance": ["identifier"],
  "aws:rds/subnetGroup:SubnetGroup": ["name"],
  "aws:s3/bucket:Bucket": ["bucket"],
  "aws:iam/role:Role": ["name"],
  "aws:ec2/securityGroup:SecurityGroup": ["name"],
  "aws:cloudwatch/logGroup:LogGroup": ["name"],
  "aws:ec2/launchTemplate:LaunchTemplate": ["name"],
};

/** The fixed physical name of a resource (explicit, not generated), or undefined. */
export function fixedName(type: string, inputs: Record<string, unknown>): string | undefined {
  if (type.startsWith("kubernetes:") && type !== "kubernetes:helm.sh/v4:Chart") {
    const name = (inputs.metadata as Record<string, unknown> | undefined)?.name;
    return typeof name === "string" ? name : undefined;
  }
  for (const key of nameInputs[type] ?? []) {
    const v = inputs[key];
    if (typeof v === "string" && v !== "" && v !== "[unknown]") return v;
  }
  return undefined;
}

/** Does a change at `path` (dotted, indexes dropped) hit one of `paths`? */
export function hits(path: string, paths: string[]): string | undefined {
  for (const p of paths) {
    if (p === "*" || path === p || path.startsWith(`${p}.`) || p.startsWith(`${path}.`)) return p;
  }
  return undefined;
}

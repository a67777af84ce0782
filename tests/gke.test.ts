import { test } from "node:test";
import assert from "node:assert/strict";
import { planStack } from "../tools/plan-stack";
import { ofType, one, planVariant } from "./helpers";

test("GKE: private, shielded, workload-identity cluster with the default pool removed", async () => {
  const { plan } = await planStack("gke-dev");
  const cluster = one(plan, "gcp:container/cluster:Cluster", "cluster").inputs as any;
  assert.equal(cluster.removeDefaultNodePool, true);
  assert.equal(cluster.workloadIdentityConfig.workloadPool, "acme-ml-dev.svc.id.goog");
  assert.equal(cluster.privateClusterConfig.enablePrivateNodes, true);
  assert.equal(cluster.enableShieldedNodes, true);
  assert.equal(cluster.datapathProvider, "ADVANCED_DATAPATH");
  assert.equal(cluster.releaseChannel.channel, "REGULAR");
  assert.deepEqual(cluster.masterAuthorizedNetworksConfig.cidrBlocks, [{ displayName: "office-vpn", cidrBlock: "203.0.113.0/24" }]);
  assert.equal(cluster.deletionProtection, false);
  assert.equal(ofType(plan, "gcp:compute/routerNat:RouterNat").length, 1, "private nodes need Cloud NAT");
  const subnet = one(plan, "gcp:compute/subnetwork:Subnetwork", "nodes").inputs as any;
  assert.deepEqual(subnet.secondaryIpRanges.map((r: any) => r.rangeName), ["pods", "services"]);
});

test("GKE: node pools from config, hardened, with a least-privilege node service account", async () => {
  const { plan } = await planStack("gke-dev");
  const pools = ofType(plan, "gcp:container/nodePool:NodePool");
  assert.deepEqual(pools.map((p) => p.name), ["system", "cpu", "gpu-l4"]);
  const nodeSa = one(plan, "gcp:serviceaccount/account:Account", "nodes").inputs as any;
  for (const p of pools) {
    const nc = (p.inputs as any).nodeConfig;
    assert.equal(nc.workloadMetadataConfig.mode, "GKE_METADATA", p.name);
    assert.deepEqual(nc.shieldedInstanceConfig, { enableSecureBoot: true, enableIntegrityMonitoring: true });
    assert.equal(nc.serviceAccount, `${nodeSa.accountId}@acme-ml-dev.iam.gserviceaccount.com`);
  }
  const gpu = pools[2].inputs as any;
  assert.deepEqual(gpu.nodeConfig.guestAccelerators[0].type, "nvidia-l4");
  assert.deepEqual(gpu.nodeConfig.taints, [{ key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" }]);
  assert.equal(gpu.nodeConfig.spot, true);
  assert.deepEqual(gpu.autoscaling, { totalMinNodeCount: 0, totalMaxNodeCount: 2, locationPolicy: "ANY" });
  const nodeMember = `serviceAccount:${nodeSa.accountId}@acme-ml-dev.iam.gserviceaccount.com`;
  const roles = ofType(plan, "gcp:projects/iAMMember:IAMMember")
    .filter((m) => (m.inputs as any).member === nodeMember)
    .map((m) => (m.inputs as any).role);
  assert.deepEqual(roles.sort(), ["roles/artifactregistry.reader", "roles/container.defaultNodeServiceAccount"]);
});

test("GKE: the Kubernetes provider waits for the system pool and its kubeconfig is secret", async () => {
  const { plan, outputs } = await planStack("gke-dev");
  const provider = one(plan, "pulumi:providers:kubernetes", "gke");
  assert.equal((provider.inputs as any).kubeconfig, "[secret]");
  const system = one(plan, "gcp:container/nodePool:NodePool", "system");
  assert.ok(provider.dependsOn.includes(system.urn));
  assert.equal(outputs.kubeconfig, "[secret]");
});

test("GKE workload identity: GSA bound to exactly one KSA, with the granted roles", async () => {
  const { plan } = await planVariant("gke-dev", undefined, (cloud) => {
    const id = cloud.workloadIdentity("cert-manager", { namespace: "cert-manager", name: "cert-manager" }, [{ kind: "dnsRecords" }]);
    id.annotations.apply((a) => assert.match(a["iam.gke.io/gcp-service-account"], /^ml-gke-dev-cert-manager@/));
  });
  const binding = ofType(plan, "gcp:serviceaccount/iAMMember:IAMMember").map((r) => r.inputs as any);
  assert.equal(binding.length, 1);
  assert.equal(binding[0].role, "roles/iam.workloadIdentityUser");
  assert.equal(binding[0].member, "serviceAccount:acme-ml-dev.svc.id.goog[cert-manager/cert-manager]");
  const zoneGrant = one(plan, "gcp:dns/dnsManagedZoneIamMember:DnsManagedZoneIamMember", "cert-manager-dns-zone").inputs as any;
  const recordsRole = one(plan, "gcp:projects/iAMCustomRole:IAMCustomRole", "dns-records").inputs as any;
  assert.deepEqual([zoneGrant.managedZone, zoneGrant.role, zoneGrant.project], ["acme-example", `projects/acme-ml-dev/roles/${recordsRole.roleId}`, "acme-ml-dev"]);
  assert.equal(zoneGrant.member, "serviceAccount:ml-gke-dev-cert-manager@acme-ml-dev.iam.gserviceaccount.com");
});

test("GKE bucket: uniform access, public access prevented, force-destroy only where destroyable", async () => {
  for (const [stack, forceDestroy] of [["ephemeral", true], ["gke-dev", false]] as const) {
    const { plan } = await planVariant(stack, undefined, (cloud) => void cloud.bucket("artifacts", { versioning: true }));
    const b = one(plan, "gcp:storage/bucket:Bucket", "artifacts").inputs as any;
    assert.equal(b.uniformBucketLevelAccess, true);
    assert.equal(b.publicAccessPrevention, "enforced");
    assert.equal(b.forceDestroy, forceDestroy);
    assert.deepEqual(b.versioning, { enabled: true });
  }
});

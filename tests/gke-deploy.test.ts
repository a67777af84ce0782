// GKE: what makes the first and the second `pulumi up` succeed, checked on the plan
// (mocks echo inputs, so these guard the inputs and options the real providers need).
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Plan } from "../tools/mock-runtime";
import { ofType, one, planVariant } from "./helpers";

const gkeStacks = ["gke-dev", "prod", "ephemeral"];

/** The cloud adapter's part of a committed stack's plan, computed once per test file. */
const cloudPlans = new Map<string, Promise<Plan>>();
function cloudPlan(stack: string): Promise<Plan> {
  if (!cloudPlans.has(stack)) cloudPlans.set(stack, planVariant(stack).then((r) => r.plan));
  return cloudPlans.get(stack)!;
}

test("GKE cluster: the removed default pool's nodeConfig and initialNodeCount are ignored (no replacement on the 2nd up)", async () => {
  for (const stack of gkeStacks) {
    const cluster = one(await cloudPlan(stack), "gcp:container/cluster:Cluster", "cluster");
    assert.equal((cluster.inputs as any).removeDefaultNodePool, true, stack);
    for (const path of ["nodeConfig", "initialNodeCount"]) {
      assert.ok(cluster.options.ignoreChanges.includes(path), `${stack}: cluster must ignore ${path}`);
    }
  }
});

test("GKE node pools: provider-generated unique names, initial size per zone, later size changes ignored", async () => {
  for (const stack of gkeStacks) {
    const plan = await cloudPlan(stack);
    const cluster = one(plan, "gcp:container/cluster:Cluster", "cluster").inputs as any;
    // Zonal clusters have their one zone; regional ones spread each pool over three zones.
    const zones = /-[a-z]$/.test(cluster.location) ? 1 : 3;
    const pools = ofType(plan, "gcp:container/nodePool:NodePool");
    assert.ok(pools.length > 0);
    for (const pool of pools) {
      const p = pool.inputs as any;
      assert.equal(p.name, undefined, `${stack}/${pool.name}: a fixed name makes create-before-delete fail with 409`);
      assert.equal(p.namePrefix, `${pool.name}-`);
      assert.ok(p.namePrefix.length <= 14, `${stack}/${pool.name}: prefix + 26-character suffix must fit GKE's 40`);
      assert.equal(p.initialNodeCount, Math.ceil(p.autoscaling.totalMinNodeCount / zones), `${stack}/${pool.name}: initialNodeCount is per zone`);
      assert.ok(pool.options.ignoreChanges.includes("initialNodeCount"), `${stack}/${pool.name}: initialNodeCount is ForceNew`);
      for (const grant of ofType(plan, "gcp:projects/iAMMember:IAMMember").filter((m) => m.name.startsWith("nodes-"))) {
        assert.ok(pool.dependsOn.includes(grant.urn), `${stack}/${pool.name}: nodes start before their service account holds ${grant.name}`);
      }
    }
  }
  // prod is regional: min 3 is one node in each of three zones, not three per zone.
  const prodSystem = one(await cloudPlan("prod"), "gcp:container/nodePool:NodePool", "system").inputs as any;
  assert.deepEqual([prodSystem.initialNodeCount, prodSystem.autoscaling.totalMinNodeCount], [1, 3]);
});

test("GKE workload identity: the binding waits for the cluster (its identity pool), the GSA for the IAM API", async () => {
  const { plan } = await planVariant("gke-dev", undefined, (cloud) => {
    cloud.workloadIdentity("external-dns", { namespace: "external-dns", name: "external-dns" }, [{ kind: "dnsRecords", discoverZones: true }]);
  });
  const cluster = one(plan, "gcp:container/cluster:Cluster", "cluster");
  const pool = (cluster.inputs as any).workloadIdentityConfig.workloadPool;
  const binding = one(plan, "gcp:serviceaccount/iAMMember:IAMMember", "external-dns-workload-identity");
  assert.equal((binding.inputs as any).member, `serviceAccount:${pool}[external-dns/external-dns]`);
  assert.ok(binding.dependsOn.includes(cluster.urn), "the identity pool exists only once the cluster does");
  const iamApi = ofType(plan, "gcp:projects/service:Service").find((s) => (s.inputs as any).service === "iam.googleapis.com");
  assert.ok(iamApi, "the IAM API is enabled by the stack");
  const gsa = one(plan, "gcp:serviceaccount/account:Account", "external-dns");
  assert.ok(gsa.dependsOn.includes(iamApi.urn), "the GSA waits for the IAM API");
});

test("GKE DNS grants: custom roles with record and change permissions only, zone listing only for discoverZones", async () => {
  const { plan } = await planVariant("gke-dev", undefined, (cloud) => {
    cloud.workloadIdentity("cert-manager", { namespace: "cert-manager", name: "cert-manager" }, [{ kind: "dnsRecords" }]);
    cloud.workloadIdentity("external-dns", { namespace: "external-dns", name: "external-dns" }, [{ kind: "dnsRecords", discoverZones: true }]);
  });
  const roleText = JSON.stringify(plan.resources.map((r) => r.inputs));
  for (const predefined of ["roles/dns.admin", "roles/dns.reader", "roles/owner", "roles/editor"]) {
    assert.ok(!roleText.includes(`"${predefined}"`), `no workload gets ${predefined}`);
  }
  const records = one(plan, "gcp:projects/iAMCustomRole:IAMCustomRole", "dns-records");
  const zoneList = one(plan, "gcp:projects/iAMCustomRole:IAMCustomRole", "dns-zone-list");
  const r = records.inputs as any;
  const z = zoneList.inputs as any;
  assert.deepEqual([...r.permissions].sort(), [
    "dns.changes.create", "dns.changes.get", "dns.changes.list", "dns.managedZones.get",
    "dns.resourceRecordSets.create", "dns.resourceRecordSets.delete", "dns.resourceRecordSets.get",
    "dns.resourceRecordSets.list", "dns.resourceRecordSets.update",
  ]);
  assert.deepEqual(z.permissions, ["dns.managedZones.list"]);
  const suffix = one(plan, "random:index/randomId:RandomId", "custom-role-suffix");
  for (const role of [records, zoneList]) {
    const inputs = role.inputs as any;
    assert.equal(inputs.stage, "GA");
    assert.equal(inputs.project, "acme-ml-dev", "custom roles live in the zone's project");
    assert.match(inputs.roleId, /^[a-zA-Z0-9_.]{3,64}$/, "role IDs allow no hyphens and at most 64 characters");
    assert.ok(inputs.roleId.includes("_gke_dev_"), "the role ID carries the stack");
    // A re-created stack must not reuse a deleted role's ID (reserved up to 37 days after deletion).
    assert.ok(role.dependsOn.includes(suffix.urn), "the role ID has a per-lifetime random suffix");
  }
  const zoneGrants = ofType(plan, "gcp:dns/dnsManagedZoneIamMember:DnsManagedZoneIamMember");
  assert.deepEqual(zoneGrants.map((g) => g.name).sort(), ["cert-manager-dns-zone", "external-dns-dns-zone"]);
  for (const g of zoneGrants) {
    assert.equal((g.inputs as any).role, `projects/acme-ml-dev/roles/${r.roleId}`);
    assert.ok(g.dependsOn.includes(records.urn));
  }
  const listers = ofType(plan, "gcp:projects/iAMMember:IAMMember").filter((m) => (m.inputs as any).role === `projects/acme-ml-dev/roles/${z.roleId}`);
  assert.deepEqual(listers.map((m) => m.name), ["external-dns-dns-zone-list"], "only external-dns lists zones");
  const gsa = one(plan, "gcp:serviceaccount/account:Account", "external-dns").inputs as any;
  assert.equal((listers[0].inputs as any).member, `serviceAccount:${gsa.accountId}@acme-ml-dev.iam.gserviceaccount.com`);
});

test("GKE DNS grants: the custom roles are created in the zone's own project when it differs", async () => {
  const { plan } = await planVariant(
    "gke-dev",
    (c) => {
      c["platform:dns"] = JSON.stringify({ domain: "ml-dev.acme.example", zone: { id: "acme-example", dnsName: "acme.example", project: "acme-dns-host" } });
    },
    (cloud) => void cloud.workloadIdentity("cert-manager", { namespace: "cert-manager", name: "cert-manager" }, [{ kind: "dnsRecords" }]),
  );
  const role = one(plan, "gcp:projects/iAMCustomRole:IAMCustomRole", "dns-records").inputs as any;
  assert.equal(role.project, "acme-dns-host");
  const grant = one(plan, "gcp:dns/dnsManagedZoneIamMember:DnsManagedZoneIamMember", "cert-manager-dns-zone").inputs as any;
  assert.equal(grant.role, `projects/acme-dns-host/roles/${role.roleId}`);
});

test("GKE Calico (dataplaneV2: false): network policy enabled together with its add-on; Dataplane V2 has neither", async () => {
  const { plan } = await planVariant("gke-dev", (c) => {
    c["platform:cloud"] = JSON.stringify({ ...JSON.parse(c["platform:cloud"]), dataplaneV2: false });
  });
  const calico = one(plan, "gcp:container/cluster:Cluster", "cluster").inputs as any;
  assert.deepEqual(calico.networkPolicy, { enabled: true, provider: "CALICO" });
  assert.deepEqual(calico.addonsConfig.networkPolicyConfig, { disabled: false }, "Calico needs the network-policy add-on");
  assert.equal(calico.datapathProvider, undefined);
  const v2 = one(await cloudPlan("gke-dev"), "gcp:container/cluster:Cluster", "cluster").inputs as any;
  assert.equal(v2.datapathProvider, "ADVANCED_DATAPATH");
  assert.equal(v2.networkPolicy, undefined);
  assert.equal(v2.addonsConfig.networkPolicyConfig, undefined);
});

test("GKE private nodes: the control plane may reach istiod's webhooks (tcp 15017) and Kubeflow's (4443, 8443, 9443) on the nodes, nothing more", async () => {
  for (const stack of gkeStacks) {
    const plan = await cloudPlan(stack);
    const cluster = one(plan, "gcp:container/cluster:Cluster", "cluster").inputs as any;
    const nodeSa = one(plan, "gcp:serviceaccount/account:Account", "nodes").inputs as any;
    const pool = one(plan, "gcp:container/nodePool:NodePool", "system").inputs as any;
    const fw = one(plan, "gcp:compute/firewall:Firewall", "master-webhooks").inputs as any;
    assert.equal(cluster.privateClusterConfig.enablePrivateNodes, true, stack);
    assert.equal(fw.direction, "INGRESS");
    assert.deepEqual(fw.sourceRanges, [cluster.privateClusterConfig.masterIpv4CidrBlock], `${stack}: from the control plane only`);
    assert.deepEqual(fw.allows, [{ protocol: "tcp", ports: ["15017", "4443", "8443", "9443"] }]);
    assert.deepEqual(fw.targetServiceAccounts, [pool.nodeConfig.serviceAccount], `${stack}: to the nodes only`);
    assert.ok(fw.targetServiceAccounts[0].startsWith(`${nodeSa.accountId}@`));
    assert.equal(fw.network, (cluster as any).network);
  }
  const { plan } = await planVariant("gke-dev", (c) => {
    c["platform:cloud"] = JSON.stringify({ ...JSON.parse(c["platform:cloud"]), privateNodes: false });
  });
  assert.equal(plan.resources.filter((r) => r.type === "gcp:compute/firewall:Firewall").length, 0, "public nodes need no extra rule");
});

// The policy pack: every policy has a passing and a failing case; every committed stack passes all
// mandatory policies; a hand-made plan (a public bucket, an unprotected prod cluster) is reported by
// `npm run policy`; the same list becomes a real @pulumi/policy pack.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { evaluate } from "../policy/evaluate";
import { packArgs } from "../policy/pack";
import { policies } from "../policy/policies";
import { tierOf } from "../policy/tier";
import type { PolicyResource, Tier } from "../policy/types";
import { committedStacks, repoRoot } from "../tools/stack-file";
import { cachedPlan } from "./helpers";

let n = 0;
const res = (type: string, inputs: Record<string, any>, o: { protect?: boolean; dependsOn?: string[]; urn?: string } = {}): PolicyResource => ({
  urn: o.urn ?? `urn:pulumi:t::mlops-platform::${type}::r${n++}`,
  type,
  name: `r${n}`,
  inputs,
  options: { protect: o.protect ?? false },
  dependsOn: o.dependsOn ?? [],
});

const gkeCluster = "gcp:container/cluster:Cluster";
const pool = "gcp:container/nodePool:NodePool";
const eks = "aws:eks/cluster:Cluster";
const lt = "aws:ec2/launchTemplate:LaunchTemplate";
const deploy = "kubernetes:apps/v1:Deployment";
const job = "kubernetes:batch/v1:Job";
const chart = "kubernetes:helm.sh/v4:Chart";
const ap = "kubernetes:security.istio.io/v1:AuthorizationPolicy";
const pa = "kubernetes:security.istio.io/v1:PeerAuthentication";

const goodNode = {
  serviceAccount: "nodes@p.iam.gserviceaccount.com",
  metadata: { "disable-legacy-endpoints": "true" },
  shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
  workloadMetadataConfig: { mode: "GKE_METADATA" },
};
const goodContainer = {
  name: "app",
  image: "ghcr.io/acme/app:1.2.3",
  resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: "128Mi" } },
  securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } },
};
const deployment = (pod: Record<string, any> = {}, container: Record<string, any> = {}) =>
  res(deploy, { spec: { template: { spec: { containers: [{ ...goodContainer, ...container, securityContext: { ...goodContainer.securityContext, ...(container.securityContext ?? {}) } }], ...pod } } } });
const irsa = (sub: string) => ({
  assumeRolePolicy: {
    Statement: [
      {
        Action: ["sts:AssumeRoleWithWebIdentity"],
        Effect: "Allow",
        Principal: { Federated: "arn:aws:iam::1:oidc-provider/oidc.eks.x.amazonaws.com/id/A" },
        Condition: { StringEquals: { "oidc.eks.x.amazonaws.com/id/A:sub": sub, "oidc.eks.x.amazonaws.com/id/A:aud": "sts.amazonaws.com" } },
      },
    ],
  },
});
const s3 = (withPab: boolean, withSse: boolean, allOn = true) => {
  const bucket = res("aws:s3/bucket:Bucket", { bucketPrefix: "b-" });
  const out = [bucket];
  if (withPab) out.push(res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", { blockPublicAcls: true, blockPublicPolicy: allOn, ignorePublicAcls: true, restrictPublicBuckets: true }, { dependsOn: [bucket.urn] }));
  if (withSse) out.push(res("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", { rules: [] }, { dependsOn: [bucket.urn] }));
  return out;
};
const meshRoot = (mode: string) => res(pa, { metadata: { name: "default", namespace: "istio-system" }, spec: { mtls: { mode } } });

/** Per policy: resources that pass, resources that fail, and the tier to run them in. */
const cases: Record<string, { pass: PolicyResource[]; fail: PolicyResource[]; tier?: Tier }> = {
  "gke-legacy-abac-disabled": { pass: [res(gkeCluster, { enableLegacyAbac: false })], fail: [res(gkeCluster, { enableLegacyAbac: true })] },
  "gke-basic-auth-disabled": { pass: [res(gkeCluster, {})], fail: [res(gkeCluster, { masterAuth: { username: "admin", password: "x" } })] },
  "gke-shielded-nodes": { pass: [res(gkeCluster, { enableShieldedNodes: true })], fail: [res(gkeCluster, { enableShieldedNodes: false })] },
  "gke-secure-boot": { pass: [res(pool, { nodeConfig: goodNode })], fail: [res(pool, { nodeConfig: { ...goodNode, shieldedInstanceConfig: {} } })] },
  "gke-metadata-server": { pass: [res(pool, { nodeConfig: goodNode })], fail: [res(pool, { nodeConfig: { ...goodNode, workloadMetadataConfig: { mode: "GCE_METADATA" } } })] },
  "gke-legacy-metadata-endpoints-disabled": { pass: [res(pool, { nodeConfig: goodNode })], fail: [res(pool, { nodeConfig: { ...goodNode, metadata: {} } })] },
  "gke-node-service-account": {
    pass: [res(pool, { nodeConfig: goodNode })],
    fail: [res(pool, { nodeConfig: { ...goodNode, serviceAccount: "123-compute@developer.gserviceaccount.com" } }), res(pool, { nodeConfig: { ...goodNode, serviceAccount: undefined } })],
  },
  "gke-workload-identity": { pass: [res(gkeCluster, { workloadIdentityConfig: { workloadPool: "p.svc.id.goog" } })], fail: [res(gkeCluster, {})] },
  "gke-release-channel": { pass: [res(gkeCluster, { releaseChannel: { channel: "STABLE" } })], fail: [res(gkeCluster, { releaseChannel: { channel: "UNSPECIFIED" } })] },
  "gke-node-auto-repair-upgrade": { pass: [res(pool, { management: { autoRepair: true, autoUpgrade: true } })], fail: [res(pool, { management: { autoRepair: true, autoUpgrade: false } })] },
  "gke-logging-monitoring": { pass: [res(gkeCluster, {})], fail: [res(gkeCluster, { loggingService: "none" })] },
  "gke-network-policy": { pass: [res(gkeCluster, { datapathProvider: "ADVANCED_DATAPATH" })], fail: [res(gkeCluster, { datapathProvider: "LEGACY_DATAPATH" })] },
  "gke-kubernetes-alpha-disabled": { pass: [res(gkeCluster, {})], fail: [res(gkeCluster, { enableKubernetesAlpha: true })] },
  "gke-secrets-encryption": {
    pass: [res(gkeCluster, {}), res(gkeCluster, { databaseEncryption: { state: "ENCRYPTED", keyName: "projects/p/locations/l/keyRings/r/cryptoKeys/k" } })],
    fail: [res(gkeCluster, { databaseEncryption: { state: "DECRYPTED" } })],
  },
  "gke-private-nodes": { tier: "prod", pass: [res(gkeCluster, { privateClusterConfig: { enablePrivateNodes: true } })], fail: [res(gkeCluster, { privateClusterConfig: { enablePrivateNodes: false } })] },
  "gke-authorized-networks": {
    tier: "prod",
    pass: [res(gkeCluster, { masterAuthorizedNetworksConfig: { cidrBlocks: [{ cidrBlock: "203.0.113.0/24" }] } })],
    fail: [res(gkeCluster, { masterAuthorizedNetworksConfig: { cidrBlocks: [{ cidrBlock: "0.0.0.0/0", displayName: "all" }] } }), res(gkeCluster, {})],
  },
  "eks-endpoint-access": {
    pass: [res(eks, { vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] } }), res(eks, { vpcConfig: { endpointPublicAccess: false } })],
    fail: [res(eks, { vpcConfig: { endpointPublicAccess: true } }), res(eks, { vpcConfig: { publicAccessCidrs: ["0.0.0.0/0"] } })],
  },
  "eks-private-endpoint": { pass: [res(eks, { vpcConfig: { endpointPrivateAccess: true } })], fail: [res(eks, { vpcConfig: {} })] },
  "eks-control-plane-logging": { pass: [res(eks, { enabledClusterLogTypes: ["api", "audit", "authenticator"] })], fail: [res(eks, { enabledClusterLogTypes: ["api"] })] },
  "eks-secrets-encryption": { pass: [res(eks, { encryptionConfig: { resources: ["secrets"], provider: { keyArn: "arn:aws:kms:x" } } })], fail: [res(eks, {})] },
  "eks-imdsv2": {
    pass: [res(lt, { metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 } })],
    fail: [res(lt, { metadataOptions: { httpTokens: "optional" } }), res(lt, { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } })],
  },
  "eks-node-group-launch-template": { pass: [res("aws:eks/nodeGroup:NodeGroup", { launchTemplate: { id: "lt-1", version: "1" } })], fail: [res("aws:eks/nodeGroup:NodeGroup", {})] },
  "eks-encrypted-volumes": { pass: [res(lt, { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true" } }] })], fail: [res(lt, { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "false" } }] })] },
  "k8s-no-privileged": { pass: [deployment()], fail: [deployment({}, { securityContext: { privileged: true } }), deployment({}, { securityContext: { allowPrivilegeEscalation: true } })] },
  "k8s-no-host-namespaces": { pass: [deployment()], fail: [deployment({ hostNetwork: true }), deployment({ hostPID: true })] },
  "k8s-no-host-path": { pass: [deployment({ volumes: [{ name: "tmp", emptyDir: {} }] })], fail: [deployment({ volumes: [{ name: "root", hostPath: { path: "/" } }] })] },
  "k8s-image-pinned": {
    pass: [deployment(), deployment({}, { image: "registry:5000/app@sha256:abc" }), deployment({}, { image: "localhost:5000/app:1.0" })],
    fail: [deployment({}, { image: "nginx:latest" }), deployment({}, { image: "nginx" }), deployment({}, { image: "registry:5000/app" })],
  },
  "k8s-resource-requests": { pass: [deployment()], fail: [deployment({}, { resources: { requests: { cpu: "1" } } })] },
  "k8s-run-as-non-root": { pass: [deployment(), res(job, { spec: { template: { spec: { securityContext: { runAsNonRoot: true }, containers: [{ name: "c" }] } } } })], fail: [deployment({}, { securityContext: { runAsNonRoot: false } })] },
  "k8s-drop-capabilities": { pass: [deployment()], fail: [deployment({}, { securityContext: { capabilities: { add: ["NET_ADMIN"] } } })] },
  "k8s-read-only-root-filesystem": { pass: [deployment()], fail: [deployment({}, { securityContext: { readOnlyRootFilesystem: false } })] },
  "k8s-seccomp-profile": { pass: [deployment()], fail: [deployment({}, { securityContext: { seccompProfile: { type: "Unconfined" } } })] },
  "k8s-no-default-service-account-token": {
    pass: [res(job, { spec: { template: { spec: { automountServiceAccountToken: false, containers: [goodContainer] } } } })],
    fail: [res(job, { spec: { template: { spec: { containers: [goodContainer] } } } })],
  },
  "gcs-uniform-access": { pass: [res("gcp:storage/bucket:Bucket", { uniformBucketLevelAccess: true })], fail: [res("gcp:storage/bucket:Bucket", { uniformBucketLevelAccess: false })] },
  "gcs-public-access-prevention": { pass: [res("gcp:storage/bucket:Bucket", { publicAccessPrevention: "enforced" })], fail: [res("gcp:storage/bucket:Bucket", { publicAccessPrevention: "inherited" })] },
  "bucket-no-public-members": {
    pass: [res("gcp:storage/bucketIAMMember:BucketIAMMember", { bucket: "b", role: "roles/storage.objectViewer", member: "serviceAccount:a@p.iam.gserviceaccount.com" })],
    fail: [res("gcp:storage/bucketIAMMember:BucketIAMMember", { bucket: "b", role: "roles/storage.objectViewer", member: "allUsers" }), res("aws:s3/bucket:Bucket", { acl: "public-read" })],
  },
  "s3-public-access-block": { pass: s3(true, true), fail: [...s3(false, true), ...s3(true, true, false)] },
  "s3-encryption": { pass: s3(true, true), fail: s3(true, false) },
  "db-no-public-ip": {
    pass: [res("gcp:sql/databaseInstance:DatabaseInstance", { settings: { ipConfiguration: { ipv4Enabled: false } } }), res("aws:rds/instance:Instance", { publiclyAccessible: false })],
    fail: [res("gcp:sql/databaseInstance:DatabaseInstance", { settings: { ipConfiguration: { ipv4Enabled: true } } }), res("aws:rds/instance:Instance", { publiclyAccessible: true })],
  },
  "db-tls-required": { pass: [res("gcp:sql/databaseInstance:DatabaseInstance", { settings: { ipConfiguration: { sslMode: "ENCRYPTED_ONLY" } } })], fail: [res("gcp:sql/databaseInstance:DatabaseInstance", { settings: { ipConfiguration: { sslMode: "ALLOW_UNENCRYPTED_AND_ENCRYPTED" } } })] },
  "db-storage-encrypted": { pass: [res("aws:rds/instance:Instance", { storageEncrypted: true })], fail: [res("aws:rds/instance:Instance", { storageEncrypted: false })] },
  "db-backups-prod": {
    tier: "prod",
    pass: [res("gcp:sql/databaseInstance:DatabaseInstance", { settings: { backupConfiguration: { enabled: true, pointInTimeRecoveryEnabled: true } } }), res("aws:rds/instance:Instance", { backupRetentionPeriod: 14 })],
    fail: [res("gcp:sql/databaseInstance:DatabaseInstance", { settings: { backupConfiguration: { enabled: true } } }), res("aws:rds/instance:Instance", { backupRetentionPeriod: 1 })],
  },
  "no-static-keys": { pass: [res("gcp:serviceaccount/account:Account", { accountId: "a" })], fail: [res("aws:iam/accessKey:AccessKey", { user: "ci" }), res("gcp:serviceaccount/key:Key", { serviceAccountId: "a" })] },
  "no-aws-iam-users": { pass: [res("aws:iam/role:Role", {})], fail: [res("aws:iam/user:User", { name: "ci" })] },
  "irsa-trust-scoped": { pass: [res("aws:iam/role:Role", irsa("system:serviceaccount:mlflow:mlflow"))], fail: [res("aws:iam/role:Role", irsa("system:serviceaccount:mlflow:*"))] },
  "gke-workload-identity-binding-scoped": {
    pass: [res("gcp:serviceaccount/iAMMember:IAMMember", { role: "roles/iam.workloadIdentityUser", member: "serviceAccount:p.svc.id.goog[mlflow/mlflow]" })],
    fail: [res("gcp:serviceaccount/iAMMember:IAMMember", { role: "roles/iam.workloadIdentityUser", member: "serviceAccount:p.svc.id.goog[mlflow/*]" })],
  },
  "gcp-no-primitive-roles": { pass: [res("gcp:projects/iAMMember:IAMMember", { role: "roles/logging.logWriter" })], fail: [res("gcp:projects/iAMMember:IAMMember", { role: "roles/editor" })] },
  "aws-iam-no-admin-policy": {
    pass: [res("aws:iam/rolePolicy:RolePolicy", { policy: { Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["*"] }] } })],
    fail: [res("aws:iam/rolePolicy:RolePolicy", { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }) }), res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", { policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" })],
  },
  "prod-deletion-protection": {
    tier: "prod",
    pass: [res(gkeCluster, { deletionProtection: true }), res("gcp:sql/databaseInstance:DatabaseInstance", { deletionProtection: true, settings: { deletionProtectionEnabled: true } })],
    fail: [res(gkeCluster, { deletionProtection: false }), res("aws:rds/instance:Instance", {})],
  },
  "prod-stateful-protected": { tier: "prod", pass: [res(gkeCluster, {}, { protect: true })], fail: [res(gkeCluster, {}), res("gcp:storage/bucket:Bucket", {})] },
  "prod-buckets-keep-data": { tier: "prod", pass: [res("gcp:storage/bucket:Bucket", { forceDestroy: false })], fail: [res("aws:s3/bucket:Bucket", { forceDestroy: true })] },
  "ephemeral-destroyable": {
    tier: "ephemeral",
    pass: [res(gkeCluster, { deletionProtection: false }), res("gcp:storage/bucket:Bucket", { forceDestroy: true })],
    fail: [res(gkeCluster, {}, { protect: true }), res("gcp:sql/databaseInstance:DatabaseInstance", { deletionProtection: true }), res("gcp:storage/bucket:Bucket", { forceDestroy: false })],
  },
  "mesh-strict-mtls": {
    pass: [meshRoot("STRICT"), res(pa, { metadata: { name: "x", namespace: "mlflow" }, spec: { mtls: { mode: "STRICT" } } })],
    fail: [meshRoot("PERMISSIVE")],
  },
  "mesh-default-deny": {
    pass: [res(ap, { metadata: { name: "default-deny", namespace: "istio-system" }, spec: {} })],
    fail: [res(ap, { metadata: { name: "default-deny", namespace: "mlflow" }, spec: {} })],
  },
  "mesh-no-allow-all": {
    pass: [res(ap, { spec: { action: "ALLOW", rules: [{}], selector: { matchLabels: { istio: "ingressgateway" } } } }), res(ap, { spec: { action: "ALLOW", rules: [{ from: [{ source: { principals: ["cluster.local/ns/a/sa/b"] } }] }] } })],
    fail: [res(ap, { metadata: { name: "allow-all", namespace: "mlflow" }, spec: { rules: [{}] } })],
  },
  "chart-version-pinned": {
    pass: [res(chart, { chart: "dex", version: "0.24.0", repositoryOpts: { repo: "https://charts.dexidp.io" } }), res(chart, { chart: "cert-manager", version: "v1.21.1" })],
    fail: [res(chart, { chart: "dex", version: "^0.24.0" }), res(chart, { chart: "dex", version: "0.24.x" }), res(chart, { chart: "dex" }), res(chart, { chart: "dex", version: "1.0.0", repositoryOpts: { repo: "http://charts.example" } })],
  },
  "no-plaintext-secrets": {
    pass: [
      res("gcp:sql/user:User", { name: "mlflow", password: "[secret]" }),
      res(chart, { values: { config: { clientSecret: "$CONNECTOR_GITHUB_CLIENT_SECRET" }, existingSecret: "minio-root", passwordSecretName: "db" } }),
      res(job, { spec: { template: { spec: { containers: [{ env: [{ name: "PGPASSWORD", valueFrom: { secretKeyRef: { name: "s", key: "k" } } }] }] } } } }),
    ],
    fail: [
      res("gcp:sql/user:User", { name: "mlflow", password: "hunter2" }),
      res(job, { spec: { template: { spec: { containers: [{ env: [{ name: "DB_PASSWORD", value: "hunter2" }] }] } } } }),
      res(chart, { values: { auth: { apiToken: "abc123" } } }),
    ],
  },
  "no-open-admin-ingress": {
    pass: [res("gcp:compute/firewall:Firewall", { allows: [{ protocol: "tcp", ports: ["15017"] }], sourceRanges: ["172.16.0.0/28"] })],
    fail: [res("gcp:compute/firewall:Firewall", { allows: [{ protocol: "tcp", ports: ["22"] }], sourceRanges: ["0.0.0.0/0"] }), res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", { cidrIpv4: "0.0.0.0/0", fromPort: 22, toPort: 22 })],
  },
  "prod-external-dns-upsert-only": {
    tier: "prod",
    pass: [res(chart, { chart: "external-dns", values: { policy: "upsert-only" } })],
    fail: [res(chart, { chart: "external-dns", values: { policy: "sync" } })],
  },
};

test("at least 30 policies, each with a unique kebab-case id, a description and a level", () => {
  assert.ok(policies.length >= 30, `${policies.length} policies`);
  const ids = policies.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length, "ids are unique");
  for (const p of policies) {
    assert.match(p.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    assert.ok(p.description.length > 20, p.id);
    assert.ok(p.level === "mandatory" || p.level === "advisory", p.id);
  }
  assert.deepEqual(ids.filter((id) => !cases[id]), [], "every policy has a test case");
  assert.deepEqual(Object.keys(cases).filter((id) => !ids.includes(id)), [], "no case for a policy that does not exist");
});

for (const p of policies) {
  test(`policy ${p.id}: a passing and a failing resource`, () => {
    const c = cases[p.id];
    const ctx = { stack: "t", tier: c.tier ?? ("dev" as Tier) };
    assert.deepEqual(evaluate([p], c.pass, ctx), [], "passing resources pass");
    const failing = p.kind === "stack" ? [c.fail] : c.fail.map((r) => [r]);
    for (const resources of failing) {
      const v = evaluate([p], resources, ctx);
      assert.ok(v.length > 0, `${resources.map((r) => JSON.stringify(r.inputs)).join(", ")} should fail ${p.id}`);
      assert.ok(v.every((x) => x.policy === p.id && x.level === p.level && x.message.length > 0));
    }
    if (p.tiers) {
      const other = (["local", "dev", "prod", "ephemeral"] as Tier[]).find((t) => !p.tiers!.includes(t))!;
      assert.deepEqual(evaluate([p], c.fail, { stack: "t", tier: other }), [], `only in ${p.tiers.join(", ")}`);
      assert.deepEqual(evaluate([p], c.fail, { stack: "t", tier: undefined }), [], "skipped when the tier is unknown");
    }
  });
}

for (const stack of committedStacks()) {
  test(`committed stack ${stack} passes every mandatory policy`, async () => {
    const plan = await cachedPlan(stack);
    const tier = tierOf(stack);
    assert.ok(tier, "the tier is known");
    const v = evaluate(policies, plan.resources, { stack, tier });
    assert.deepEqual(v.filter((x) => x.level === "mandatory"), []);
  });
}

test("tiers: from the stack file, pr-<n> stacks are ephemeral, anything else unknown", () => {
  assert.deepEqual(["prod", "gke-dev", "ephemeral", "local", "pr-42", "staging"].map((s) => tierOf(s)), ["prod", "dev", "ephemeral", "local", "ephemeral", undefined]);
});

const policyCli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(repoRoot, "tools/run.cjs"), join(repoRoot, "tools/policy.ts"), ...args], { cwd: repoRoot, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

test("npm run policy on a hand-made plan JSON: a public bucket and an unprotected prod cluster are reported, exit 1, the JSON shape exact", () => {
  const dir = mkdtempSync(join(tmpdir(), "policy-"));
  const file = join(dir, "plan.json");
  const urn = (type: string, name: string) => `urn:pulumi:prod::mlops-platform::${type}::${name}`;
  writeFileSync(
    file,
    JSON.stringify({
      stack: "prod",
      resources: [
        { urn: urn("gcp:container/cluster:Cluster", "cluster"), type: "gcp:container/cluster:Cluster", name: "cluster", inputs: { name: "mlops-prod", deletionProtection: false, privateClusterConfig: { enablePrivateNodes: true }, masterAuthorizedNetworksConfig: { cidrBlocks: [{ cidrBlock: "203.0.113.0/24" }] }, workloadIdentityConfig: { workloadPool: "p.svc.id.goog" }, releaseChannel: { channel: "STABLE" } }, options: { protect: false } },
        { urn: urn("gcp:storage/bucket:Bucket", "data"), type: "gcp:storage/bucket:Bucket", name: "data", inputs: { name: "data", uniformBucketLevelAccess: true, publicAccessPrevention: "inherited" }, options: { protect: true } },
        { urn: urn("gcp:storage/bucketIAMMember:BucketIAMMember", "public"), type: "gcp:storage/bucketIAMMember:BucketIAMMember", name: "public", inputs: { bucket: "data", role: "roles/storage.objectViewer", member: "allUsers" } },
      ],
    }),
  );
  const r = policyCli(file, "--json");
  assert.equal(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(out), ["policies", "violations"]);
  assert.equal(out.policies, policies.length);
  for (const v of out.violations) assert.deepEqual(Object.keys(v), ["policy", "urn", "level", "message"]);
  const got = out.violations.map((v: any) => `${v.policy} ${v.urn.split("::").pop()}`);
  for (const expected of ["bucket-no-public-members public", "gcs-public-access-prevention data", "prod-deletion-protection cluster", "prod-stateful-protected cluster", "mesh-strict-mtls mlops-platform-prod", "mesh-default-deny mlops-platform-prod"]) {
    assert.ok(got.includes(expected), `${expected} in ${got.join(", ")}`);
  }
  const text = policyCli(file);
  assert.equal(text.code, 1);
  assert.match(text.stdout, /FAIL bucket-no-public-members: grants allUsers/);
  assert.match(text.stdout, /FAIL prod-stateful-protected: Cluster cluster is not protected/);
});

test("npm run policy on a committed stack: exit 0, and a bad reference is a usage error", () => {
  const ok = policyCli("local", "--json");
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(JSON.parse(ok.stdout).violations.filter((v: any) => v.level === "mandatory"), []);
  const bad = policyCli("/nonexistent/plan.json");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /no such file/);
});

test("the Pulumi policy pack: the same list as validateResource/validateStack, offline-only policies left out, tiers by stack name", async () => {
  const args = packArgs(policies);
  const offline = policies.filter((p) => p.offlineOnly).map((p) => p.id);
  assert.deepEqual(offline, ["no-plaintext-secrets"]);
  assert.equal(args.policies.length, policies.length - offline.length);
  const byName = new Map(args.policies.map((p) => [p.name, p as any]));
  for (const p of policies.filter((x) => !x.offlineOnly)) assert.equal(byName.get(p.id).enforcementLevel, p.level);

  const reports: string[] = [];
  const report = (m: string) => reports.push(m);
  const resourceArgs = (stack: string, protect: boolean) => ({ urn: `urn:pulumi:${stack}::mlops-platform::gcp:container/cluster:Cluster::cluster`, type: "gcp:container/cluster:Cluster", name: "cluster", props: {}, opts: { protect } });
  const protectedPolicy = byName.get("prod-stateful-protected");
  await protectedPolicy.validateResource(resourceArgs("prod", false), report);
  await protectedPolicy.validateResource(resourceArgs("prod", true), report);
  await protectedPolicy.validateResource(resourceArgs("gke-dev", false), report);
  assert.deepEqual(reports, ["Cluster cluster is not protected (options.protect)"]);

  reports.length = 0;
  const mtls = byName.get("mesh-strict-mtls");
  const pr = (props: any) => ({ urn: "urn:pulumi:pr-7::mlops-platform::kubernetes:security.istio.io/v1:PeerAuthentication::pa", type: "kubernetes:security.istio.io/v1:PeerAuthentication", name: "pa", props, opts: { protect: false }, dependencies: [] });
  await mtls.validateStack({ resources: [pr({ metadata: { namespace: "istio-system" }, spec: { mtls: { mode: "STRICT" } } })] }, report);
  assert.deepEqual(reports, []);
  await mtls.validateStack({ resources: [pr({ metadata: { namespace: "istio-system" }, spec: { mtls: { mode: "PERMISSIVE" } } })] }, report);
  assert.ok(reports.length > 0);
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { planStack } from "../tools/plan-stack";
import { ofType, one, planVariant } from "./helpers";

test("EKS: VPC over two AZs with public and private subnets and NAT", async () => {
  const { plan } = await planStack("eks-dev");
  const subnets = ofType(plan, "aws:ec2/subnet:Subnet").map((s) => s.inputs as any);
  assert.deepEqual(new Set(subnets.map((s) => s.availabilityZone)), new Set(["eu-west-1a", "eu-west-1b"]));
  assert.equal(subnets.filter((s) => s.tags["kubernetes.io/role/elb"] === "1").length, 2);
  assert.equal(subnets.filter((s) => s.tags["kubernetes.io/role/internal-elb"] === "1").length, 2);
  assert.equal(new Set(subnets.map((s) => s.cidrBlock)).size, 4, "subnet CIDRs must not repeat");
  assert.equal(ofType(plan, "aws:ec2/natGateway:NatGateway").length, 1, "dev uses a single NAT gateway");
});

test("EKS: cluster endpoint, logging and KMS envelope encryption", async () => {
  const { plan } = await planStack("eks-dev");
  const c = one(plan, "aws:eks/cluster:Cluster", "cluster").inputs as any;
  assert.equal(c.version, "1.34");
  assert.deepEqual(c.vpcConfig.publicAccessCidrs, ["203.0.113.0/24"]);
  assert.equal(c.vpcConfig.endpointPrivateAccess, true);
  assert.deepEqual(c.enabledClusterLogTypes, ["api", "audit", "authenticator", "controllerManager", "scheduler"]);
  assert.deepEqual(c.encryptionConfig.resources, ["secrets"]);
  const key = one(plan, "aws:kms/key:Key", "secrets");
  assert.equal(c.encryptionConfig.provider.keyArn, `arn:aws:kms:eu-west-1:123456789012:secrets`);
  assert.equal((key.inputs as any).enableKeyRotation, true);
});

test("EKS: every node group enforces IMDSv2 with hop limit 1; GPU group is tainted and spot", async () => {
  const { plan } = await planStack("eks-dev");
  const templates = ofType(plan, "aws:ec2/launchTemplate:LaunchTemplate");
  const groups = ofType(plan, "aws:eks/nodeGroup:NodeGroup");
  assert.equal(templates.length, groups.length);
  for (const t of templates) {
    assert.deepEqual((t.inputs as any).metadataOptions, { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
  }
  for (const g of groups) assert.equal((g.inputs as any).launchTemplate.id, `${g.name}-id`);
  const gpu = one(plan, "aws:eks/nodeGroup:NodeGroup", "gpu").inputs as any;
  assert.equal(gpu.amiType, "AL2023_x86_64_NVIDIA");
  assert.equal(gpu.capacityType, "SPOT");
  assert.deepEqual(gpu.taints, [{ key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" }]);
  assert.deepEqual(gpu.scalingConfig, { minSize: 0, maxSize: 2, desiredSize: 0 });
});

test("EKS IRSA: role trusted only by this cluster's OIDC provider, for one service account, audience sts", async () => {
  const { plan } = await planVariant("eks-dev", undefined, (cloud) => {
    cloud.workloadIdentity("external-dns", { namespace: "external-dns", name: "external-dns" }, [{ kind: "dnsRecords" }]);
  });
  const oidc = one(plan, "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "oidc").inputs as any;
  assert.deepEqual(oidc.clientIdLists, ["sts.amazonaws.com"]);
  const role = one(plan, "aws:iam/role:Role", "external-dns").inputs as any;
  const [statement] = role.assumeRolePolicy.Statement;
  assert.equal(statement.Principal.Federated, "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/MOCKOIDC");
  assert.deepEqual(statement.Action, ["sts:AssumeRoleWithWebIdentity"]);
  assert.deepEqual(statement.Condition, {
    StringEquals: {
      "oidc.eks.eu-west-1.amazonaws.com/id/MOCKOIDC:sub": "system:serviceaccount:external-dns:external-dns",
      "oidc.eks.eu-west-1.amazonaws.com/id/MOCKOIDC:aud": "sts.amazonaws.com",
    },
  });
  const policy = one(plan, "aws:iam/rolePolicy:RolePolicy", "external-dns").inputs as any;
  assert.deepEqual(policy.policy.Statement[0], {
    Effect: "Allow",
    Action: ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"],
    Resource: ["arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ"],
  });
});

test("EKS S3 bucket: public access blocked, KMS encryption, owner enforced, optional versioning", async () => {
  const { plan } = await planVariant("eks-dev", undefined, (cloud) => {
    const store = cloud.bucket("artifacts", { versioning: true });
    cloud.workloadIdentity("mlflow", { namespace: "mlflow", name: "mlflow" }, [{ kind: "objectStore", store, access: "readWrite" }]);
  });
  const block = one(plan, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "artifacts").inputs as any;
  assert.deepEqual(
    [block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets],
    [true, true, true, true],
  );
  const sse = one(plan, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "artifacts").inputs as any;
  assert.equal(sse.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
  assert.equal(one(plan, "aws:s3/bucketVersioning:BucketVersioning", "artifacts").inputs.versioningConfiguration !== undefined, true);
  const bucketPrefix = (one(plan, "aws:s3/bucket:Bucket", "artifacts").inputs as any).bucketPrefix;
  assert.equal((one(plan, "aws:s3/bucket:Bucket", "artifacts").inputs as any).forceDestroy, false);
  const policy = one(plan, "aws:iam/rolePolicy:RolePolicy", "mlflow").inputs as any;
  assert.equal(policy.policy.Statement[1].Resource.length, 1);
  assert.ok(policy.policy.Statement[1].Resource[0].startsWith(`arn:aws:s3:::${bucketPrefix}`), "the grant names the bucket the provider named");
  assert.ok(policy.policy.Statement[1].Resource[0].endsWith("/*"));
  assert.ok(policy.policy.Statement[1].Action.includes("s3:PutObject"));
});

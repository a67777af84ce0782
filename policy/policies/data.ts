// Buckets and databases: private, encrypted, reachable only from inside.
import type { Policy, PolicyResource, StackViolation } from "../types";
import { asArray, get, what } from "../util";

const publicMembers = ["allUsers", "allAuthenticatedUsers"];
const s3Bucket = "aws:s3/bucket:Bucket";

/** The S3 companion resources (public access block, encryption) that configure `bucket`. */
const companionsOf = (bucket: PolicyResource, all: PolicyResource[], type: string) => all.filter((r) => r.type === type && r.dependsOn.includes(bucket.urn));

export const dataPolicies: Policy[] = [
  {
    kind: "resource",
    id: "gcs-uniform-access",
    description: "GCS buckets use uniform bucket-level access (IAM only, no per-object ACLs).",
    level: "mandatory",
    resourceTypes: ["gcp:storage/bucket:Bucket"],
    check: (r) => (r.inputs.uniformBucketLevelAccess === true ? [] : ["uniformBucketLevelAccess is not true"]),
  },
  {
    kind: "resource",
    id: "gcs-public-access-prevention",
    description: "GCS buckets enforce public access prevention.",
    level: "mandatory",
    resourceTypes: ["gcp:storage/bucket:Bucket"],
    check: (r) => (r.inputs.publicAccessPrevention === "enforced" ? [] : [`publicAccessPrevention is ${JSON.stringify(r.inputs.publicAccessPrevention ?? null)}, not "enforced"`]),
  },
  {
    kind: "resource",
    id: "bucket-no-public-members",
    description: "No bucket grants access to allUsers or allAuthenticatedUsers, and no S3 bucket uses a public canned ACL.",
    level: "mandatory",
    resourceTypes: ["gcp:storage/bucketIAMMember:BucketIAMMember", "gcp:storage/bucketIAMBinding:BucketIAMBinding", "gcp:storage/bucketACL:BucketACL", s3Bucket, "aws:s3/bucketAclV2:BucketAclV2", "aws:s3/bucketAcl:BucketAcl"],
    check: (r) => {
      const members = [...asArray<string>(r.inputs.member), ...asArray<string>(r.inputs.members), ...asArray<string>(r.inputs.roleEntities)];
      const out = members.filter((m) => publicMembers.some((p) => String(m).includes(p))).map((m) => `grants ${m}`);
      const acl = r.inputs.acl;
      if (typeof acl === "string" && /public/.test(acl)) out.push(`acl is ${acl}`);
      return out;
    },
  },
  {
    kind: "stack",
    id: "s3-public-access-block",
    description: "Every S3 bucket has a public access block with all four settings on.",
    level: "mandatory",
    checkStack: (resources) => {
      const out: StackViolation[] = [];
      for (const b of resources.filter((r) => r.type === s3Bucket)) {
        const pabs = companionsOf(b, resources, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
        const ok = pabs.some((p) => ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].every((k) => p.inputs[k] === true));
        if (!ok) out.push({ urn: b.urn, message: `${what(b)} has no public access block with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true` });
      }
      return out;
    },
  },
  {
    kind: "stack",
    id: "s3-encryption",
    description: "Every S3 bucket has a server-side encryption configuration.",
    level: "mandatory",
    checkStack: (resources) =>
      resources
        .filter((r) => r.type === s3Bucket && companionsOf(r, resources, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").length === 0)
        .map((b) => ({ urn: b.urn, message: `${what(b)} has no server-side encryption configuration` })),
  },
  {
    kind: "resource",
    id: "db-no-public-ip",
    description: "Databases have no public address: Cloud SQL without a public IPv4, RDS not publicly accessible.",
    level: "mandatory",
    resourceTypes: ["gcp:sql/databaseInstance:DatabaseInstance", "aws:rds/instance:Instance"],
    check: (r) => {
      if (r.type === "aws:rds/instance:Instance") return r.inputs.publiclyAccessible === true ? ["publiclyAccessible is true"] : [];
      return get(r.inputs, "settings.ipConfiguration.ipv4Enabled") === false ? [] : ["settings.ipConfiguration.ipv4Enabled is not false (a public IP)"];
    },
  },
  {
    kind: "resource",
    id: "db-tls-required",
    description: "Cloud SQL accepts only encrypted connections.",
    level: "mandatory",
    resourceTypes: ["gcp:sql/databaseInstance:DatabaseInstance"],
    check: (r) => {
      const ip = get(r.inputs, "settings.ipConfiguration") ?? {};
      return ["ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"].includes(ip.sslMode) || ip.requireSsl === true ? [] : [`settings.ipConfiguration.sslMode is ${JSON.stringify(ip.sslMode ?? null)}`];
    },
  },
  {
    kind: "resource",
    id: "db-storage-encrypted",
    description: "RDS storage is encrypted at rest.",
    level: "mandatory",
    resourceTypes: ["aws:rds/instance:Instance"],
    check: (r) => (r.inputs.storageEncrypted === true ? [] : ["storageEncrypted is not true"]),
  },
  {
    kind: "resource",
    id: "db-backups-prod",
    description: "Prod databases keep automated backups (Cloud SQL backups with point-in-time recovery; RDS at least 7 days).",
    level: "mandatory",
    tiers: ["prod"],
    resourceTypes: ["gcp:sql/databaseInstance:DatabaseInstance", "aws:rds/instance:Instance"],
    check: (r) => {
      if (r.type === "aws:rds/instance:Instance") {
        const days = r.inputs.backupRetentionPeriod;
        return typeof days === "number" && days >= 7 ? [] : [`backupRetentionPeriod is ${JSON.stringify(days ?? null)} (< 7 days)`];
      }
      const b = get(r.inputs, "settings.backupConfiguration") ?? {};
      const out: string[] = [];
      if (b.enabled !== true) out.push("settings.backupConfiguration.enabled is not true");
      if (b.pointInTimeRecoveryEnabled !== true) out.push("settings.backupConfiguration.pointInTimeRecoveryEnabled is not true");
      return out;
    },
  },
];

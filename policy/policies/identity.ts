// Cloud identity: federation and workload identity everywhere, no long-lived keys, least privilege.
import type { Policy } from "../types";
import { asArray, get } from "../util";

const primitiveRoles = ["roles/owner", "roles/editor", "roles/viewer"];

export const identityPolicies: Policy[] = [
  {
    kind: "resource",
    id: "no-static-keys",
    description: "No long-lived cloud keys: no AWS IAM access keys, no GCP service-account keys, no HMAC keys. Workloads use workload identity, CI uses OIDC federation.",
    level: "mandatory",
    resourceTypes: ["aws:iam/accessKey:AccessKey", "gcp:serviceaccount/key:Key", "gcp:storage/hmacKey:HmacKey", "aws:iam/userLoginProfile:UserLoginProfile"],
    check: (r) => [`${r.type} creates a long-lived credential`],
  },
  {
    kind: "resource",
    id: "no-aws-iam-users",
    description: "No AWS IAM users: people sign in through SSO, workloads assume roles through the cluster's OIDC provider.",
    level: "mandatory",
    resourceTypes: ["aws:iam/user:User"],
    check: () => ["an IAM user is a long-lived identity; use a role"],
  },
  {
    kind: "resource",
    id: "irsa-trust-scoped",
    description: "AWS roles trusted by an OIDC provider (IRSA) are pinned to one service account (StringEquals on :sub) and the STS audience (:aud).",
    level: "mandatory",
    resourceTypes: ["aws:iam/role:Role"],
    check: (r) => {
      let doc = r.inputs.assumeRolePolicy;
      if (typeof doc === "string") {
        try {
          doc = JSON.parse(doc);
        } catch {
          return [];
        }
      }
      const out: string[] = [];
      for (const s of asArray<any>(doc?.Statement)) {
        if (!get(s, "Principal.Federated") || !String(get(s, "Principal.Federated")).includes("oidc-provider/")) continue;
        const eq = get(s, "Condition.StringEquals") ?? {};
        const sub = Object.entries(eq).find(([k]) => k.endsWith(":sub"))?.[1];
        const aud = Object.entries(eq).find(([k]) => k.endsWith(":aud"))?.[1];
        if (typeof sub !== "string" || !/^system:serviceaccount:[^:*]+:[^:*]+$/.test(sub)) out.push("trust policy does not pin :sub to one system:serviceaccount:<namespace>:<name> with StringEquals");
        if (aud !== "sts.amazonaws.com") out.push("trust policy does not pin :aud to sts.amazonaws.com");
      }
      return out;
    },
  },
  {
    kind: "resource",
    id: "gke-workload-identity-binding-scoped",
    description: "GCP workloadIdentityUser grants name exactly one Kubernetes service account (<project>.svc.id.goog[<namespace>/<name>]).",
    level: "mandatory",
    resourceTypes: ["gcp:serviceaccount/iAMMember:IAMMember", "gcp:serviceaccount/iAMBinding:IAMBinding"],
    check: (r) => {
      if (r.inputs.role !== "roles/iam.workloadIdentityUser") return [];
      const members = [...asArray<string>(r.inputs.member), ...asArray<string>(r.inputs.members)];
      return members.filter((m) => !/^serviceAccount:[a-z0-9-]+\.svc\.id\.goog\[[a-z0-9-]+\/[a-z0-9-]+\]$/.test(m)).map((m) => `workloadIdentityUser member ${m} is not one namespace/service account`);
    },
  },
  {
    kind: "resource",
    id: "gcp-no-primitive-roles",
    description: "No project-wide basic roles (owner, editor, viewer); grant predefined or custom roles.",
    level: "mandatory",
    resourceTypes: ["gcp:projects/iAMMember:IAMMember", "gcp:projects/iAMBinding:IAMBinding"],
    check: (r) => (primitiveRoles.includes(r.inputs.role) ? [`grants ${r.inputs.role}`] : []),
  },
  {
    kind: "resource",
    id: "aws-iam-no-admin-policy",
    description: "No inline AWS policy allows every action (Action \"*\"), and no role gets AdministratorAccess.",
    level: "mandatory",
    resourceTypes: ["aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment"],
    check: (r) => {
      if (r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment") return String(r.inputs.policyArn ?? "").endsWith(":policy/AdministratorAccess") ? ["attaches AdministratorAccess"] : [];
      let doc = r.inputs.policy;
      if (typeof doc === "string") {
        try {
          doc = JSON.parse(doc);
        } catch {
          return [];
        }
      }
      return asArray<any>(doc?.Statement)
        .filter((s) => s?.Effect === "Allow" && asArray<string>(s.Action).some((a) => a === "*" || a === "*:*"))
        .map(() => 'a statement allows Action "*"');
    },
  },
];

// EKS hardening, after the CIS EKS Benchmark and the EKS best-practices guide.
import type { Policy } from "../types";
import { asArray, get, isAnywhere } from "../util";

const cluster = "aws:eks/cluster:Cluster";
const nodeGroup = "aws:eks/nodeGroup:NodeGroup";
const launchTemplate = "aws:ec2/launchTemplate:LaunchTemplate";

export const eksPolicies: Policy[] = [
  {
    kind: "resource",
    id: "eks-endpoint-access",
    description: "EKS API endpoints are private, or public only to listed CIDRs, never 0.0.0.0/0 (CIS EKS 5.4.1).",
    level: "mandatory",
    resourceTypes: [cluster],
    check: (r) => {
      const v = r.inputs.vpcConfig ?? {};
      if (v.endpointPublicAccess === false) return [];
      const cidrs = asArray<string>(v.publicAccessCidrs);
      if (cidrs.length === 0) return ["vpcConfig.endpointPublicAccess is on and publicAccessCidrs is empty (defaults to 0.0.0.0/0)"];
      return cidrs.filter(isAnywhere).map((c) => `vpcConfig.publicAccessCidrs allows ${c}`);
    },
  },
  {
    kind: "resource",
    id: "eks-private-endpoint",
    description: "EKS clusters enable the private endpoint, so nodes reach the API inside the VPC (CIS EKS 5.4.2).",
    level: "mandatory",
    resourceTypes: [cluster],
    check: (r) => (get(r.inputs, "vpcConfig.endpointPrivateAccess") === true ? [] : ["vpcConfig.endpointPrivateAccess is not true"]),
  },
  {
    kind: "resource",
    id: "eks-control-plane-logging",
    description: "EKS clusters send api, audit and authenticator control-plane logs to CloudWatch (CIS EKS 2.1.1).",
    level: "mandatory",
    resourceTypes: [cluster],
    check: (r) => {
      const types = asArray<string>(r.inputs.enabledClusterLogTypes);
      const missing = ["api", "audit", "authenticator"].filter((t) => !types.includes(t));
      return missing.length > 0 ? [`enabledClusterLogTypes lacks ${missing.join(", ")}`] : [];
    },
  },
  {
    kind: "resource",
    id: "eks-secrets-encryption",
    description: "EKS clusters envelope-encrypt Kubernetes Secrets with a KMS key (CIS EKS 5.3.1).",
    level: "mandatory",
    resourceTypes: [cluster],
    check: (r) => {
      const ec = asArray<any>(r.inputs.encryptionConfig);
      const ok = ec.some((c) => asArray<string>(c?.resources).includes("secrets") && get(c, "provider.keyArn"));
      return ok ? [] : ["encryptionConfig does not encrypt secrets with a KMS key"];
    },
  },
  {
    kind: "resource",
    id: "eks-imdsv2",
    description: "EKS node launch templates require IMDSv2 with a hop limit of 1, so pods cannot reach the node's instance credentials (CIS EKS 4.x, AWS EKS best practices).",
    level: "mandatory",
    resourceTypes: [launchTemplate],
    check: (r) => {
      const m = r.inputs.metadataOptions ?? {};
      const out: string[] = [];
      if (m.httpTokens !== "required") out.push(`metadataOptions.httpTokens is ${JSON.stringify(m.httpTokens ?? null)}, not "required" (IMDSv2)`);
      if (m.httpEndpoint !== "disabled" && typeof m.httpPutResponseHopLimit === "number" && m.httpPutResponseHopLimit > 1) {
        out.push(`metadataOptions.httpPutResponseHopLimit is ${m.httpPutResponseHopLimit}: pods can reach instance metadata`);
      }
      return out;
    },
  },
  {
    kind: "resource",
    id: "eks-node-group-launch-template",
    description: "EKS managed node groups use a launch template (where this platform sets IMDSv2 and encrypted volumes).",
    level: "mandatory",
    resourceTypes: [nodeGroup],
    check: (r) => (get(r.inputs, "launchTemplate.id") || get(r.inputs, "launchTemplate.name") ? [] : ["no launchTemplate: IMDSv2 and volume encryption are not enforced"]),
  },
  {
    kind: "resource",
    id: "eks-encrypted-volumes",
    description: "Node root volumes in launch templates are encrypted.",
    level: "mandatory",
    resourceTypes: [launchTemplate],
    check: (r) =>
      asArray<any>(r.inputs.blockDeviceMappings)
        .filter((b) => b?.ebs && String(b.ebs.encrypted) !== "true")
        .map((b) => `blockDeviceMappings ${b.deviceName ?? "?"}: ebs.encrypted is not true`),
  },
];

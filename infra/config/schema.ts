// The shape of a stack's configuration, as a platform engineer writes it in
// stacks/Pulumi.<env>.yaml. Every object is strict: an unknown key is an error,
// so a typo never passes silently. Tier-dependent defaults are applied later
// (resolve.ts), so optional fields here stay optional.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ml } from "./ml";
import { kubeflow } from "./kubeflow";
import { observability } from "./observability";
import { cidrProblem, prefixOf } from "./cidr";
import { quoted } from "./errors";

export const tiers = ["local", "dev", "ephemeral", "prod"] as const;
export type Tier = (typeof tiers)[number];

const dnsLabel = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const hostname = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** An IPv4 network in CIDR notation: valid octets and prefix, no host bits set (checked with ipaddr.js). */
export const cidr = z.string().superRefine((s, ctx) => {
  const problem = cidrProblem(s);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** A CIDR whose prefix length lies in [min, max]; `why` explains the bounds. */
const cidrWithPrefix = (min: number, max: number, why: string) =>
  cidr.superRefine((s, ctx) => {
    if (cidrProblem(s)) return;
    const p = prefixOf(s);
    if (p < min || p > max) ctx.addIssue({ code: "custom", message: `${min === max ? `must be a /${min}` : `the prefix must be /${min} to /${max}`}: ${why}` });
  });

// Kubernetes label and taint syntax (k8s.io/apimachinery validation): key = [DNS subdomain "/"] name.
const qualifiedName = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `key` is not a valid Kubernetes label or taint key, or undefined. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !dnsSubdomain.test(prefix))) {
    return `the prefix ${quoted(prefix)} must be a lowercase DNS subdomain such as example.com (at most 253 characters) followed by one "/"`;
  }
  if (name.length === 0 || name.length > 63 || !qualifiedName.test(name)) {
    return `the name ${quoted(name)} must be 1-63 characters of A-Z, a-z, 0-9, "-", "_", "." and start and end with a letter or digit`;
  }
  return undefined;
}

/** Why `value` is not a valid Kubernetes label or taint value, or undefined. */
export function labelValueProblem(value: string): string | undefined {
  if (value === "") return undefined;
  if (value.length > 63 || !qualifiedName.test(value)) {
    return 'a label or taint value must be empty or 1-63 characters of A-Z, a-z, 0-9, "-", "_", "." starting and ending with a letter or digit';
  }
  return undefined;
}

const labelKey = z.string().superRefine((s, ctx) => {
  const problem = labelKeyProblem(s);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});
/** Set by the program from the pool's role; add-ons (the GPU device plugin) schedule on it. */
export const poolRoleLabel = "platform/pool-role";
const poolLabelKey = labelKey.superRefine((s, ctx) => {
  if (s === poolRoleLabel) ctx.addIssue({ code: "custom", message: `${poolRoleLabel} is set from the pool's role; remove it and set role instead` });
});
const labelValue = z.string().superRefine((s, ctx) => {
  const problem = labelValueProblem(s);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** A Kubernetes taint: an object, not the kubectl shorthand key=value:Effect. */
const taint = z.strictObject({
  key: labelKey,
  value: labelValue.default(""),
  effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]),
});

export const nodePool = z.strictObject({
  /** Length limits differ per cloud (GKE 13, EKS 36): the adapters append a 26-character unique suffix; see resolve.ts. */
  name: z.string().regex(dnsLabel, { message: "expected a lowercase DNS label (a-z, 0-9, -)" }),
  /** system: platform add-ons; cpu: notebooks and pipelines; gpu: training and serving on accelerators. */
  role: z.enum(["system", "cpu", "gpu"]),
  /** GKE machine type (e2-standard-4) or EC2 instance type (m6i.xlarge). */
  machineType: z.string().min(1),
  min: z.number().int().min(0),
  max: z.number().int().min(1),
  spot: z.boolean().optional(),
  diskSizeGb: z.number().int().min(20).optional(),
  /** GKE: accelerator type and count per node. EKS: the instance type implies the GPU; give count only. */
  gpu: z
    .strictObject({
      type: z.string().min(1).optional(),
      count: z.number().int().min(1),
    })
    .optional(),
  labels: z.record(poolLabelKey, labelValue).optional(),
  taints: z.array(taint).optional(),
});
export type NodePoolInput = z.infer<typeof nodePool>;

const gkeCloud = z.strictObject({
  kind: z.literal("gke"),
  project: z.string().regex(/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/, { message: "expected a GCP project ID" }),
  region: z.string().regex(/^[a-z]+-[a-z]+\d+$/, { message: "expected a GCP region such as europe-west4" }),
  /** Zonal clusters need a zone; regional clusters spread nodes over the region's zones. */
  zone: z.string().regex(/^[a-z]+-[a-z]+\d+-[a-z]$/, { message: "expected a GCP zone such as europe-west4-a" }).optional(),
  regional: z.boolean().optional(),
  releaseChannel: z.enum(["RAPID", "REGULAR", "STABLE"]).optional(),
  network: z
    .strictObject({
      nodeCidr: cidr.optional(),
      podCidr: cidr.optional(),
      serviceCidr: cidr.optional(),
      /** The control plane's private range: GKE requires exactly a /28. */
      masterCidr: cidrWithPrefix(28, 28, "GKE's control plane range is always a /28, e.g. 172.16.0.0/28").optional(),
    })
    .optional(),
  privateNodes: z.boolean().optional(),
  /** Who may reach the Kubernetes API. Required in prod. */
  masterAuthorizedNetworks: z.array(z.strictObject({ name: z.string().min(1), cidr })).optional(),
  /** Dataplane V2 (eBPF, built-in NetworkPolicy). false falls back to Calico network policy. */
  dataplaneV2: z.boolean().optional(),
  nodePools: z.array(nodePool).min(1).optional(),
});

const eksCloud = z.strictObject({
  kind: z.literal("eks"),
  region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, { message: "expected an AWS region such as eu-west-1" }),
  /** Two to four; defaults to the region's a, b (and c in prod). */
  availabilityZones: z
    .array(z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, { message: "expected an availability zone such as eu-west-1a" }))
    .min(2)
    .max(4)
    .optional(),
  /** Must be one of supportedEksVersions (resolve.ts). */
  version: z.string().regex(/^1\.\d{2}$/, { message: "expected a Kubernetes minor version such as 1.34" }).optional(),
  /** /16 (the largest VPC AWS allows) to /22: private subnets are /prefix+3, public ones /prefix+6, and AWS subnets are at least /28. */
  vpcCidr: cidrWithPrefix(16, 22, "AWS allows at most a /16 VPC, and the public subnets (/prefix+6) must be at least /28, AWS's smallest subnet").optional(),
  /** single: one NAT gateway (cheap); perAz: one per AZ (no cross-AZ single point of failure). */
  natGateways: z.enum(["single", "perAz"]).optional(),
  endpoint: z
    .strictObject({
      public: z.boolean().optional(),
      private: z.boolean().optional(),
      publicCidrs: z.array(cidr).min(1).optional(),
    })
    .optional(),
  /** IAM principals (role ARNs) given cluster-admin through EKS access entries. */
  admins: z.array(z.string().regex(/^arn:aws[-a-z]*:iam::\d{12}:role\/.+$/, { message: "expected an IAM role ARN" })).optional(),
  nodePools: z.array(nodePool).min(1).optional(),
});

const existingCloud = z.strictObject({
  kind: z.literal("existing"),
  /** Path to a kubeconfig file; defaults to the provider's usual lookup ($KUBECONFIG, ~/.kube/config). */
  kubeconfig: z.string().min(1).optional(),
  context: z.string().min(1).optional(),
  /** StorageClass for volumes; kind: standard, k3d: local-path, minikube: standard. Cluster default if unset. */
  storageClass: z.string().min(1).optional(),
});

export const cloud = z.discriminatedUnion("kind", [gkeCloud, eksCloud, existingCloud]);
export type CloudInput = z.infer<typeof cloud>;

export const dns = z.strictObject({
  /** Every UI lives under this domain: <ui>.<domain>. */
  domain: z.string().regex(hostname, { message: "expected a lowercase DNS name such as ml.example.com" }),
  /** The DNS zone records are written to. Not used on local stacks. */
  zone: z
    .strictObject({
      /** Cloud DNS managed zone name (GKE) or Route53 hosted zone ID (EKS). */
      id: z.string().min(1),
      /** The zone's DNS name, e.g. example.com. The domain must be inside it. */
      dnsName: z.string().regex(hostname, { message: "expected a lowercase DNS name such as example.com" }),
      /** GKE only: the project that owns the zone, if not the cluster's. */
      project: z.string().min(1).optional(),
    })
    .optional(),
});

export const tls = z.strictObject({
  /** Contact for Let's Encrypt expiry notices. Required wherever ACME is used (every tier but local). */
  acmeEmail: z.email({ message: "expected an email address" }).optional(),
  /** Which issuer signs the platform's certificate. Defaults: prod -> production, local -> selfSigned, else staging. */
  issuer: z.enum(["staging", "production", "selfSigned"]).optional(),
});

export const edge = z.strictObject({
  /** The ingress gateway's Service: LoadBalancer on clouds; NodePort suits kind without a load balancer. */
  gatewayService: z
    .strictObject({
      type: z.enum(["LoadBalancer", "NodePort", "ClusterIP"]).optional(),
      /** Cloud load balancer annotations, e.g. service.beta.kubernetes.io/aws-load-balancer-type. */
      annotations: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  /** Resolvers cert-manager asks to self-check DNS-01 records (public ones, so private zones do not hide them). */
  dns01RecursiveNameservers: z.array(z.string().regex(/^[^\s,]+:\d+$/, { message: "expected host:port such as 8.8.8.8:53" })).min(1).optional(),
});

/**
 * A secret config value: must be stored with `pulumi config set --secret`, and is
 * handed to components as a secret Output so it can never reach an input in plain text.
 */
const secretString = z
  .string({ error: "required secret: set it with pulumi config set --secret --path '{key}' <value>" })
  .min(1)
  .transform((s) => pulumi.secret(s));

/** A bare email domain: acme.example, not @acme.example. */
const bareDomain = z.string().regex(hostname, { message: "expected a bare lowercase domain such as acme.example (no @)" });

const connectorBase = {
  /** Stable ID; it is part of every user's Dex identity, so do not change it once users exist. */
  id: z.string().regex(dnsLabel, { message: "expected a lowercase DNS label (a-z, 0-9, -)" }),
  /** Shown on the login page. */
  name: z.string().min(1),
};
const oauthClient = { clientId: z.string().min(1), clientSecret: secretString };

export const connector = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("google"), ...connectorBase, ...oauthClient, hostedDomains: z.array(bareDomain).optional() }),
  z.strictObject({ type: z.literal("entra"), ...connectorBase, ...oauthClient, tenantId: z.string().min(1) }),
  z.strictObject({
    type: z.literal("cognito"),
    ...connectorBase,
    ...oauthClient,
    region: z.string().min(1),
    userPoolId: z.string().regex(/^[a-z0-9-]+_[A-Za-z0-9]+$/, { message: "expected a Cognito user pool ID such as eu-west-1_AbC123" }),
  }),
  z.strictObject({
    type: z.literal("oidc"),
    ...connectorBase,
    ...oauthClient,
    issuer: z.url({ protocol: /^https$/, message: "expected an https issuer URL" }),
    scopes: z.array(z.string()).optional(),
    /** Some providers (Entra via generic OIDC, Cognito) omit email_verified. */
    insecureSkipEmailVerified: z.boolean().optional(),
  }),
  z.strictObject({
    type: z.literal("github"),
    ...connectorBase,
    ...oauthClient,
    /** Only members of these orgs (optionally these teams) may sign in. */
    orgs: z.array(z.strictObject({ name: z.string().min(1), teams: z.array(z.string()).optional() })).min(1),
  }),
  z.strictObject({
    type: z.literal("saml"),
    ...connectorBase,
    ssoURL: z.url({ protocol: /^https$/, message: "expected the IdP's https SSO URL" }),
    /** The IdP's signing certificate (PEM). Public, not a secret. */
    caPem: z.string().includes("BEGIN CERTIFICATE", { message: "expected a PEM certificate" }),
    usernameAttr: z.string().default("name"),
    emailAttr: z.string().default("email"),
    groupsAttr: z.string().optional(),
    entityIssuer: z.string().optional(),
  }),
]);
export type ConnectorInput = z.infer<typeof connector>;

/** The longest sign-in: one year. */
export const maxSessionHours = 8760;

export const identity = z.strictObject({
  /** Upstream identity providers users sign in with. */
  connectors: z.array(connector).optional(),
  /** Local accounts in Dex's password database: local and dev tiers only. */
  staticUsers: z
    .array(z.strictObject({ email: z.email({ message: "expected an email address" }), username: z.string().min(1), password: secretString }))
    .optional(),
  /** Sign-in lifetime: the oauth2-proxy cookie and Dex's refresh tokens expire together. */
  sessionLifetime: z
    .string()
    .regex(/^[1-9]\d*h$/, { message: "expected a positive number of hours such as 24h" })
    .refine((s) => !/^\d+h$/.test(s) || Number(s.slice(0, -1)) <= maxSessionHours, {
      message: `at most ${maxSessionHours}h (one year): longer sign-ins keep a stolen session alive, and Go durations in oauth2-proxy and Dex overflow at about 2562047h`,
    })
    .optional(),
  /** Only these email domains may use the platform; default: any user the connectors accept. */
  emailDomains: z
    .array(z.string().refine((d) => d === "*" || hostname.test(d), { message: "expected a bare lowercase domain such as acme.example (no @), or * for any" }))
    .min(1, { message: "oauth2-proxy does not start without an email domain; list at least one, such as acme.example, or * for any (or remove emailDomains: the default is *)" })
    .optional(),
});

/** Top-level config keys in the `platform` namespace and the schema of each. */
export const sections = {
  tier: z.enum(tiers),
  cloud,
  dns,
  tls: tls.optional(),
  edge: edge.optional(),
  identity,
  ml: ml.optional(),
  kubeflow: kubeflow.optional(),
  observability: observability.optional(),
} as const;
export type SectionName = keyof typeof sections;
export const requiredSections: readonly SectionName[] = ["tier", "cloud", "dns", "identity"];
/**
 * Sections that contain secret fields (see secretString); only these may be stored with --secret.
 * Which fields are secret is found in the parsed value: every secretString becomes a secret Output.
 */
export const sectionsWithSecrets: readonly SectionName[] = ["identity"];

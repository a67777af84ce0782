// The shape of a stack's configuration, as a platform engineer writes it in
// stacks/Pulumi.<env>.yaml. Every object is strict: an unknown key is an error,
// so a typo never passes silently. Tier-dependent defaults are applied later
// (resolve.ts), so optional fields here stay optional.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

export const tiers = ["local", "dev", "ephemeral", "prod"] as const;
export type Tier = (typeof tiers)[number];

const dnsLabel = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const hostname = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export const cidr = z
  .string()
  .regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, { message: "expected an IPv4 CIDR such as 10.0.0.0/16" });

const taint = z.strictObject({
  key: z.string().min(1),
  value: z.string().default(""),
  effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]),
});

export const nodePool = z.strictObject({
  name: z.string().regex(dnsLabel, { message: "expected a lowercase DNS label (a-z, 0-9, -)" }).max(30),
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
  labels: z.record(z.string(), z.string()).optional(),
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
      masterCidr: cidr.optional(),
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
  version: z.string().regex(/^1\.\d{2}$/, { message: "expected a Kubernetes minor version such as 1.34" }).optional(),
  vpcCidr: cidr.optional(),
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

const connectorBase = {
  /** Stable ID; it is part of every user's Dex identity, so do not change it once users exist. */
  id: z.string().regex(dnsLabel, { message: "expected a lowercase DNS label (a-z, 0-9, -)" }),
  /** Shown on the login page. */
  name: z.string().min(1),
};
const oauthClient = { clientId: z.string().min(1), clientSecret: secretString };

export const connector = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("google"), ...connectorBase, ...oauthClient, hostedDomains: z.array(z.string()).optional() }),
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

export const identity = z.strictObject({
  /** Upstream identity providers users sign in with. */
  connectors: z.array(connector).optional(),
  /** Local accounts in Dex's password database: local and dev tiers only. */
  staticUsers: z
    .array(z.strictObject({ email: z.email({ message: "expected an email address" }), username: z.string().min(1), password: secretString }))
    .optional(),
  /** Sign-in lifetime: the oauth2-proxy cookie and Dex's refresh tokens expire together. */
  sessionLifetime: z.string().regex(/^\d+h$/, { message: "expected hours such as 24h" }).optional(),
  /** Only these email domains may use the platform; default: any user the connectors accept. */
  emailDomains: z.array(z.string().min(1)).optional(),
});

/** Top-level config keys in the `platform` namespace and the schema of each. */
export const sections = {
  tier: z.enum(tiers),
  cloud,
  dns,
  tls: tls.optional(),
  edge: edge.optional(),
  identity,
} as const;
export type SectionName = keyof typeof sections;
export const requiredSections: readonly SectionName[] = ["tier", "cloud", "dns", "identity"];
/** Sections that contain secret fields (see secretString); only these may be stored with --secret. */
export const sectionsWithSecrets: readonly SectionName[] = ["identity"];

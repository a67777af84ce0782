// cert-manager with its CRDs, bound through workload identity to exactly the DNS
// permissions DNS-01 needs, and the platform's ClusterIssuers: Let's Encrypt
// staging and production with the cloud's DNS-01 solver, or a self-signed CA
// where there is no DNS zone (local).
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import type { Cloud } from "../cloud/cloud";
import { certificate, clusterIssuer } from "../crds/cert-manager";
import { helmChart, namespace, waitForWebhookCa } from "../helm";
import { charts } from "../../infra/versions";

export type IssuerChoice = "staging" | "production" | "selfSigned";

export interface CertManagerArgs {
  cloud: Cloud;
  issuer: IssuerChoice;
  acmeEmail?: string;
  /** The DNS zone's name; DNS-01 solvers only answer for it. */
  dnsZone?: string;
  recursiveNameservers: string[];
  /** Replicas of controller, webhook and cainjector (2+ adds PodDisruptionBudgets). */
  replicas: number;
}

const acmeServers = {
  staging: "https://acme-staging-v02.api.letsencrypt.org/directory",
  production: "https://acme-v02.api.letsencrypt.org/directory",
} as const;

export const issuerNames = { staging: "letsencrypt-staging", production: "letsencrypt-production", selfSigned: "platform-ca" } as const;

export class CertManager extends pulumi.ComponentResource {
  /** The ClusterIssuer this stack's certificates use. */
  public readonly issuerName: string;
  /** Resolves once that issuer exists; certificates depend on it. */
  public readonly issuer: k8s.apiextensions.CustomResource;
  public readonly identityPrincipal?: pulumi.Output<string | undefined>;

  constructor(name: string, args: CertManagerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:edge:CertManager", name, {}, opts);
    const ns = "cert-manager";
    const nsResource = namespace(ns, undefined, { parent: this });
    const solver = args.cloud.dns01Solver();
    const identity = solver
      ? args.cloud.workloadIdentity("cert-manager", { namespace: ns, name: "cert-manager" }, [{ kind: "dnsRecords" }], { parent: this })
      : undefined;
    this.identityPrincipal = identity?.principal;
    const ha = args.replicas > 1;

    const chart = helmChart(
      "cert-manager",
      ns,
      charts.certManager,
      {
        crds: { enabled: true, keep: true },
        replicaCount: args.replicas,
        podDisruptionBudget: { enabled: ha },
        webhook: {
          replicaCount: args.replicas,
          podDisruptionBudget: { enabled: ha },
          // Stands in for the startupapicheck hook, which Helm Chart v4 does not run: the chart is ready
          // only once cainjector has put the CA into both webhook configurations.
          validatingWebhookConfigurationAnnotations: waitForWebhookCa,
          mutatingWebhookConfigurationAnnotations: waitForWebhookCa,
        },
        cainjector: { replicaCount: args.replicas, podDisruptionBudget: { enabled: ha } },
        serviceAccount: { annotations: identity?.annotations ?? {} },
        // Self-check DNS-01 records against public resolvers: split-horizon or private zones would hide them.
        dns01RecursiveNameservers: args.recursiveNameservers.join(","),
        dns01RecursiveNameserversOnly: true,
        global: { leaderElection: { namespace: ns } },
      },
      { parent: this, dependsOn: [nsResource] },
    );
    // Issuers are created only once the chart's CRDs exist, its webhook Deployment is ready and the
    // webhook's CA is injected (the API server can call it).
    const afterChart = { parent: this, dependsOn: [chart] };

    if (solver && args.acmeEmail) {
      const acme = (which: "staging" | "production") =>
        clusterIssuer(
          { name: issuerNames[which] },
          {
            acme: {
              server: acmeServers[which],
              email: args.acmeEmail!,
              privateKeySecretRef: { name: `${issuerNames[which]}-account` },
              solvers: [{ dns01: solver, selector: args.dnsZone ? { dnsZones: [args.dnsZone] } : undefined }],
            },
          },
          afterChart,
        );
      const issuers = { staging: acme("staging"), production: acme("production") };
      this.issuer = args.issuer === "selfSigned" ? this.selfSignedCa(afterChart) : issuers[args.issuer];
    } else {
      if (args.issuer !== "selfSigned") throw new Error(`issuer ${args.issuer} needs a DNS-01 solver and an ACME email (validated in config); this is a bug`);
      this.issuer = this.selfSignedCa(afterChart);
    }
    this.issuerName = issuerNames[args.issuer];
    this.registerOutputs({ issuerName: this.issuerName });
  }

  /** A self-signed root whose CA signs the platform's certificates (local clusters, no public DNS). */
  private selfSignedCa(opts: pulumi.CustomResourceOptions): k8s.apiextensions.CustomResource {
    const root = clusterIssuer({ name: "selfsigned-root" }, { selfSigned: {} }, opts);
    const ca = certificate(
      { name: "platform-ca", namespace: "cert-manager" },
      {
        isCA: true,
        commonName: "MLOps platform local CA",
        secretName: "platform-ca",
        duration: "87600h",
        privateKey: { algorithm: "ECDSA", size: 256 },
        issuerRef: { name: "selfsigned-root", kind: "ClusterIssuer", group: "cert-manager.io" },
      },
      { ...opts, dependsOn: [root] },
    );
    return clusterIssuer({ name: issuerNames.selfSigned }, { ca: { secretName: "platform-ca" } }, { ...opts, dependsOn: [ca] });
  }
}

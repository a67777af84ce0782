// external-dns: publishes the hosts of the Istio Gateway and VirtualServices into
// the platform's DNS zone, through workload identity, owning only its own records.
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import type { Cloud } from "../cloud/cloud";
import { helmChart, namespace } from "../helm";
import { charts } from "../../infra/versions";

export interface ExternalDnsArgs {
  cloud: Cloud;
  /** The zone's DNS name; external-dns touches nothing outside it. */
  zoneDnsName: string;
  /** Cloud DNS: the project owning the zone. */
  zoneProject?: string;
  region?: string;
  /** Unique per stack, so two clusters sharing a zone never delete each other's records. */
  ownerId: string;
  /** upsert-only never deletes records (prod); sync cleans up after itself (dev, ephemeral). */
  policy: "sync" | "upsert-only";
}

export class ExternalDns extends pulumi.ComponentResource {
  public readonly identityPrincipal: pulumi.Output<string | undefined>;
  /** Routes depend on this, so on destroy they go first and external-dns (sync policy) can delete their records. */
  public readonly chart: k8s.helm.v4.Chart;

  constructor(name: string, args: ExternalDnsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:edge:ExternalDns", name, {}, opts);
    const provider = args.cloud.dnsProvider;
    if (!provider) throw new Error("external-dns needs a cloud DNS provider; it is not installed on existing clusters");
    const ns = "external-dns";
    const nsResource = namespace(ns, undefined, { parent: this });
    const identity = args.cloud.workloadIdentity("external-dns", { namespace: ns, name: "external-dns" }, [{ kind: "dnsRecords", discoverZones: true }], { parent: this });
    this.identityPrincipal = identity.principal;

    this.chart = helmChart(
      "external-dns",
      ns,
      charts.externalDns,
      {
        provider: { name: provider },
        domainFilters: [args.zoneDnsName],
        txtOwnerId: args.ownerId,
        registry: "txt",
        policy: args.policy,
        // Sync as soon as a Gateway or VirtualService changes (not only every minute): on destroy the
        // routes are deleted before external-dns, and this gives it the chance to delete their records.
        triggerLoopOnEvent: true,
        sources: ["istio-gateway", "istio-virtualservice"],
        serviceAccount: { annotations: identity.annotations },
        extraArgs:
          provider === "google"
            ? [`--google-project=${args.zoneProject}`, "--google-zone-visibility=public"]
            : ["--aws-zone-type=public"],
        env: provider === "aws" && args.region ? [{ name: "AWS_DEFAULT_REGION", value: args.region }] : [],
      },
      { parent: this, dependsOn: [nsResource] },
    );
    this.registerOutputs({ identityPrincipal: this.identityPrincipal });
  }
}

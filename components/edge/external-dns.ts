// external-dns: publishes the hosts of the Istio Gateway and VirtualServices into
// the platform's DNS zone, through workload identity, owning only its own records.
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import * as time from "@pulumiverse/time";
import type { Cloud } from "../cloud/cloud";
import { helmChart, namespace } from "../helm";
import { charts } from "../../infra/versions";

export interface ExternalDnsArgs {
  cloud: Cloud;
  /** The zone's DNS name; external-dns touches nothing outside it. */
  zoneDnsName: string;
  /** The zone itself (Cloud DNS zone name, Route53 hosted zone ID): other zones under the same name are not ours. */
  zoneId: string;
  /** Cloud DNS: the project owning the zone. */
  zoneProject?: string;
  region?: string;
  /** Unique per stack, so two clusters sharing a zone never delete each other's records. */
  ownerId: string;
  /** upsert-only never deletes records (prod); sync cleans up after itself (dev, ephemeral). */
  policy: "sync" | "upsert-only";
}

/** How long destroy keeps external-dns running after the routes are gone (6x its event sync interval). */
export const cleanupWindow = "30s";

export class ExternalDns extends pulumi.ComponentResource {
  public readonly identityPrincipal: pulumi.Output<string | undefined>;
  public readonly chart: k8s.helm.v4.Chart;
  /**
   * Routes (Gateway, VirtualServices) depend on this. On destroy they are deleted first; deleting
   * this then waits `cleanupWindow` while external-dns, still running with its cloud identity, syncs
   * on the deletion events (at most 5 s later: --min-event-sync-interval) and deletes their records.
   * Without the wait, Pulumi deletes external-dns at once, and SIGTERM ends it without a final sync.
   */
  public readonly routeDependency: pulumi.Resource;

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
        // Only the platform's zone: a sibling zone matching the domain filter (team.example.com under
        // example.com) would be listed too, and its 403 (our grants cover one zone) stops every sync.
        extraArgs: [
          `--zone-id-filter=${args.zoneId}`,
          ...(provider === "google" ? [`--google-project=${args.zoneProject}`, "--google-zone-visibility=public"] : ["--aws-zone-type=public"]),
        ],
        env: provider === "aws" && args.region ? [{ name: "AWS_DEFAULT_REGION", value: args.region }] : [],
      },
      // The identity's bindings outlive the chart on destroy, so the last sync is still authorised.
      { parent: this, dependsOn: [nsResource, ...identity.ready] },
    );
    // No cloud credentials: the provider only measures time, and is explicit like every provider here.
    const timeProvider = new time.Provider("time", {}, { parent: this });
    this.routeDependency = new time.Sleep(
      "dns-cleanup-window",
      { destroyDuration: cleanupWindow },
      { parent: this, provider: timeProvider, dependsOn: [this.chart] },
    );
    this.registerOutputs({ identityPrincipal: this.identityPrincipal });
  }
}

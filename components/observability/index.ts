// The observability stack: Loki (logs), Tempo (traces) and Mimir (metrics) on object storage,
// Alloy as the one collector, kube-state-metrics, Grafana with datasources and dashboards as
// code, and mesh tracing (a mesh-wide Telemetry sending spans to Alloy). Backends and collector
// run in `monitoring`, outside the mesh, behind NetworkPolicies; Grafana runs in the mesh.
import * as pulumi from "@pulumi/pulumi";
import type { ObservabilitySettings } from "../../infra/config/observability";
import type { Tier } from "../../infra/config/schema";
import { charts } from "../../infra/versions";
import type { Cloud } from "../cloud/cloud";
import { telemetry } from "../crds/istio";
import { istioNamespace } from "../edge/istio";
import { helmChart, namespace } from "../helm";
import type { UiRoutes } from "../identity/ui-routes";
import { alloyValues, kubeStateMetricsValues } from "./alloy";
import { Grafana } from "./grafana";
import { lokiValues } from "./loki";
import { mimirValues } from "./mimir";
import { monitoringNamespace, releases, serviceAccounts, tracingProviderName } from "./names";
import { monitoringNetworkPolicies, scrapeNetworkPolicies, type ScrapedNamespaces } from "./network-policies";
import { observabilityWorkloads } from "./sizing";
import { backendStorage } from "./storage";
import { tempoValues } from "./tempo";

export interface ObservabilityArgs {
  cloud: Cloud;
  tier: Tier;
  /** The stack's name: the `cluster` label on every series and log stream. */
  cluster: string;
  settings: ObservabilitySettings;
  routes: UiRoutes;
  /** istiod: Grafana's namespace is in the mesh; the Telemetry resource needs Istio's CRDs. */
  istioControlPlane: pulumi.Resource;
  /** Namespaces of other add-ons with NetworkPolicies of their own (Kubeflow's), which must admit Alloy's scrapes. */
  scrapedNamespaces?: ScrapedNamespaces;
  /** The stack protects its stateful resources (prod): Grafana's volume. */
  protect: boolean;
}

export class Observability extends pulumi.ComponentResource {
  public readonly grafanaUrl: string;

  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:observability:Observability", name, {}, opts);
    const s = args.settings;
    const workloads = observabilityWorkloads(args.tier, s.sizes.mimirIngesters, s.sizes.lokiIngesters);
    // Outside the mesh on purpose (see network-policies.ts): it does not wait for istiod.
    const ns = namespace(monitoringNamespace, undefined, { parent: this });
    monitoringNetworkPolicies({ parent: this, dependsOn: [ns] });
    if (args.scrapedNamespaces) scrapeNetworkPolicies(args.scrapedNamespaces, { parent: this });
    const placed = { parent: this, dependsOn: [ns] };
    const storageClass = args.cloud.storageClass;

    const backend = (key: "loki" | "tempo" | "mimir") => backendStorage(args.cloud, key, serviceAccounts[key], placed);
    const loki = backend("loki");
    const tempo = backend("tempo");
    const mimir = backend("mimir");
    const chart = (release: string, pin: (typeof charts)[keyof typeof charts], values: pulumi.Inputs, ready: pulumi.Resource[] = []) =>
      helmChart(release, monitoringNamespace, pin, values, { parent: this, dependsOn: [ns, ...ready] });

    chart(releases.loki, charts.loki, lokiValues({ tier: args.tier, settings: s, storage: loki, workloads, storageClass, annotations: loki.identity.annotations }), loki.identity.ready);
    chart(releases.tempo, charts.tempo, tempoValues({ settings: s, storage: tempo, workloads, storageClass, annotations: tempo.identity.annotations }), tempo.identity.ready);
    chart(releases.mimir, charts.mimir, mimirValues({ tier: args.tier, settings: s, storage: mimir, workloads, storageClass, annotations: mimir.identity.annotations }), mimir.identity.ready);
    chart(releases.alloy, charts.alloy, alloyValues({ cluster: args.cluster, workloads }));
    chart(releases.kubeStateMetrics, charts.kubeStateMetrics, kubeStateMetricsValues(workloads["kube-state-metrics"]));

    // Mesh tracing: every sidecar and gateway samples this share of requests and sends the spans
    // to the provider istiod knows as tracingProviderName (Alloy's OTLP receiver).
    telemetry(
      { name: "mesh-default", namespace: istioNamespace },
      { tracing: [{ providers: [{ name: tracingProviderName }], randomSamplingPercentage: s.tracingSamplingPercent }] },
      { parent: this, dependsOn: [args.istioControlPlane] },
    );

    const grafana = new Grafana("grafana", { routes: args.routes, istioControlPlane: args.istioControlPlane, settings: s, workloads, storageClass, protect: args.protect }, { parent: this });
    this.grafanaUrl = grafana.url;
    this.registerOutputs({ grafanaUrl: this.grafanaUrl });
  }
}


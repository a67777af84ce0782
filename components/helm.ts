// Installs a pinned Helm chart with Pulumi's Helm v4 Chart (resource-level diffs in previews).
import type * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { ChartPin } from "../infra/versions";

export function helmChart(
  releaseName: string,
  namespace: string,
  pin: ChartPin,
  values: pulumi.Inputs,
  opts: pulumi.ComponentResourceOptions,
): k8s.helm.v4.Chart {
  return new k8s.helm.v4.Chart(
    releaseName,
    { name: releaseName, namespace, chart: pin.chart, version: pin.version, repositoryOpts: { repo: pin.repo }, values },
    opts,
  );
}

/** A namespace we own, labelled for (or against) Istio sidecar injection. */
export function namespace(name: string, mesh: boolean, opts: pulumi.CustomResourceOptions): k8s.core.v1.Namespace {
  return new k8s.core.v1.Namespace(
    name,
    { metadata: { name, labels: { "istio-injection": mesh ? "enabled" : "disabled", "app.kubernetes.io/part-of": "mlops-platform" } } },
    opts,
  );
}

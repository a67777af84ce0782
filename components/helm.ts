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

/**
 * Annotation for a chart's webhook configurations: Pulumi then waits until the webhook has its CA
 * injected (by cainjector or istiod), i.e. the API server can call it. Helm Chart v4 runs no hooks,
 * so this replaces charts' post-install checks (cert-manager's startupapicheck) without a retry loop.
 */
export const waitForWebhookCa = { "pulumi.com/waitFor": "jsonpath={.webhooks[0].clientConfig.caBundle}" };

type WebhookConfigurationKind = "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration";

/**
 * A resource transform that adds `annotations` to a chart's webhook configurations of `kinds`, for
 * charts that have no value for annotating just those objects. Under mocks charts render no
 * children, so tests call the transform directly.
 */
export function annotateWebhookConfigurations(kinds: WebhookConfigurationKind[], annotations: Record<string, string>): pulumi.ResourceTransform {
  const types = new Set(kinds.map((k) => `kubernetes:admissionregistration.k8s.io/v1:${k}`));
  return (args) => {
    if (!types.has(args.type)) return undefined;
    const metadata = (args.props.metadata ?? {}) as { annotations?: Record<string, string> };
    return { props: { ...args.props, metadata: { ...metadata, annotations: { ...metadata.annotations, ...annotations } } }, opts: args.opts };
  };
}

/**
 * A namespace we own, labelled for (or against) Istio sidecar injection. Pass the `injector`
 * (the istiod chart) to put the namespace in the mesh: the namespace then waits for the injector,
 * and so does everything installed into it, so no pod starts without its sidecar (which would
 * silently bypass STRICT mTLS and the namespace's allow policies).
 */
export function namespace(name: string, injector: pulumi.Resource | undefined, opts: Omit<pulumi.CustomResourceOptions, "dependsOn">): k8s.core.v1.Namespace {
  return new k8s.core.v1.Namespace(
    name,
    { metadata: { name, labels: { "istio-injection": injector ? "enabled" : "disabled", "app.kubernetes.io/part-of": "mlops-platform" } } },
    { ...opts, dependsOn: injector ? [injector] : [] },
  );
}

// KServe's ingress settings for this stack. Standard deployment mode (see the kserve overlay): KServe
// creates no Ingress, and reports https://<model>-<namespace>.models.<domain> as each model's URL,
// which kubeflow/kubeflow-gateway serves (a team adds the route, README "Serve a model").
import type * as pulumi from "@pulumi/pulumi";

export const modelsSubdomain = "models";
export const modelsDomain = (domain: string) => `${modelsSubdomain}.${domain}`;

/** inferenceservice-config `ingress` for this stack (KServe 0.16 keys). */
export function kserveIngress(domain: string): Record<string, unknown> {
  return {
    enableGatewayApi: false,
    kserveIngressGateway: "kubeflow/kubeflow-gateway",
    // Must be non-empty even though only Knative mode uses it.
    ingressGateway: "kubeflow/kubeflow-gateway",
    ingressDomain: modelsDomain(domain),
    ingressClassName: "istio",
    domainTemplate: "{{ .Name }}-{{ .Namespace }}.{{ .IngressDomain }}",
    urlScheme: "https",
    disableIstioVirtualHost: true,
    disableIngressCreation: true,
  };
}

/**
 * A transform for the kserve Directory: the domain is the stack's, so it cannot live in the static
 * overlay. Under mocks Directories render no children, so tests call it directly.
 */
export function kserveIngressTransform(domain: string): pulumi.ResourceTransform {
  return (args) => {
    if (args.type !== "kubernetes:core/v1:ConfigMap") return undefined;
    const metadata = args.props.metadata as { name?: string; namespace?: string } | undefined;
    if (metadata?.name !== "inferenceservice-config") return undefined;
    const data = { ...(args.props.data as Record<string, string>), ingress: JSON.stringify(kserveIngress(domain), null, 2) };
    return { props: { ...args.props, data }, opts: args.opts };
  };
}

// The whole platform as one function: config -> cloud adapter -> add-ons -> stack
// outputs. Shared by the Pulumi entry point and the offline plan. Add-ons get only
// the Cloud port and the Kubernetes provider; independent ones install in parallel
// (see README, "What waits on what").
import * as pulumi from "@pulumi/pulumi";
import { createCloud } from "../components/cloud";
import { CertManager } from "../components/edge/cert-manager";
import { ExternalDns } from "../components/edge/external-dns";
import { PlatformGateway } from "../components/edge/gateway";
import { Istio, gatewayNamespace } from "../components/edge/istio";
import { GatewayAuth } from "../components/identity/auth-policies";
import { Dex } from "../components/identity/dex";
import { OAuth2Proxy } from "../components/identity/oauth2-proxy";
import { oauth2ProxyClientId, oauth2ProxyService } from "../components/identity/sso";
import { ssoCallbacks, type UiRoutes } from "../components/identity/ui-routes";
import { Kubeflow } from "../components/ml/kubeflow/kubeflow";
import { kubeflowNamespace, kubeflowUi } from "../components/ml/kubeflow/edge";
import { modelsHosts } from "../components/ml/kubeflow/kserve";
import { Mlflow } from "../components/ml/mlflow";
import { Observability } from "../components/observability";
import { alloyOtlp, tracingProviderName } from "../components/observability/names";
import { loadConfig } from "./config/load";

const extAuthzProvider = "oauth2-proxy";

export async function platform(): Promise<Record<string, unknown>> {
  // Validation happens before any resource is declared; a ConfigError lists every problem.
  const config = loadConfig();
  const cloud = await createCloud(config);
  const k8s = { providers: { kubernetes: cloud.provider } };
  const domain = config.dns.domain;
  const replicas = config.tier === "prod" ? 2 : 1;

  const certManager = new CertManager(
    "cert-manager",
    {
      cloud,
      issuer: config.tls.issuer,
      acmeEmail: config.tls.acmeEmail,
      dnsZone: config.dns.zone?.dnsName,
      recursiveNameservers: config.edge.dns01RecursiveNameservers,
      replicas,
    },
    k8s,
  );
  let externalDns: ExternalDns | undefined;
  if (cloud.dnsProvider && config.dns.zone) {
    const c = config.cloud;
    externalDns = new ExternalDns(
      "external-dns",
      {
        cloud,
        zoneDnsName: config.dns.zone.dnsName,
        zoneId: config.dns.zone.id,
        zoneProject: c.kind === "gke" ? (config.dns.zone.project ?? c.project) : undefined,
        region: c.kind === "eks" ? c.region : undefined,
        ownerId: `mlops-${config.stack}`,
        policy: config.tier === "prod" ? "upsert-only" : "sync",
      },
      k8s,
    );
  }
  const istio = new Istio(
    "istio",
    {
      extAuthz: { name: extAuthzProvider, ...oauth2ProxyService },
      // Mesh tracing: spans go to Alloy's OTLP receiver (components/observability).
      tracing: config.observability.enabled ? { name: tracingProviderName, service: alloyOtlp.host, port: alloyOtlp.grpcPort } : undefined,
      gatewayService: config.edge.gatewayService,
      replicas,
    },
    k8s,
  );
  // Routes wait for istiod and for external-dns, so `pulumi destroy` removes them (and external-dns
  // their DNS records, within its cleanup window) before external-dns itself goes.
  // UIs behind SSO, each at https://<ui>.<domain>: Dex accepts the SSO callback of exactly these.
  const kubeflowEnabled = config.kubeflow.enabled;
  const protectedUis = [
    "auth",
    ...(config.ml.mlflow.enabled ? ["mlflow"] : []),
    ...(config.observability.enabled ? ["grafana"] : []),
    ...(kubeflowEnabled ? [kubeflowUi] : []),
  ];
  const routes: UiRoutes = { domain, protectedUis, dependsOn: [istio.controlPlane, ...(externalDns ? [externalDns.routeDependency] : [])] };
  new PlatformGateway(
    "gateway",
    {
      domain,
      // Kubeflow's hosts are on its own gateway, with a certificate of their own (components/ml/kubeflow/edge.ts).
      certificateHosts: ["dex", ...protectedUis.filter((ui) => ui !== kubeflowUi)].map((ui) => `${ui}.${domain}`),
      issuerName: certManager.issuerName,
      issuer: certManager.issuer,
      gatewayNamespace: istio.gatewayNamespace,
      routeDependencies: routes.dependsOn,
    },
    k8s,
  );

  // One static OIDC client: oauth2-proxy, with its callback on every protected host. Every UI (MLflow,
  // Grafana, Kubeflow) trusts the gateway-verified identity, so no other client (and secret) exists.
  const clients = [{ id: oauth2ProxyClientId, name: "Platform SSO", redirectURIs: ssoCallbacks(routes) }];
  const dex = new Dex(
    "dex",
    {
      domain,
      connectors: config.identity.connectors,
      staticUsers: config.identity.staticUsers,
      clients,
      sessionLifetime: config.identity.sessionLifetime,
      routes,
      replicas,
    },
    k8s,
  );
  const proxy = new OAuth2Proxy(
    "oauth2-proxy",
    {
      domain,
      routes,
      dexIssuer: dex.issuer,
      clientSecret: dex.clientSecrets[oauth2ProxyClientId],
      sessionLifetime: config.identity.sessionLifetime,
      emailDomains: config.identity.emailDomains,
      istioControlPlane: istio.controlPlane,
      replicas,
    },
    k8s,
  );
  new GatewayAuth(
    "gateway-auth",
    {
      domain,
      ssoHosts: protectedUis.map((ui) => `${ui}.${domain}`),
      dexIssuer: dex.issuer,
      extAuthzProvider,
      istioControlPlane: istio.controlPlane,
      gatewayNamespace: istio.gatewayNamespace,
      // KServe's model hosts: Bearer tokens only (components/ml/kubeflow/edge.ts).
      apiHosts: kubeflowEnabled && config.kubeflow.kserve.enabled ? [modelsHosts(domain)] : [],
    },
    k8s,
  );

  const mlflow = config.ml.mlflow.enabled
    ? new Mlflow("mlflow", { cloud, routes, istioControlPlane: istio.controlPlane, replicas: config.ml.mlflow.replicas }, k8s)
    : undefined;

  const kubeflow = kubeflowEnabled
    ? new Kubeflow(
        "kubeflow",
        {
          cloud,
          routes,
          istioControlPlane: istio.controlPlane,
          gatewayNamespace: istio.gatewayNamespace,
          issuerName: certManager.issuerName,
          issuer: certManager.issuer,
          kserve: config.kubeflow.kserve.enabled,
          teams: config.kubeflow.teams,
          protect: config.protect,
        },
        k8s,
      )
    : undefined;
  // Notebooks and pipeline steps of the teams log to MLflow in the cluster.
  if (kubeflow && mlflow) mlflow.allowNamespaces("allow-kubeflow-teams", kubeflow.teamNamespaces);
  const observability = config.observability.enabled
    ? new Observability(
        "observability",
        {
          cloud,
          tier: config.tier,
          cluster: config.stack,
          settings: config.observability,
          routes,
          istioControlPlane: istio.controlPlane,
          // Kubeflow's namespaces isolate their pods; Alloy's scrapes are admitted once its platform Directory made them.
          scrapedNamespaces: kubeflow?.directories.platform ? { namespaces: [kubeflowNamespace, "kubeflow-system"], createdBy: kubeflow.directories.platform } : undefined,
          protect: config.protect,
        },
        k8s,
      )
    : undefined;

  return {
    tier: config.tier,
    cloud: cloud.kind,
    clusterName: cloud.clusterName,
    // Existing clusters: the kubeconfig is the user's own, so it is not re-exported.
    ...(cloud.kubeconfig ? { kubeconfig: pulumi.secret(cloud.kubeconfig) } : {}),
    ingressAddress: ingressAddress(istio),
    issuer: certManager.issuerName,
    ssoUrl: dex.issuer,
    uiUrls: {
      sso: dex.issuer,
      signIn: proxy.signInUrl,
      ...(mlflow ? { mlflow: mlflow.url } : {}),
      ...(observability ? { grafana: observability.grafanaUrl } : {}),
      ...(kubeflow ? { kubeflow: kubeflow.url } : {}),
    },
    ...(kubeflow ? { kubeflow: { dashboardUrl: kubeflow.url, teamNamespaces: kubeflow.teamNamespaces, teamBuckets: kubeflow.teamBuckets } } : {}),
    ...(mlflow ? { mlflow: { trackingUri: mlflow.url, inClusterTrackingUri: mlflow.inClusterTrackingUri, artifactStore: mlflow.artifactStore } } : {}),
  };
}

/** The gateway Service's load balancer address, read from the chart's rendered Service once it is ready. */
function ingressAddress(istio: Istio): pulumi.Output<string> {
  const address = istio.gateway.resources.apply((resources: any[] | undefined) => {
    const svc = (resources ?? []).find((r) => r?.__pulumiType === "kubernetes:core/v1:Service" && r?.__name?.endsWith("istio-ingressgateway"));
    if (!svc) return pulumi.output(`pending: kubectl -n ${gatewayNamespace} get svc istio-ingressgateway`);
    return (svc.status as pulumi.Output<any>).apply((s): string => s?.loadBalancer?.ingress?.[0]?.ip ?? s?.loadBalancer?.ingress?.[0]?.hostname ?? "pending");
  });
  return address as pulumi.Output<string>;
}

// Every Helm chart the platform installs, pinned in one place with its repository.
// Upgrading a chart: change the version here, run `npm run check:values -- <defaults dir>`
// against the new chart's `helm show values`, then review `npm run plan`.
export interface ChartPin {
  chart: string;
  version: string;
  repo: string;
}

const jetstack = "https://charts.jetstack.io";
const istio = "https://istio-release.storage.googleapis.com/charts";

export const charts = {
  certManager: { chart: "cert-manager", version: "v1.21.1", repo: jetstack },
  externalDns: { chart: "external-dns", version: "1.21.1", repo: "https://kubernetes-sigs.github.io/external-dns/" },
  istioBase: { chart: "base", version: "1.30.3", repo: istio },
  istiod: { chart: "istiod", version: "1.30.3", repo: istio },
  istioGateway: { chart: "gateway", version: "1.30.3", repo: istio },
  dex: { chart: "dex", version: "0.24.0", repo: "https://charts.dexidp.io" },
  // App 7.15.3: includes the 2026 auth-bypass fixes (>= 7.15.2) and --trusted-proxy-ip.
  oauth2Proxy: { chart: "oauth2-proxy", version: "10.7.0", repo: "https://oauth2-proxy.github.io/manifests" },
  // EKS GPU nodes (AL2023 NVIDIA AMIs ship the driver but no device plugin); GKE installs its own.
  nvidiaDevicePlugin: { chart: "nvidia-device-plugin", version: "0.20.0", repo: "https://nvidia.github.io/k8s-device-plugin" },
} as const satisfies Record<string, ChartPin>;

/** Istio's release build sets these image defaults; the chart source leaves dev values. */
export const istioImage = { hub: "docker.io/istio", tag: "1.30.3" };

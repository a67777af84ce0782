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
const grafanaCommunity = "https://grafana-community.github.io/helm-charts";
const grafanaRepo = "https://grafana.github.io/helm-charts";

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
  // MLflow 3.15.1; the chart's schema is strict (unknown keys fail the install).
  mlflow: { chart: "mlflow", version: "1.11.5", repo: "https://community-charts.github.io/helm-charts" },
  // MinIO behind Cloud.bucket on existing clusters (app RELEASE.2024-12-18; the images are pinned below).
  minio: { chart: "minio", version: "5.4.0", repo: "https://charts.min.io/" },
  // PostgreSQL on existing clusters (operator 1.30.0; Database CRs need >= 1.25).
  cloudnativePg: { chart: "cloudnative-pg", version: "0.29.0", repo: "https://cloudnative-pg.github.io/charts" },
  // Observability (issue 9). Loki, Tempo and Grafana moved to the community repo; Mimir and Alloy stay at Grafana's.
  loki: { chart: "loki", version: "18.11.0", repo: grafanaCommunity }, // Loki 3.7.6
  tempo: { chart: "tempo", version: "2.2.4", repo: grafanaCommunity }, // single binary
  grafana: { chart: "grafana", version: "12.11.1", repo: grafanaCommunity },
  // Mimir 3.0.1. 6.2.0 exists but its values could not be checked here; 6.0.4's were.
  mimir: { chart: "mimir-distributed", version: "6.0.4", repo: grafanaRepo },
  alloy: { chart: "alloy", version: "1.11.1", repo: grafanaRepo },
  kubeStateMetrics: { chart: "kube-state-metrics", version: "8.4.0", repo: "https://prometheus-community.github.io/helm-charts" },
} as const satisfies Record<string, ChartPin>;

/** psql of the Jobs that create each consumer's role and database on RDS (the server's major version). */
export const postgresClientImage = "docker.io/library/postgres:17.6-alpine";
/**
 * PostgreSQL image of the CloudNativePG cluster on existing clusters (the same major as Cloud SQL and
 * RDS). The "standard" flavour on Debian trixie: the bare MAJOR.MINOR tags are the legacy bullseye
 * "system" images, no longer rebuilt (cloudnative-pg/postgres-containers#495).
 */
export const cnpgPostgresImage = "ghcr.io/cloudnative-pg/postgresql:17.6-standard-trixie";

/** Istio's release build sets these image defaults; the chart source leaves dev values. */
export const istioImage = { hub: "docker.io/istio", tag: "1.30.3" };

/**
 * MinIO images, pinned by digest. MinIO's upstream is archived and Docker Hub no longer serves
 * minio/*; quay.io still serves the old tags as a frozen snapshot. RELEASE.2025-09-07T16-13-09Z is
 * the last multi-arch server image;
 * mc RELEASE.2025-08-13T08-35-41Z is the client pinned beside it (digests as pinned by public repos).
 */
export const minioImages = {
  server: { repository: "quay.io/minio/minio", tag: "RELEASE.2025-09-07T16-13-09Z", digest: "sha256:14cea493d9a34af32f524e538b8346cf79f3321eff8e708c1e2960462bd8936e" },
  mc: { repository: "quay.io/minio/mc", tag: "RELEASE.2025-08-13T08-35-41Z", digest: "sha256:a7fe349ef4bd8521fb8497f55c6042871b2ae640607cf99d9bede5e9bdf11727" },
} as const;

/**
 * Kubeflow: the kubeflow/manifests release the overlays in kustomize/kubeflow/ reference by tag
 * (`https://github.com/kubeflow/manifests//<path>?ref=26.03`). Tags of this repo carry no "v". The
 * commit is what the tag pointed to when this pin was reviewed; a moved tag shows up in the check
 * `npm run check:kustomize`.
 */
export const kubeflowManifests = {
  repo: "https://github.com/kubeflow/manifests",
  ref: "26.03",
  commit: "d68ebc7fab366ab40ddd1541d2ec22febb31bc83",
} as const;

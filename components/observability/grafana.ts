// Grafana at https://grafana.<domain>, in the mesh, behind the platform's SSO like every UI.
// Sign-in: auth.proxy on the identity the gateway forwards. The gateway admits only requests with
// a Dex ID token it verified (RequestAuthentication + DENY) and sets kubeflow-userid (email) from
// it; Grafana's namespace admits only the gateway (STRICT mTLS + its own ALLOW policy), so nothing
// else can present that header. No second login and no extra redirect. The role comes from the
// verified token's groups claim: the route sets x-grafana-role per group (JWT claim routing on the
// ingress gateway), overwriting anything a client sent. auth.jwt was not used: Grafana refuses a
// plain-HTTP JWKS URL and exits at start, and Dex's keys are served in-cluster over HTTP only.
// auth.generic_oauth with auto_login was not used: Dex keeps no browser session, so static users
// and stacks with several connectors would be asked to sign in a second time.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import type { ObservabilitySettings } from "../../infra/config/observability";
import type { HttpRoute } from "../crds/istio";
import { helmChart, namespace } from "../helm";
import { allowFromGateway, protectedRoute, uiHost, type UiRoutes } from "../identity/ui-routes";
import { charts } from "../../infra/versions";
import { dashboards } from "./dashboards";
import { datasources } from "./datasources";
import { grafanaNamespace, releases, serviceAccounts } from "./names";
import { requests, type Workload } from "./sizing";

/** Set by the gateway from the verified token (components/identity/auth-policies.ts). */
export const userHeader = "kubeflow-userid";
/** Set by Grafana's route from the token's groups claim. */
export const roleHeader = "x-grafana-role";
export const grafanaService = { host: `${releases.grafana}.${grafanaNamespace}.svc.cluster.local`, port: 80 };
const adminSecretName = "grafana-admin";

export interface GrafanaArgs {
  routes: UiRoutes;
  istioControlPlane: pulumi.Resource;
  settings: ObservabilitySettings;
  workloads: Record<string, Workload>;
  /** StorageClass of Grafana's volume; undefined: the cluster default. */
  storageClass?: string;
  /** Protect and keep Grafana's volume (prod), like the platform's other stateful resources. */
  protect: boolean;
}

/** Grafana's SQLite database (users, preferences, UI-made alerts and contact points, API tokens). */
export const grafanaVolumeSize = "1Gi";
export const grafanaClaimName = "grafana-data";

/** The routes to Grafana: one per role, matched on the verified token's groups, each setting the role header. */
export function grafanaRoutes(g: ObservabilitySettings["grafana"]): HttpRoute[] {
  const destination = [{ destination: { host: grafanaService.host, port: { number: grafanaService.port } } }];
  const withRole = (role: string) => ({ headers: { request: { set: { [roleHeader]: role } } }, route: destination });
  const byGroup = (role: string, groups: string[]): HttpRoute[] =>
    groups.map((group, i) => ({ name: `grafana-${role.toLowerCase()}-${i}`, match: [{ headers: { "@request.auth.claims.groups": { exact: group } } }], ...withRole(role) }));
  return [...byGroup("Admin", g.adminGroups), ...byGroup("Editor", g.editorGroups), { name: "grafana", ...withRole(g.defaultRole) }];
}

export class Grafana extends pulumi.ComponentResource {
  public readonly url: string;
  public readonly chart: k8s.helm.v4.Chart;

  constructor(name: string, args: GrafanaArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:observability:Grafana", name, {}, opts);
    const host = uiHost(args.routes, "grafana");
    this.url = `https://${host}`;
    const ns = namespace(grafanaNamespace, args.istioControlPlane, { parent: this });

    // The chart would generate the admin password with randAlphaNum/lookup, which under Pulumi
    // (no lookup) renders a new one on every run: the Secret would change and no longer match
    // the password Grafana stored at first start. The program owns it instead.
    const password = new random.RandomPassword("grafana-admin", { length: 32, special: false }, { parent: this });
    const adminSecret = new k8s.core.v1.Secret(
      adminSecretName,
      { metadata: { name: adminSecretName, namespace: grafanaNamespace }, stringData: { "admin-user": "admin", "admin-password": pulumi.secret(password.result) } },
      { parent: this, dependsOn: [ns] },
    );
    const boards = dashboards.map(
      (d) =>
        new k8s.core.v1.ConfigMap(
          `dashboard-${d.uid}`,
          { metadata: { name: `dashboard-${d.uid}`, namespace: grafanaNamespace, labels: { grafana_dashboard: "1" } }, data: { [`${d.uid}.json`]: d.json } },
          { parent: this, dependsOn: [ns] },
        ),
    );

    // The program owns the claim (not the chart), so its lifecycle is explicit and visible in the plan:
    // protected and kept in prod. A claim's spec is immutable: a new size is a replacement, which
    // protection refuses in prod.
    const claim = new k8s.core.v1.PersistentVolumeClaim(
      grafanaClaimName,
      {
        metadata: { name: grafanaClaimName, namespace: grafanaNamespace },
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: grafanaVolumeSize } }, ...(args.storageClass ? { storageClassName: args.storageClass } : {}) },
      },
      { parent: this, dependsOn: [ns], protect: args.protect, retainOnDelete: args.protect },
    );

    const w = args.workloads;
    this.chart = helmChart(
      releases.grafana,
      grafanaNamespace,
      charts.grafana,
      {
        // One replica on a ReadWriteOnce volume: Recreate, so the old pod lets go of the volume
        // before the new one mounts it (a rolling update would wait forever on another node).
        replicas: 1,
        deploymentStrategy: { type: "Recreate" },
        // Its database survives restarts and upgrades (the chart's default is an emptyDir), on the claim above.
        persistence: { enabled: true, type: "pvc", existingClaim: grafanaClaimName },
        serviceAccount: { create: true, name: serviceAccounts.grafana },
        admin: { existingSecret: adminSecretName, userKey: "admin-user", passwordKey: "admin-password" },
        resources: requests(w.grafana),
        testFramework: { enabled: false },
        "grafana.ini": {
          server: { root_url: this.url, domain: host },
          analytics: { reporting_enabled: false, check_for_updates: false, check_for_plugin_updates: false },
          security: { cookie_secure: true, cookie_samesite: "lax" },
          users: { allow_sign_up: false, auto_assign_org_role: args.settings.grafana.defaultRole },
          auth: { disable_login_form: true, signout_redirect_url: `${this.url}/oauth2/sign_out` },
          "auth.anonymous": { enabled: false },
          "auth.proxy": {
            enabled: true,
            header_name: userHeader,
            header_property: "email",
            auto_sign_up: true,
            headers: `Role:${roleHeader}`,
            enable_login_token: false,
          },
        },
        datasources: { "datasources.yaml": { apiVersion: 1, datasources: datasources() } },
        // The dashboards sidecar lists ConfigMaps in this namespace only: a Role here, not the chart's
        // default ClusterRole (configmaps and Secrets of the whole cluster). The chart's Role still
        // lists Secrets, but only Grafana's own (its admin Secret, which it mounts anyway).
        rbac: { namespaced: true },
        sidecar: {
          resources: requests(w["grafana-sidecar"]),
          dashboards: { enabled: true, resource: "configmap", label: "grafana_dashboard", labelValue: "1", provider: { allowUiUpdates: false } },
        },
      },
      { parent: this, dependsOn: [ns, adminSecret, claim, ...boards] },
    );

    protectedRoute(args.routes, { namespace: grafanaNamespace, ui: "grafana", http: grafanaRoutes(args.settings.grafana) }, { parent: this, dependsOn: [ns] });
    allowFromGateway(grafanaNamespace, { parent: this, dependsOn: [ns] });
    this.registerOutputs({ url: this.url });
  }
}

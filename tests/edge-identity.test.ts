// Edge and identity, checked on the committed stacks' plans.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Plan, PlannedResource } from "../tools/mock-runtime";
import { dexConnector } from "../components/identity/dex";
import { cachedPlan, ofType } from "./helpers";

const plan = cachedPlan;
/** Custom resources register under their own type token, kubernetes:<group>/<version>:<Kind>. */
const customResources = (p: Plan) => p.resources.filter((r) => /^kubernetes:(cert-manager\.io|[a-z]+\.istio\.io)\/v1:/.test(r.type));
const crs = (p: Plan, kind: string) => customResources(p).filter((r) => r.inputs.kind === kind);
const cr = (p: Plan, kind: string, name: string) => {
  const found = crs(p, kind).filter((r) => (r.inputs as any).metadata.name === name);
  assert.equal(found.length, 1, `${kind} ${name}`);
  return found[0].inputs as any;
};
const chart = (p: Plan, release: string) => ofType(p, "kubernetes:helm.sh/v4:Chart").find((r) => r.inputs.name === release) as PlannedResource;
const stacks = ["local", "gke-dev", "eks-dev", "prod", "ephemeral"];

// The models' typings do not resolve under this project's CommonJS settings; their runtime API is new(data).validate().
type Model = new (data: any) => { validate(): void };
/** The model packages are ESM-only, so they are imported dynamically. */
async function loadModels(): Promise<Record<string, Model>> {
  const certManager = await import("@kubernetes-models/cert-manager/cert-manager.io/v1");
  const networking = await import("@kubernetes-models/istio/networking.istio.io/v1");
  const security = await import("@kubernetes-models/istio/security.istio.io/v1");
  const telemetry = await import("@kubernetes-models/istio/telemetry.istio.io/v1");
  return <Record<string, Model>>(<unknown>{
    ClusterIssuer: certManager.ClusterIssuer,
    Certificate: certManager.Certificate,
    Gateway: networking.Gateway,
    VirtualService: networking.VirtualService,
    AuthorizationPolicy: security.AuthorizationPolicy,
    PeerAuthentication: security.PeerAuthentication,
    RequestAuthentication: security.RequestAuthentication,
    Telemetry: telemetry.Telemetry,
  });
}

test("the schema check rejects a wrong field (so passing it means something)", async () => {
  const { PeerAuthentication } = await loadModels();
  assert.throws(() => new PeerAuthentication({ apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", metadata: { name: "x" }, spec: { mtls: { mode: "STRICTEST" } } }).validate());
});

test("every custom resource in every plan validates against its upstream schema", async () => {
  const models = await loadModels();
  let checked = 0;
  for (const s of stacks) {
    for (const r of customResources(await plan(s))) {
      const Model = models[r.inputs.kind as string];
      assert.ok(Model, `no model for ${r.inputs.kind}`);
      assert.doesNotThrow(() => new Model(r.inputs).validate(), `${s}: ${r.urn}`);
      checked++;
    }
  }
  assert.ok(checked > 50, `only ${checked} custom resources checked`);
});

test("ClusterIssuers: DNS-01 solver matches the cloud; local gets a self-signed CA", async () => {
  const gke = cr(await plan("gke-dev"), "ClusterIssuer", "letsencrypt-production");
  assert.deepEqual(gke.spec.acme.solvers, [{ dns01: { cloudDNS: { project: "acme-ml-dev", hostedZoneName: "acme-example" } }, selector: { dnsZones: ["acme.example"] } }]);
  assert.equal(gke.spec.acme.server, "https://acme-v02.api.letsencrypt.org/directory");
  const eks = cr(await plan("eks-dev"), "ClusterIssuer", "letsencrypt-staging");
  assert.deepEqual(eks.spec.acme.solvers[0].dns01, { route53: { region: "eu-west-1", hostedZoneID: "Z0123456789ABCDEFGHIJ" } });
  assert.equal(eks.spec.acme.email, "platform-team@acme.example");
  const local = await plan("local");
  assert.deepEqual(crs(local, "ClusterIssuer").map((r) => (r.inputs as any).metadata.name).sort(), ["platform-ca", "selfsigned-root"]);
  assert.deepEqual(cr(local, "ClusterIssuer", "platform-ca").spec, { ca: { secretName: "platform-ca" } });
});

test("the platform certificate uses the tier's issuer, sits beside the gateway and lists the platform's own hosts", async () => {
  const expected = { local: "platform-ca", "gke-dev": "letsencrypt-staging", "eks-dev": "letsencrypt-staging", prod: "letsencrypt-production", ephemeral: "letsencrypt-staging" };
  for (const [s, issuer] of Object.entries(expected)) {
    const cert = cr(await plan(s), "Certificate", "platform-tls");
    assert.equal(cert.metadata.namespace, "istio-ingress", "credentialName is resolved in the gateway's namespace");
    assert.equal(cert.spec.issuerRef.name, issuer, s);
    assert.ok(cert.spec.dnsNames.some((n: string) => n.startsWith("dex.")) && cert.spec.dnsNames.some((n: string) => n.startsWith("auth.")), s);
    assert.ok(!cert.spec.dnsNames.some((n: string) => n.startsWith("*.") || n.startsWith("kubeflow.")), `${s}: Kubeflow's hosts have their own certificate`);
  }
});

test("cert-manager and external-dns service accounts are bound to exactly themselves", async () => {
  const gke = await plan("gke-dev");
  const members = ofType(gke, "gcp:serviceaccount/iAMMember:IAMMember").map((r) => (r.inputs as any).member).sort();
  assert.deepEqual(members, [
    "serviceAccount:acme-ml-dev.svc.id.goog[cert-manager/cert-manager]",
    "serviceAccount:acme-ml-dev.svc.id.goog[external-dns/external-dns]",
    "serviceAccount:acme-ml-dev.svc.id.goog[kubeflow/ml-pipeline-ui]",
    "serviceAccount:acme-ml-dev.svc.id.goog[kubeflow/ml-pipeline]",
    "serviceAccount:acme-ml-dev.svc.id.goog[mlflow/mlflow]",
    "serviceAccount:acme-ml-dev.svc.id.goog[monitoring/loki]",
    "serviceAccount:acme-ml-dev.svc.id.goog[monitoring/mimir]",
    "serviceAccount:acme-ml-dev.svc.id.goog[monitoring/tempo]",
    "serviceAccount:acme-ml-dev.svc.id.goog[research/default-editor]",
  ]);
  const eks = await plan("eks-dev");
  for (const sa of ["cert-manager", "external-dns"]) {
    const role = ofType(eks, "aws:iam/role:Role").find((r) => r.name === sa)!.inputs as any;
    const cond = role.assumeRolePolicy.Statement[0].Condition.StringEquals;
    assert.deepEqual(Object.values(cond).sort(), [`system:serviceaccount:${sa}:${sa}`, "sts.amazonaws.com"].sort());
  }
  const zoneListers = ofType(gke, "gcp:projects/iAMMember:IAMMember").filter((r) => /\/roles\/mlops_dnsZoneList_/.test((r.inputs as any).role)).map((r) => r.name);
  assert.deepEqual(zoneListers, ["external-dns-dns-zone-list"], "only external-dns needs to discover zones");
  const discovery = (sa: string) => (ofType(eks, "aws:iam/rolePolicy:RolePolicy").find((r) => r.name === sa)!.inputs as any).policy.Statement[2].Action;
  assert.deepEqual(discovery("cert-manager"), ["route53:ListHostedZonesByName"]);
  assert.deepEqual(discovery("external-dns"), ["route53:ListHostedZonesByName", "route53:ListHostedZones", "route53:ListTagsForResources"]);
  const cm = chart(gke, "cert-manager").inputs as any;
  assert.deepEqual(cm.values.serviceAccount.annotations, { "iam.gke.io/gcp-service-account": "ml-gke-dev-cert-manager@acme-ml-dev.iam.gserviceaccount.com" });
  assert.equal(cm.values.dns01RecursiveNameserversOnly, true);
  assert.deepEqual(cm.values.crds, { enabled: true, keep: true });
});

test("external-dns: provider by cloud, zone filter, stack-unique owner, upsert-only in prod, absent on local", async () => {
  const gke = chart(await plan("gke-dev"), "external-dns").inputs as any;
  assert.deepEqual([gke.values.provider, gke.values.domainFilters, gke.values.txtOwnerId, gke.values.policy], [{ name: "google" }, ["acme.example"], "mlops-gke-dev", "sync"]);
  assert.deepEqual(gke.values.sources, ["istio-gateway", "istio-virtualservice"]);
  assert.ok(gke.values.extraArgs.includes("--zone-id-filter=acme-example"), "only the platform's zone, not siblings under the same name");
  const eks = chart(await plan("eks-dev"), "external-dns").inputs as any;
  assert.equal(eks.values.provider.name, "aws");
  assert.ok(eks.values.extraArgs.includes("--zone-id-filter=Z0123456789ABCDEFGHIJ"));
  assert.equal((chart(await plan("prod"), "external-dns").inputs as any).values.policy, "upsert-only");
  assert.equal(chart(await plan("local"), "external-dns"), undefined);
});

test("Istio: STRICT mTLS, default deny, HTTPS gateway on the certificate with HTTP redirect, ext_authz provider", async () => {
  for (const s of stacks) {
    const p = await plan(s);
    assert.deepEqual(cr(p, "PeerAuthentication", "default").spec, { mtls: { mode: "STRICT" } });
    assert.deepEqual(cr(p, "AuthorizationPolicy", "default-deny").spec, {});
    const gw = cr(p, "Gateway", "platform-gateway").spec;
    assert.deepEqual(gw.selector, { istio: "ingressgateway" });
    assert.deepEqual(gw.servers[0].tls, { httpsRedirect: true });
    assert.deepEqual(gw.servers[1].tls, { mode: "SIMPLE", credentialName: "platform-tls" });
    const istiod = chart(p, "istiod").inputs as any;
    assert.equal(istiod.values.meshConfig.extensionProviders[0].envoyExtAuthzHttp.service, "oauth2-proxy.oauth2-proxy.svc.cluster.local");
    assert.equal(istiod.values.env.PILOT_JWT_PUB_KEY_REFRESH_INTERVAL, "1m");
    assert.equal(chart(p, "istio-ingressgateway").inputs.chart, "gateway");
  }
});

test("the three gateway auth policies, as Kubeflow 26.03 wires them", async () => {
  const p = await plan("gke-dev");
  const custom = cr(p, "AuthorizationPolicy", "ingressgateway-oauth2-proxy").spec;
  assert.equal(custom.action, "CUSTOM");
  assert.equal(custom.provider.name, "oauth2-proxy");
  assert.deepEqual(custom.rules[0].when, [{ key: "request.headers[authorization]", notValues: ["*"] }]);
  assert.deepEqual(custom.rules[0].to[0].operation.notPaths, ["/oauth2/*"]);
  // A positive list of the SSO hosts (each with and without :443): Dex and any other host are not sent to sign in.
  assert.deepEqual(custom.rules[0].to[0].operation.hosts, ["auth", "mlflow", "grafana", "kubeflow"].flatMap((ui) => [`${ui}.ml-dev.acme.example`, `${ui}.ml-dev.acme.example:443`]));
  const ra = cr(p, "RequestAuthentication", "dex-jwt").spec.jwtRules[0];
  assert.equal(ra.issuer, "https://dex.ml-dev.acme.example");
  assert.deepEqual(ra.outputClaimToHeaders, [{ header: "kubeflow-userid", claim: "email" }, { header: "kubeflow-groups", claim: "groups" }]);
  const deny = cr(p, "AuthorizationPolicy", "ingressgateway-require-jwt").spec;
  assert.equal(deny.action, "DENY");
  assert.deepEqual(deny.rules[0].from, [{ source: { notRequestPrincipals: ["*"] } }]);
});

test("Dex: issuer is the URL clients use, connectors from config with secrets by reference, static clients", async () => {
  const p = await plan("eks-dev");
  const dex = (chart(p, "dex").inputs as any).values;
  assert.equal(dex.config.issuer, "https://dex.ml-dev.acme.example");
  assert.deepEqual(dex.config.storage, { type: "kubernetes", config: { inCluster: true } });
  assert.deepEqual(dex.config.connectors.map((c: any) => [c.id, c.type]), [["cognito", "oidc"], ["github", "github"]]);
  assert.equal(dex.config.connectors[0].config.issuer, "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123xyz");
  assert.equal(dex.config.connectors[1].config.clientSecret, "$CONNECTOR_GITHUB_CLIENT_SECRET");
  // Only oauth2-proxy: UIs trust the gateway-verified identity, so an extra client would be an unused credential.
  assert.deepEqual(dex.config.staticClients.map((c: any) => c.id), ["oauth2-proxy"]);
  assert.equal(dex.config.enablePasswordDB, false);
  const local = (chart(await plan("local"), "dex").inputs as any).values.config;
  assert.deepEqual(local.staticPasswords[0].hashFromEnv, "STATIC_USER_0_HASH");
  assert.equal(local.staticPasswords[0].hash, undefined);
});

test("oauth2-proxy: secrets redacted, secure cookies, PKCE, bearer token upstream, API 401s, trusted proxies", async () => {
  const values = (chart(await plan("prod"), "oauth2-proxy").inputs as any).values;
  assert.equal(values.config.clientSecret, "[secret]");
  assert.equal(values.config.cookieSecret, "[secret]");
  const cfg: string = values.config.configFile;
  for (const line of [
    'code_challenge_method = "S256"',
    "cookie_secure = true",
    "set_authorization_header = true",
    'api_routes = ["^/api/","^/apis/","^/ml_metadata"]',
    'cookie_expire = "12h"',
    'trusted_proxy_ips = ["127.0.0.1/32","127.0.0.6/32","::1/128"]',
    'oidc_issuer_url = "https://dex.ml.acme.example"',
  ]) {
    assert.ok(cfg.split("\n").includes(line), `missing: ${line}`);
  }
  assert.equal(values.replicaCount, 2, "prod runs two replicas");
});

test("Dex: Entra ID emails are lowercased, as config lowercases team members (Kubeflow matches emails exactly)", () => {
  const { connector } = dexConnector({ type: "entra", id: "entra", name: "Entra ID", clientId: "c", clientSecret: "s", tenantId: "t" } as any, "https://dex.x/callback");
  assert.equal((connector.config as any).emailToLowercase, true);
  assert.equal(connector.type, "microsoft");
});

// Deploy-time truths of the edge and identity layer that mock runs cannot show by themselves:
// what waits for what, where the gateway runs, and a browser's walk through single sign-on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { gatewayRef } from "../components/edge/gateway";
import { forceApplyValidatingWebhooks } from "../components/edge/istio";
import { waitForWebhookCa } from "../components/helm";
import { protectedRoute } from "../components/identity/ui-routes";
import type { Plan, PlannedResource } from "../tools/mock-runtime";
import { committedStacks } from "../tools/stack-file";
import { cachedPlan, ofType } from "./helpers";
import { SsoModel } from "./sso-walk";

const stacks = committedStacks();
const charts = (p: Plan) => ofType(p, "kubernetes:helm.sh/v4:Chart");
const chart = (p: Plan, release: string) => {
  const found = charts(p).find((r) => r.inputs.name === release);
  assert.ok(found, `chart ${release}`);
  return found;
};
const namespaces = (p: Plan) => ofType(p, "kubernetes:core/v1:Namespace");
const crsOf = (p: Plan, kind: string) => p.resources.filter((r) => /^kubernetes:([a-z]+\.istio\.io|cert-manager\.io)\//.test(r.type) && (r.inputs as any).kind === kind);

/** Every resource `r` waits for, directly or through others. */
function waitsFor(p: Plan, r: PlannedResource): Set<string> {
  const byUrn = new Map(p.resources.map((x) => [x.urn, x]));
  const seen = new Set<string>();
  const stack = [...r.dependsOn];
  while (stack.length > 0) {
    const urn = stack.pop()!;
    if (seen.has(urn)) continue;
    seen.add(urn);
    stack.push(...(byUrn.get(urn)?.dependsOn ?? []));
  }
  return seen;
}

for (const name of stacks) {
  test(`stack ${name}: the ingress gateway runs in a namespace where istiod injects its proxy`, async () => {
    const p = await cachedPlan(name);
    const gw = chart(p, "istio-ingressgateway").inputs as any;
    const ns = namespaces(p).find((n) => (n.inputs as any).metadata.name === gw.namespace)!.inputs as any;
    assert.equal(ns.metadata.labels["istio-injection"], "enabled", `${gw.namespace} must allow injection (the gateway image is "auto")`);
  });

  test(`stack ${name}: every chart in a meshed namespace waits for istiod's injector`, async () => {
    const p = await cachedPlan(name);
    const istiod = chart(p, "istiod");
    const meshed = new Set(namespaces(p).filter((n) => (n.inputs as any).metadata.labels["istio-injection"] === "enabled").map((n) => (n.inputs as any).metadata.name));
    assert.ok(meshed.size >= 2, "gateway and oauth2-proxy namespaces are meshed");
    for (const c of charts(p).filter((c) => meshed.has((c.inputs as any).namespace))) {
      assert.ok(waitsFor(p, c).has(istiod.urn), `${c.name} would start pods before the sidecar injector works`);
    }
    assert.deepEqual((istiod.inputs as any).values.sidecarInjectorWebhookAnnotations, waitForWebhookCa);
  });

  test(`stack ${name}: ClusterIssuers wait for cert-manager's webhook to hold its CA (no startupapicheck hook under Chart v4)`, async () => {
    const p = await cachedPlan(name);
    const cm = chart(p, "cert-manager");
    const webhook = (cm.inputs as any).values.webhook;
    assert.deepEqual(webhook.validatingWebhookConfigurationAnnotations, { "pulumi.com/waitFor": "jsonpath={.webhooks[0].clientConfig.caBundle}" });
    assert.deepEqual(webhook.mutatingWebhookConfigurationAnnotations, webhook.validatingWebhookConfigurationAnnotations);
    const issuers = p.resources.filter((r) => r.type === "kubernetes:cert-manager.io/v1:ClusterIssuer");
    assert.ok(issuers.length >= 1);
    for (const i of issuers) assert.ok(waitsFor(p, i).has(cm.urn), `${i.name} does not wait for the cert-manager chart`);
  });

  test(`stack ${name}: SSO policies apply to the HTTPS listener only; tokens must be oauth2-proxy's`, async () => {
    const p = await cachedPlan(name);
    const gatewayPolicies = crsOf(p, "AuthorizationPolicy").map((r) => r.inputs as any).filter((x) => x.spec.action === "CUSTOM" || x.spec.action === "DENY");
    // oauth2-proxy check, token required, /oauth2/ exempt on the SSO hosts only, and token required
    // on the API hosts (KServe's model hosts).
    assert.equal(gatewayPolicies.length, 4);
    const custom = gatewayPolicies.find((x) => x.spec.action === "CUSTOM");
    const oauth2Paths = gatewayPolicies.find((x) => x.metadata.name === "ingressgateway-oauth2-paths-sso-hosts-only");
    // One list: where oauth2-proxy checks the session is exactly where /oauth2/ is exempt.
    assert.deepEqual(custom.spec.rules[0].to[0].operation.hosts, oauth2Paths.spec.rules[0].to[0].operation.notHosts);
    assert.ok(custom.spec.rules[0].to[0].operation.hosts.every((h: string) => !h.includes("*")), "SSO hosts are named, never a wildcard");
    for (const x of gatewayPolicies) assert.deepEqual(x.spec.rules[0].to[0].operation.ports, ["443"], x.metadata.name);
    const [ra] = crsOf(p, "RequestAuthentication").map((r) => r.inputs as any);
    assert.deepEqual(ra.spec.jwtRules[0].audiences, ["oauth2-proxy"]);
  });

  test(`stack ${name}: a browser signs in and lands where it started (auth.<domain>/ included), and http:// reaches https://`, async () => {
    const p = await cachedPlan(name);
    const vs = crsOf(p, "VirtualService").map((r) => r.inputs as any);
    const authHost = vs.flatMap((v) => v.spec.hosts as string[]).find((h) => h.startsWith("auth."))!;
    for (const start of [`https://${authHost}/`, `http://${authHost}/`]) {
      const steps = new SsoModel(p, gatewayRef).walk(start); // a fresh browser, without cookies
      const last = steps[steps.length - 1];
      assert.equal(last.status, 200, `walk from ${start} ended with ${last.status} at ${last.url}:\n${steps.map((s) => `  ${s.status} ${s.by} ${s.url}`).join("\n")}`);
      assert.equal(last.url, `https://${authHost}/`, "the round trip returns to the original URL on the original host");
      assert.ok(steps.some((s) => s.by === "dex"), "the walk went through Dex");
    }
  });
}

/** gke-dev's plan plus a protected UI "app" routed like every UI (its callback registered with Dex). */
async function planWithApp(): Promise<Plan> {
  const p = structuredClone(await cachedPlan("gke-dev"));
  const auth = p.resources.find((r) => (r.inputs as any).kind === "VirtualService" && (r.inputs as any).spec.hosts[0].startsWith("auth."))!;
  const app = structuredClone(auth);
  (app.inputs as any).spec.hosts = ["app.ml-dev.acme.example"];
  (app.inputs as any).spec.http = [(auth.inputs as any).spec.http[0], { route: [{ destination: { host: "app.apps.svc.cluster.local" } }] }];
  p.resources.push(app);
  const dex = p.resources.find((r) => (r.inputs as any).chart === "dex")!.inputs as any;
  dex.values.config.staticClients[0].redirectURIs.push("https://app.ml-dev.acme.example/oauth2/callback");
  // As the program does for every protected UI: oauth2-proxy checks it, and its /oauth2/ paths are exempt.
  const policy = (name: string) => (p.resources.find((r) => (r.inputs as any).kind === "AuthorizationPolicy" && (r.inputs as any).metadata.name === name)!.inputs as any).spec.rules[0].to[0].operation;
  policy("ingressgateway-oauth2-proxy").hosts.push("app.ml-dev.acme.example", "app.ml-dev.acme.example:443");
  policy("ingressgateway-oauth2-paths-sso-hosts-only").notHosts.push("app.ml-dev.acme.example", "app.ml-dev.acme.example:443");
  return p;
}

test("another protected UI: the round trip ends on that UI's host and path", async () => {
  const steps = new SsoModel(await planWithApp(), gatewayRef).walk("https://app.ml-dev.acme.example/experiments/7?tab=runs");
  assert.deepEqual(
    steps.map((s) => `${s.status} ${s.by} ${new URL(s.url).host}${new URL(s.url).pathname}`),
    [
      "302 oauth2-proxy app.ml-dev.acme.example/experiments/7",
      "302 dex dex.ml-dev.acme.example/auth",
      "302 oauth2-proxy app.ml-dev.acme.example/oauth2/callback",
      "200 app.apps.svc.cluster.local app.ml-dev.acme.example/experiments/7",
    ],
  );
  assert.equal(steps.at(-1)!.url, "https://app.ml-dev.acme.example/experiments/7?tab=runs");
});

test("the SSO walk fails on the defects it guards against", async () => {
  const p = await planWithApp();
  const proxy = p.resources.find((r) => (r.inputs as any).chart === "oauth2-proxy")!.inputs as any;
  // The old wiring: one absolute callback on auth.<domain>: the relative redirect then resolves there.
  const original = proxy.values.config.configFile;
  proxy.values.config.configFile = original.replace('redirect_url = "/oauth2/callback"', 'redirect_url = "https://auth.ml-dev.acme.example/oauth2/callback"');
  const lost = new SsoModel(p, gatewayRef).walk("https://app.ml-dev.acme.example/experiments/7").at(-1)!;
  assert.deepEqual([lost.status, lost.url], [404, "https://auth.ml-dev.acme.example/experiments/7"]);
  proxy.values.config.configFile = original;
  const vs = p.resources.find((r) => (r.inputs as any).kind === "VirtualService" && (r.inputs as any).spec.hosts[0].startsWith("auth."))!.inputs as any;
  vs.spec.http = vs.spec.http.filter((h: any) => h.name !== "whoami");
  assert.equal(new SsoModel(p, gatewayRef).walk("https://auth.ml-dev.acme.example/").at(-1)!.status, 404);
  for (const policy of p.resources.filter((r) => (r.inputs as any).kind === "AuthorizationPolicy").map((r) => r.inputs as any)) {
    if (policy.spec.rules?.[0]?.to) delete policy.spec.rules[0].to[0].operation.ports;
  }
  assert.equal(new SsoModel(p, gatewayRef).walk("http://auth.ml-dev.acme.example/")[0].status, 403, "policies on port 80 block the redirect");
});

test("a UI outside the protected list cannot be routed behind SSO (Dex would refuse its callback)", () => {
  assert.throws(
    () => protectedRoute({ domain: "d.example", protectedUis: ["auth"], dependsOn: [] }, { namespace: "x", ui: "mlflow", http: [] }, { parent: undefined as never }),
    /UI "mlflow" is not in the protected UIs \(auth\); add it so Dex accepts its SSO callback/,
  );
});

test("destroy: routes go first, external-dns keeps running (with its cloud identity) long enough to delete their records", async () => {
  for (const name of ["gke-dev", "eks-dev", "prod", "ephemeral"]) {
    const p = await cachedPlan(name);
    const edns = chart(p, "external-dns");
    assert.equal((edns.inputs as any).values.triggerLoopOnEvent, true);
    const [window] = ofType(p, "time:index/sleep:Sleep");
    assert.ok(window.dependsOn.includes(edns.urn), "the cleanup window is deleted before the chart");
    // external-dns syncs at most --min-event-sync-interval (5 s) after an event; leave it several chances.
    assert.ok(Number(/^(\d+)s$/.exec((window.inputs as any).destroyDuration)![1]) >= 20);
    const routes = [...crsOf(p, "VirtualService"), ...crsOf(p, "Gateway")];
    assert.ok(routes.length >= 3);
    for (const r of routes) assert.ok(r.dependsOn.includes(window.urn), `${name}: ${r.name} is not deleted before the cleanup window`);
    const bindings = p.resources.filter((r) => r.parent?.endsWith("WorkloadIdentity::external-dns") && !r.type.startsWith("mlops:"));
    assert.ok(bindings.length >= 2, `${name}: the identity's resources`);
    for (const b of bindings) assert.ok(edns.dependsOn.includes(b.urn), `${name}: ${b.name} would be deleted before external-dns's last sync`);
  }
});

test("session refresh: the refreshed cookie reaches the browser, and the forwarded ID token never expires first", async () => {
  const p = await cachedPlan("gke-dev");
  const provider = (chart(p, "istiod").inputs as any).values.meshConfig.extensionProviders[0].envoyExtAuthzHttp;
  assert.ok(provider.headersToDownstreamOnAllow.includes("set-cookie"), "a refresh's Set-Cookie on an allowed check is dropped without it");
  const cfg: string = (chart(p, "oauth2-proxy").inputs as any).values.config.configFile;
  const refresh = Number(/^cookie_refresh = "(\d+)m"$/m.exec(cfg)![1]);
  const idTokens = (chart(p, "dex").inputs as any).values.config.expiry.idTokens as string;
  assert.ok(refresh < Number(/^(\d+)m$/.exec(idTokens)![1]), `cookie_refresh ${refresh}m must be shorter than Dex's ID token lifetime ${idTokens}`);
});

test("Istio's validating webhooks are force-applied, so an upgrade does not conflict with istiod's failurePolicy flip", async () => {
  const opts = {};
  const webhook = { apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingWebhookConfiguration", metadata: { name: "istiod-default-validator", annotations: { a: "b" } } };
  const out = (await forceApplyValidatingWebhooks({ custom: true, type: "kubernetes:admissionregistration.k8s.io/v1:ValidatingWebhookConfiguration", name: "x", props: webhook, opts })) as any;
  assert.deepEqual(out.props.metadata.annotations, { a: "b", "pulumi.com/patchForce": "true" });
  assert.equal(out.opts, opts);
  const deployment = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "istiod" } };
  assert.equal(await forceApplyValidatingWebhooks({ custom: true, type: "kubernetes:apps/v1:Deployment", name: "y", props: deployment, opts }), undefined);
});

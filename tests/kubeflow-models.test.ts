// KServe's model hosts over the offline plan of every committed stack: *.models.<domain> on a
// Gateway of its own (upstream's hosts: ["*"] VirtualServices bind kubeflow-gateway only, so they do
// not serve the Kubeflow UI on model hosts), and model hosts as API hosts: a Bearer token or 403,
// never a sign-in redirect to Dex with a callback Dex does not know.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cachedPlan, ofType } from "./helpers";
import { SsoModel } from "./sso-walk";
import type { Plan, PlannedResource } from "../tools/mock-runtime";
import { kserveIngress, modelsGatewayRef } from "../components/ml/kubeflow/kserve";
import { ingressGatewaySelector } from "../components/edge/istio";

const stacks = ["local", "gke-dev", "eks-dev", "prod", "ephemeral"];
const domains: Record<string, string> = { local: "127.0.0.1.sslip.io", "gke-dev": "ml-dev.acme.example", "eks-dev": "ml-dev.acme.example", prod: "ml.acme.example", ephemeral: "pr-0.ci.acme.example" };
const cr = (plan: Plan, kind: string) => plan.resources.filter((r) => (r.inputs as any)?.kind === kind);
const named = (rs: PlannedResource[], name: string, namespace?: string) =>
  rs.find((r) => (r.inputs as any).metadata?.name === name && (namespace === undefined || (r.inputs as any).metadata?.namespace === namespace));
const steps = (walk: { status: number; by: string; url: string }[]) => walk.map((s) => `${s.status} ${s.by} ${new URL(s.url).host}${new URL(s.url).pathname}`);

test("model hosts are on kubeflow/models-gateway with a certificate of their own; kubeflow-gateway serves kubeflow.<domain> only", async () => {
  for (const s of stacks) {
    const plan = await cachedPlan(s);
    const domain = domains[s];
    const kf = named(cr(plan, "Gateway"), "kubeflow-gateway", "kubeflow")!;
    assert.deepEqual(
      (kf.inputs as any).spec.servers.flatMap((x: any) => x.hosts),
      [`kubeflow.${domain}`],
      `${s}: upstream's hosts: ["*"] routes bind kubeflow-gateway, so it must not carry the model hosts`,
    );
    const models = named(cr(plan, "Gateway"), "models-gateway", "kubeflow");
    assert.ok(models, `${s}: kubeflow/models-gateway`);
    assert.equal(`kubeflow/${(models.inputs as any).metadata.name}`, modelsGatewayRef);
    const spec = (models.inputs as any).spec;
    assert.deepEqual(spec.selector, ingressGatewaySelector, "the same ingress pods, so the same SSO policies");
    assert.deepEqual(spec.servers, [{ port: { number: 443, name: "https-models", protocol: "HTTPS" }, hosts: [`*.models.${domain}`], tls: { mode: "SIMPLE", credentialName: "kubeflow-models-tls" } }]);
    // Disjoint certificates: a browser reuses a connection for every host its certificate covers, and
    // the listener (so the Gateway whose routes answer) is chosen by the connection's SNI.
    const dnsNames = (name: string) => (named(cr(plan, "Certificate"), name)!.inputs as any).spec.dnsNames as string[];
    assert.deepEqual(dnsNames("kubeflow-models-tls"), [`*.models.${domain}`]);
    assert.deepEqual(dnsNames("kubeflow-tls"), [`kubeflow.${domain}`]);
    for (const n of dnsNames("platform-tls")) assert.ok(!n.startsWith("*.") && !n.endsWith(`.models.${domain}`), `${s}: platform-tls covers ${n}`);
  }
});

test("KServe reports model URLs for the models gateway", () => {
  const ingress = kserveIngress("ml.acme.example");
  assert.equal(ingress.kserveIngressGateway, "kubeflow/models-gateway");
  assert.equal(ingress.ingressGateway, "kubeflow/models-gateway");
  assert.equal(ingress.domainTemplate, "{{ .Name }}-{{ .Namespace }}.{{ .IngressDomain }}");
});

test("model hosts are API hosts: no sign-in redirect, no exempt path, a Bearer token passes the gateway", async () => {
  for (const s of stacks) {
    const plan = await cachedPlan(s);
    const domain = domains[s];
    const host = `any-team.models.${domain}`;
    const browser = new SsoModel(plan, modelsGatewayRef);
    for (const path of ["/", "/v1/models/any:predict", "/oauth2/callback", "/oauth2/sign_in"]) {
      assert.deepEqual(steps(browser.walk(`https://${host}${path}`)), [`403 gateway ${host}${path}`], `${s}: a request without a token is refused at the gateway`);
    }
    assert.notEqual(new SsoModel(plan, modelsGatewayRef).request(`https://${host}/v1/models/any`, true).status, 403, `${s}: a verified token passes the gateway`);
    // Everything else is still behind the browser sign-in.
    const kubeflow = new SsoModel(plan, "kubeflow/kubeflow-gateway").request(`https://kubeflow.${domain}/`);
    assert.equal(kubeflow.status, 302);
    assert.equal(new URL(kubeflow.location!).searchParams.get("redirect_uri"), `https://kubeflow.${domain}/oauth2/callback`);
  }
});

test("the API-host policy names the model hosts with and without the HTTPS port (Istio matches the Host header as sent)", async () => {
  const plan = await cachedPlan("prod");
  const policies = ofType(plan, "kubernetes:security.istio.io/v1:AuthorizationPolicy").map((r) => r.inputs as any);
  const hosts = ["*.models.ml.acme.example", "*.models.ml.acme.example:443"];
  const custom = policies.find((p) => p.metadata.name === "ingressgateway-oauth2-proxy")!;
  for (const h of hosts) assert.ok(custom.spec.rules[0].to[0].operation.notHosts.includes(h), `no oauth2-proxy check on ${h}`);
  const deny = policies.find((p) => p.metadata.name === "ingressgateway-api-hosts-require-jwt")!;
  assert.deepEqual(deny.spec, {
    selector: { matchLabels: ingressGatewaySelector },
    action: "DENY",
    rules: [{ from: [{ source: { notRequestPrincipals: ["*"] } }], to: [{ operation: { ports: ["443"], hosts } }] }],
  });
});

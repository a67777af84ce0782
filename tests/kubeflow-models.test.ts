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
import { ingressGatewayPrincipal, ingressGatewaySelector } from "../components/edge/istio";
import { ConfigError, validateConfig } from "../infra/config/load";
import { modelNameProblems } from "../infra/config/kubeflow";
import { platform } from "../infra/program";
import { runUnderMocks } from "../tools/mock-runtime";
import { projectName, readStackFile } from "../tools/stack-file";

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
    // Routing ignores the Host header's port, policies do not: an odd port must not reopen the /oauth2/ exemption.
    for (const path of ["/v1/models/any:predict", "/oauth2/sign_in"]) {
      assert.equal(browser.request(`https://${host}:8443${path}`).status, 403, `${s}: ${host}:8443${path} without a token is refused`);
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
  for (const h of custom.spec.rules[0].to[0].operation.hosts) assert.ok(!h.includes(".models."), `no oauth2-proxy check on ${h}`);
  const deny = policies.find((p) => p.metadata.name === "ingressgateway-api-hosts-require-jwt")!;
  assert.deepEqual(deny.spec, {
    selector: { matchLabels: ingressGatewaySelector },
    action: "DENY",
    rules: [{ from: [{ source: { notRequestPrincipals: ["*"] } }], to: [{ operation: { ports: ["443"], hosts } }] }],
  });
});

// Finding 4: team roles cannot write Istio routes at 26.03, so the program publishes the models.

/** gke-dev with models on team research (set through the stack file's config, as a user would). */
async function gkeDevWithModels(models: unknown): Promise<Plan> {
  const file = readStackFile("gke-dev");
  const kf = JSON.parse(file.config["platform:kubeflow"]);
  kf.teams[0].models = models;
  file.config["platform:kubeflow"] = JSON.stringify(kf);
  return (await runUnderMocks({ project: projectName, stack: file.stack, config: file.config, secretKeys: file.secretKeys, program: platform })).plan;
}

test("each listed model gets one route: its KServe host on the models gateway, to its Standard-mode predictor Service", async () => {
  const plan = await cachedPlan("local");
  const routes = cr(plan, "VirtualService").filter((r) => (r.inputs as any).metadata.namespace === "sandbox");
  assert.equal(routes.length, 1);
  const [vs] = routes;
  assert.deepEqual((vs.inputs as any).metadata, { name: "model-sklearn-iris", namespace: "sandbox" });
  assert.deepEqual((vs.inputs as any).spec, {
    hosts: ["sklearn-iris-sandbox.models.127.0.0.1.sslip.io"],
    gateways: ["kubeflow/models-gateway"],
    http: [{ name: "predictor", route: [{ destination: { host: "sklearn-iris-predictor.sandbox.svc.cluster.local", port: { number: 80 } } }] }],
  });
  // The host is exactly what KServe reports (its domainTemplate over the ingress domain).
  const ingress = kserveIngress(domains.local);
  const reported = (ingress.domainTemplate as string).replace("{{ .Name }}", "sklearn-iris").replace("{{ .Namespace }}", "sandbox").replace("{{ .IngressDomain }}", ingress.ingressDomain as string);
  assert.equal(reported, (vs.inputs as any).spec.hosts[0]);
  const urns = new Map(plan.resources.map((r) => [r.urn, r]));
  const deps = vs.dependsOn.map((u) => urns.get(u)!);
  assert.ok(deps.some((r) => (r.inputs as any)?.kind === "Profile" && (r.inputs as any).metadata.name === "sandbox"), "the team's namespace exists first");
  assert.ok(deps.some((r) => (r.inputs as any)?.chart === "istiod"), "routes wait for istiod, like every route");
  // Through the gateway: a token reaches the predictor, nothing else does.
  const host = "sklearn-iris-sandbox.models.127.0.0.1.sslip.io";
  const walk = new SsoModel(plan, modelsGatewayRef);
  assert.deepEqual(steps([walk.request(`https://${host}/v1/models/sklearn-iris:predict`, true)]), [`200 sklearn-iris-predictor.sandbox.svc.cluster.local ${host}/v1/models/sklearn-iris:predict`]);
  assert.deepEqual(steps(walk.walk(`https://${host}/v1/models/sklearn-iris:predict`)), [`403 gateway ${host}/v1/models/sklearn-iris:predict`]);
  // Stacks without models publish none.
  for (const s of ["gke-dev", "eks-dev", "prod", "ephemeral"]) {
    assert.deepEqual(cr(await cachedPlan(s), "VirtualService").filter((r) => (r.inputs as any).spec.gateways.includes(modelsGatewayRef)), [], s);
  }
});

test("a model is for its team: owner and members through the gateway, by the verified kubeflow-userid; no policy opens it wider", async () => {
  const plan = await gkeDevWithModels([{ name: "churn" }, { name: "sklearn-iris" }]);
  const vss = cr(plan, "VirtualService").filter((r) => (r.inputs as any).metadata.namespace === "research");
  assert.deepEqual(vss.map((v) => (v.inputs as any).spec.hosts[0]).sort(), ["churn-research.models.ml-dev.acme.example", "sklearn-iris-research.models.ml-dev.acme.example"]);
  const policies = cr(plan, "AuthorizationPolicy").filter((r) => (r.inputs as any).metadata.namespace === "research").map((r) => (r.inputs as any).spec);
  const members = ofType(plan, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding").filter((r) => (r.inputs as any).metadata.namespace === "research").map((r) => (r.inputs as any).metadata.annotations.user);
  assert.equal(members.length, 3);
  for (const email of members) {
    assert.ok(
      policies.some((p) => p.rules.some((rule: any) => rule.from?.[0]?.source?.principals?.includes(ingressGatewayPrincipal) && rule.when?.some((w: any) => w.key === "request.headers[kubeflow-userid]" && w.values.includes(email)))),
      `${email} reaches the team's models from the gateway`,
    );
  }
  // Every program-made policy in the namespace that admits the gateway names the user: no model is open to every signed-in user.
  for (const p of policies) {
    for (const rule of p.rules) {
      if (rule.from?.some((f: any) => f.source?.principals?.includes(ingressGatewayPrincipal))) assert.ok(rule.when?.some((w: any) => w.key === "request.headers[kubeflow-userid]"), JSON.stringify(rule));
    }
  }
});

/** A valid GKE dev stack with team research; `models` as written. */
function problemsFor(models: unknown, kubeflow: Record<string, unknown> = {}, teamName = "research"): string[] {
  const config: Record<string, string> = {
    "platform:tier": "dev",
    "platform:cloud": JSON.stringify({ kind: "gke", project: "acme-ml-dev", region: "europe-west4", zone: "europe-west4-a" }),
    "platform:dns": JSON.stringify({ domain: "ml.acme.example", zone: { id: "acme-example", dnsName: "acme.example" } }),
    "platform:tls": JSON.stringify({ acmeEmail: "ops@acme.example" }),
    "platform:identity": JSON.stringify({ connectors: [{ type: "github", id: "github", name: "GitHub", clientId: "abc", clientSecret: "s3cret", orgs: [{ name: "acme" }] }] }),
    "platform:kubeflow": JSON.stringify({ ...kubeflow, teams: [{ name: teamName, owner: "alice@acme.example", models }] }),
  };
  try {
    validateConfig("t", config, ["platform:identity"]);
    return [];
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.problems.map((p) => `${p.key}: ${p.message}`);
  }
}

test("teams[].models: DNS-label names, each once, a host label of at most 63 characters, and KServe on", () => {
  assert.deepEqual(problemsFor([{ name: "sklearn-iris" }, { name: "churn" }]), []);
  const k = "platform:kubeflow.teams[0]";
  assert.deepEqual(problemsFor([{ name: "churn" }, { name: "churn" }]), [`${k}.models[1].name: model "churn" is listed twice (also models[0]); list each model once`]);
  assert.match(problemsFor([{ name: "Churn" }])[0], /^platform:kubeflow\.teams\[0\]\.models\[0\]\.name: "Churn" is not a lowercase DNS label/);
  assert.match(problemsFor([{ name: "1st" }])[0], /models\[0\]\.name: "1st" is not a lowercase DNS label/);
  // research-platform (17) + "-" + 46 = 64 characters: one too many for the host's first label.
  const team = "research-platform";
  const long = `m${"a".repeat(45)}`;
  assert.deepEqual(problemsFor([{ name: long.slice(0, 45) }], {}, team), [], "63 characters is fine");
  const [tooLong, ...rest] = problemsFor([{ name: long }], {}, team);
  assert.deepEqual(rest, []);
  assert.match(tooLong, /^platform:kubeflow\.teams\[0\]\.models\[0\]\.name: "ma+" makes the model's host label "ma+-research-p[^"]*" 64 characters; at most 63 \(one DNS label: <model>-<team>\.models\.<domain>\), so this team's model names have at most 45 characters$/);
  // A short team leaves room for a name whose KServe Service would not fit.
  assert.match(problemsFor([{ name: `m${"a".repeat(53)}` }], {}, "ab")[0], /is 54 characters; at most 53: KServe names its Service "ma+-pr.*", one 63-character DNS label$/);
  assert.deepEqual(problemsFor([{ name: "churn", storageUri: "gs://x" }]), [`${k}.models[0].storageUri: unknown key; remove it or check its spelling`]);
  assert.deepEqual(problemsFor([{}]), [`${k}.models[0].name: required: the model's name: the InferenceService it serves, e.g. sklearn-iris`]);
  assert.deepEqual(problemsFor([{ name: "churn" }], { kserve: { enabled: false } }), [
    `${k}.models: models are served by KServe, which is disabled (kserve.enabled: false); remove models or enable KServe`,
  ]);
});

test("the local stack's example model passes its own rules", () => {
  const kf = JSON.parse(readStackFile("local").config["platform:kubeflow"]);
  assert.deepEqual(kf.teams[0].models, [{ name: "sklearn-iris" }]);
  assert.deepEqual(modelNameProblems("sklearn-iris", "sandbox"), []);
});

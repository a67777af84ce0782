// Webhooks the API server calls in meshed Kubeflow pods. The API server has no mesh identity, so
// a PERMISSIVE port does not get its calls past the mesh's default deny, and Kubeflow's own
// NetworkPolicies isolate every kubeflow pod. KServe's LLMInferenceService webhook (9443) is handled
// as upstream handles pvcviewer, trainer and JobSet: its sidecar leaves the port alone, and a
// NetworkPolicy admits it. Checked over the overlay files, the plans and check:kustomize's invariant.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { cachedPlan } from "./helpers";
import { webhookSidecarProblems } from "../tools/check-kustomize";
import { repoRoot } from "../tools/stack-file";

const kserveDir = join(repoRoot, "kustomize/kubeflow/kserve");
const llmisvc = { "control-plane": "llmisvc-controller-manager" };

test("kserve overlay: the LLMInferenceService webhook's sidecar excludes 9443, guarded by the port it serves", () => {
  const k = parse(readFileSync(join(kserveDir, "kustomization.yaml"), "utf8"));
  const patch = k.patches.find((p: any) => p.target?.kind === "Deployment" && p.target?.name === "llmisvc-controller-manager");
  assert.ok(patch, "a patch on the llmisvc Deployment");
  assert.deepEqual(patch.target, { group: "apps", version: "v1", kind: "Deployment", name: "llmisvc-controller-manager", namespace: "kubeflow" });
  const ops = parse(patch.patch);
  // If upstream moves the webhook off 9443, the build fails instead of excluding the wrong port.
  assert.deepEqual(ops[0], { op: "test", path: "/spec/template/spec/containers/0/ports/0", value: { containerPort: 9443, name: "webhook-server", protocol: "TCP" } });
  assert.deepEqual(ops[1], { op: "add", path: "/spec/template/metadata/annotations/traffic.sidecar.istio.io~1excludeInboundPorts", value: "9443" });
});

test("kserve overlay: a NetworkPolicy admits 9443 to that pod from anywhere (the API server is not a pod)", () => {
  const k = parse(readFileSync(join(kserveDir, "kustomization.yaml"), "utf8"));
  assert.ok(k.resources.includes("llmisvc-webhook-networkpolicy.yaml"));
  const np = parse(readFileSync(join(kserveDir, "llmisvc-webhook-networkpolicy.yaml"), "utf8"));
  assert.equal(np.kind, "NetworkPolicy");
  assert.equal(np.metadata.namespace, "kubeflow");
  assert.deepEqual(np.spec.podSelector, { matchLabels: llmisvc });
  assert.deepEqual(np.spec.policyTypes, ["Ingress"]);
  assert.deepEqual(np.spec.ingress, [{ ports: [{ port: 9443, protocol: "TCP" }] }], "one port, no `from`");
});

test("no PERMISSIVE exception for the llmisvc webhook in any plan (it would relax mTLS and admit nothing)", async () => {
  for (const s of ["local", "gke-dev", "eks-dev", "prod", "ephemeral"]) {
    const plan = await cachedPlan(s);
    const pas = plan.resources.filter((r) => (r.inputs as any)?.kind === "PeerAuthentication");
    assert.ok(!pas.some((p) => (p.inputs as any).spec.selector?.matchLabels?.["control-plane"] === "llmisvc-controller-manager"), s);
    const kserve = plan.resources.find((r) => r.type === "kubernetes:kustomize/v2:Directory" && (r.inputs as any).directory.endsWith("kserve"))!;
    const urns = new Map(plan.resources.map((r) => [r.urn, r]));
    assert.ok(!kserve.dependsOn.some((u) => (urns.get(u)?.inputs as any)?.kind === "PeerAuthentication"), `${s}: kserve waits for no mesh exception`);
  }
});

/** A webhook, its Service and its Deployment as upstream renders them, with the pod template's metadata given. */
function rendered(template: { labels?: Record<string, string>; annotations?: Record<string, string> }, extra: any[] = []) {
  return [
    { kind: "ValidatingWebhookConfiguration", metadata: { name: "vwc" }, webhooks: [{ clientConfig: { service: { namespace: "kubeflow", name: "hook", port: 443 } } }] },
    { kind: "Service", metadata: { namespace: "kubeflow", name: "hook" }, spec: { selector: llmisvc, ports: [{ port: 443, targetPort: "webhook-server" }] } },
    {
      kind: "Deployment",
      metadata: { namespace: "kubeflow", name: "llmisvc-controller-manager" },
      spec: { template: { metadata: { ...template, labels: { ...llmisvc, ...template.labels } }, spec: { containers: [{ ports: [{ name: "webhook-server", containerPort: 9443 }] }] } } },
    },
    ...extra,
  ];
}

test("check:kustomize: a webhook pod with a sidecar needs its port excluded or an ALLOW policy for it", () => {
  const [problem, ...rest] = webhookSidecarProblems(rendered({}));
  assert.deepEqual(rest, []);
  assert.match(problem, /^Deployment kubeflow\/llmisvc-controller-manager \(webhook hook:443 of ValidatingWebhookConfiguration vwc\): the pod has an Istio sidecar and the API server \(no mesh identity\) calls port 9443/);
  assert.deepEqual(webhookSidecarProblems(rendered({ annotations: { "traffic.sidecar.istio.io/excludeInboundPorts": "9443" } })), []);
  assert.equal(webhookSidecarProblems(rendered({ annotations: { "traffic.sidecar.istio.io/excludeInboundPorts": "8443" } })).length, 1, "another port excluded");
  assert.deepEqual(webhookSidecarProblems(rendered({ labels: { "sidecar.istio.io/inject": "false" } })), []);
  const ap = (rules: unknown[], action?: string) => ({ kind: "AuthorizationPolicy", metadata: { namespace: "kubeflow", name: "ap" }, spec: { selector: { matchLabels: llmisvc }, rules, ...(action ? { action } : {}) } });
  assert.deepEqual(webhookSidecarProblems(rendered({}, [ap([{}])])), [], "like upstream's service-cache-server");
  assert.deepEqual(webhookSidecarProblems(rendered({}, [ap([{ to: [{ operation: { ports: ["9443"] } }] }])])), []);
  assert.equal(webhookSidecarProblems(rendered({}, [ap([{ from: [{ source: { principals: ["x"] } }] }])])).length, 1, "the API server has no principal");
  assert.equal(webhookSidecarProblems(rendered({}, [ap([{}], "DENY")])).length, 1);
});

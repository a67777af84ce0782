// The Kubeflow overlays in kustomize/kubeflow/, read as files (no kubeflow/manifests checkout, no
// network): what they reference and how they patch the gateway principal; and the pure parts of
// tools/check-kustomize.ts on small fixtures. Rendering against the pinned release is
// `npm run check:kustomize -- <checkout>` (README "Checking the Kubeflow overlays").
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { kubeflowOverlays } from "../components/ml/kubeflow/manifests";
import { kubeflowMysql } from "../components/ml/kubeflow/mysql-secrets";
import { ingressGatewayPrincipal } from "../components/edge/istio";
import { kubeflowManifests } from "../infra/versions";
import {
  checkManifestsRef,
  condenseKustomizeError,
  crdScopes,
  fileEntries,
  isRemote,
  matchMirror,
  mysqlProblems,
  nestedRemoteRefs,
  oldGatewayPrincipal,
  overlayRefs,
  parseMirror,
  parseRendered,
  pathProblems,
  renderedInvariants,
  resourceEntries,
  rewriteKustomization,
  unmatchedPatchTargets,
  type K8sObject,
  type PathKind,
  type WalkFs,
} from "../tools/check-kustomize";
import { repoRoot } from "../tools/stack-file";

const root = join(repoRoot, "kustomize", "kubeflow");
const dirs = readdirSync(root).filter((d) => statSync(join(root, d)).isDirectory());
const overlays = dirs
  .filter((d) => existsSync(join(root, d, "kustomization.yaml")))
  .map((name) => {
    const text = readFileSync(join(root, name, "kustomization.yaml"), "utf8");
    return { name, text, k: parse(text) as Record<string, any> };
  });
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
const pinned = new RegExp(`^${escape(kubeflowManifests.repo)}//([a-z0-9][a-z0-9._-]*(?:/[a-z0-9][a-z0-9._-]*)*)\\?ref=${escape(kubeflowManifests.ref)}$`, "i");
/** [overlay, path in kubeflow/manifests] for every pinned remote resource. */
const upstreamPaths = overlays.flatMap((o) => resourceEntries(o.k).flatMap((e) => (pinned.test(e) ? [[o.name, pinned.exec(e)![1]] as const] : [])));

test("the overlay directories are exactly the overlays the program installs", () => {
  assert.deepEqual([...dirs].sort(), Object.keys(kubeflowOverlays).sort());
  for (const d of dirs) assert.ok(existsSync(join(root, d, "kustomization.yaml")), `${d}/kustomization.yaml`);
});

test("every remote resource is kubeflow/manifests//<path>?ref=<pinned tag>, and local entries exist", () => {
  assert.ok(upstreamPaths.length >= overlays.length, "each overlay pulls at least one kubeflow/manifests path");
  for (const o of overlays) {
    for (const e of resourceEntries(o.k)) {
      if (isRemote(e)) assert.match(e, pinned, `${o.name}: ${e}`);
      else assert.ok(existsSync(join(root, o.name, e)), `${o.name}: local resource ${e} does not exist`);
    }
    for (const f of fileEntries(o.k)) assert.ok(existsSync(join(root, o.name, f)), `${o.name}: ${f} does not exist`);
  }
});

test("no overlay installs what the platform installs itself, or Kubeflow's example user", () => {
  const forbidden: [RegExp, string][] = [
    [/^common\/cert-manager(\/|$)/, "cert-manager is the platform's (Helm)"],
    [/^common\/istio\/(?!kubeflow-istio-resources(\/|$))/, "Istio is the platform's (Helm); only kubeflow-istio-resources is Kubeflow's"],
    [/^common\/dex(\/|$)/, "Dex is the platform's"],
    [/^common\/oauth2-proxy\/(overlays|base)(\/|$)/, "oauth2-proxy is the platform's"],
    [/^common\/user-namespace(\/|$)/, "the example user (kubeflow-user-example-com) is not a platform team"],
  ];
  for (const [name, path] of upstreamPaths) {
    for (const [re, why] of forbidden) assert.doesNotMatch(path, re, `${name}: ${path}: ${why}`);
    if (/^common\/knative(\/|$)/.test(path)) {
      const text = overlays.find((o) => o.name === name)!.text;
      assert.match(text, /^#.*knative/im, `${name}: ${path}: Knative is installed only with a comment saying why`);
    }
  }
});

/** Every JSON6902 op list in an overlay: inline `patch` text that is a YAML sequence, or a patch file. */
function jsonPatches(o: (typeof overlays)[number]): { target: unknown; ops: { op: string; path: string; value?: unknown }[] }[] {
  const patches = [...(o.k.patches ?? []), ...(o.k.patchesJson6902 ?? [])] as { patch?: string; path?: string; target?: unknown }[];
  return patches.flatMap((p) => {
    const body = p.patch !== undefined ? parse(p.patch) : p.path !== undefined ? parse(readFileSync(join(root, o.name, p.path), "utf8")) : undefined;
    return Array.isArray(body) ? [{ target: p.target, ops: body }] : [];
  });
}

test("each replacement of the gateway principal is guarded by a test op for the old one, and names this platform's gateway", () => {
  let replaced = 0;
  for (const o of overlays) {
    for (const { target, ops } of jsonPatches(o)) {
      ops.forEach((op, i) => {
        if (!/\/principals(\/|$)/.test(op.path ?? "") || op.op === "test") return;
        const where = `${o.name} ${JSON.stringify(target)} op ${i} (${op.op} ${op.path})`;
        assert.equal(op.op, "replace", `${where}: a principal is replaced in place, not added beside the old one`);
        assert.deepEqual(ops[i - 1], { op: "test", path: op.path, value: oldGatewayPrincipal }, `${where}: needs a test op for ${oldGatewayPrincipal} right before it, so a moved upstream fails the build`);
        assert.equal(op.value, ingressGatewayPrincipal, `${where}: the platform's gateway is ${ingressGatewayPrincipal}`);
        replaced++;
      });
    }
  }
  assert.ok(replaced >= 5, `the web apps' AuthorizationPolicies are patched (found ${replaced})`);
});

test("the old gateway principal appears only as a test op's value; every other gateway principal is the platform's", () => {
  for (const o of overlays) {
    const testValues = jsonPatches(o).flatMap((p) => p.ops.filter((op) => op.op === "test").map((op) => op.value));
    const mentions = (o.text.match(/cluster\.local\/ns\/[\w.-]+\/sa\/istio-ingressgateway[\w.-]*/g) ?? []).filter((m) => m !== ingressGatewayPrincipal);
    for (const m of mentions) {
      assert.equal(m, oldGatewayPrincipal, `${o.name}: ${m} is neither the platform's gateway nor the old one`);
      assert.ok(testValues.includes(m), `${o.name}: ${m} outside a test op`);
    }
    assert.equal(mentions.length, testValues.filter((v) => v === oldGatewayPrincipal).length, `${o.name}: the old principal appears only in test ops`);
  }
});

test("each bundled MySQL: the overlay deletes upstream's Secret, and its server patch is guarded by test ops and leaves no empty password", () => {
  for (const m of Object.values(kubeflowMysql)) {
    const o = overlays.find((x) => x.name === m.overlay)!;
    const deletes = ((o.k.patches ?? []) as { patch?: string }[]).map((p) => (typeof p.patch === "string" ? parse(p.patch) : undefined)).filter((p) => p?.$patch === "delete");
    assert.ok(deletes.some((d) => d.kind === "Secret" && d.metadata?.name === m.secret && d.metadata?.namespace === "kubeflow"), `${m.overlay}: deletes upstream's Secret ${m.secret} (the program creates it)`);
    const server = jsonPatches(o).filter((p) => (p.target as any)?.kind === "Deployment" && (p.target as any)?.name === m.server);
    assert.equal(server.length, 1, `${m.overlay}: one JSON patch on Deployment ${m.server}`);
    const ops = server[0].ops;
    assert.equal(ops[0].op, "test", `${m.overlay}: the server patch starts with a test op (a moved upstream fails the build)`);
    const changes = ops.filter((op) => op.op !== "test");
    assert.ok(changes.length > 0);
    assert.ok(ops.some((op) => op.op === "test" && JSON.stringify(op.value).includes("MYSQL_ALLOW_EMPTY_PASSWORD")), `${m.overlay}: the patch pins upstream's MYSQL_ALLOW_EMPTY_PASSWORD before removing it`);
    for (const op of changes) assert.ok(!JSON.stringify(op.value ?? null).includes("MYSQL_ALLOW_EMPTY_PASSWORD"), `${m.overlay}: ${op.op} ${op.path} keeps an empty password allowed`);
    // What the patch writes reads passwords from a Secret; it never writes one.
    const envs = (v: unknown): { name?: string; value?: unknown }[] =>
      Array.isArray(v) ? v.flatMap(envs) : v && typeof v === "object" ? [...("name" in v ? [v as { name?: string }] : []), ...Object.values(v).flatMap(envs)] : [];
    for (const e of changes.flatMap((op) => envs(op.value))) assert.ok(!/PASSWORD/.test(e.name ?? "") || e.value === undefined, `${m.overlay}: env ${e.name} has a literal value`);
  }
});

test("pipelines: Argo's init and wait containers request cpu and memory (team quotas), by a replace guarded by a test op on upstream's value", () => {
  const o = overlays.find((x) => x.name === "pipelines")!;
  const patches = jsonPatches(o).filter((p) => (p.target as any)?.kind === "ConfigMap" && (p.target as any)?.name === "workflow-controller-configmap");
  const ops = patches.flatMap((p) => p.ops).filter((op) => op.path === "/data/executor");
  assert.deepEqual(ops.map((op) => op.op), ["test", "replace"], "a test op right before the replace, so a changed upstream fails the render");
  const before = parse(ops[0].value as string);
  const after = parse(ops[1].value as string);
  assert.deepEqual(after.resources?.requests && Object.keys(after.resources.requests).sort(), ["cpu", "memory"]);
  assert.equal(after.resources.limits, undefined, "requests only: the quota counts requests");
  const { resources: _, ...rest } = after;
  assert.deepEqual(rest, before, "everything else as upstream has it");
});

test("cluster runtimes (KServe, Trainer) wait for their webhook's Deployment and for its configuration to carry the CA", () => {
  const waitsForCa = "jsonpath={.webhooks[0].clientConfig.caBundle}";
  for (const [name, runtimeKind, webhook] of [
    ["kserve", "ClusterServingRuntime", "clusterservingruntime.serving.kserve.io"],
    ["trainer", "ClusterTrainingRuntime", "validator.trainer.kubeflow.org"],
  ] as const) {
    const o = overlays.find((x) => x.name === name)!;
    const strategic = ((o.k.patches ?? []) as { target?: Record<string, string>; patch?: string }[])
      .map((p) => ({ target: p.target ?? {}, body: typeof p.patch === "string" ? parse(p.patch) : undefined }))
      .filter((p) => p.body && !Array.isArray(p.body));
    const vwc = strategic.find((p) => p.target.kind === "ValidatingWebhookConfiguration" && p.target.name === webhook);
    assert.equal(vwc?.body.metadata.annotations["pulumi.com/waitFor"], waitsForCa, `${name}: ${webhook} is ready only with its CA`);
    const runtimes = strategic.find((p) => p.target.kind?.split("|").includes(runtimeKind) && p.body.metadata?.annotations?.["config.kubernetes.io/depends-on"]);
    const deps = String(runtimes?.body.metadata.annotations["config.kubernetes.io/depends-on"]).split(",");
    assert.ok(deps.includes(`admissionregistration.k8s.io/ValidatingWebhookConfiguration/${webhook}`), `${name}: ${runtimeKind} waits for ${webhook}`);
    assert.ok(deps.some((d) => d.startsWith("apps/namespaces/") && d.includes("/Deployment/")), `${name}: and for the controller serving it`);
  }
});

// --- tools/check-kustomize.ts, pure functions ---------------------------------------------------

const pin = { repo: "https://github.com/kubeflow/manifests", ref: "26.03" };
const problemOf = (url: string) => {
  const r = checkManifestsRef(url, pin);
  return r.ok ? "" : r.problem;
};

test("ref parsing: only the exact pinned form passes", () => {
  assert.deepEqual(checkManifestsRef("https://github.com/kubeflow/manifests//applications/katib/upstream?ref=26.03", pin), {
    ok: true,
    url: "https://github.com/kubeflow/manifests//applications/katib/upstream?ref=26.03",
    path: "applications/katib/upstream",
    ref: "26.03",
  });
  assert.match(problemOf("https://github.com/kubeflow/manifests//applications/katib?ref=v26.03"), /ref v26\.03 is not the pinned 26\.03/);
  assert.match(problemOf("https://github.com/kubeflow/manifests//applications/katib?ref=master"), /ref master is not the pinned 26\.03/);
  assert.match(problemOf("https://github.com/kubeflow/manifests//applications/katib"), /no \?ref=/);
  assert.match(problemOf("https://github.com/kubeflow/manifests/applications/katib?ref=26.03"), /double slash/);
  assert.match(problemOf("https://github.com/kubeflow/manifests.git//applications/katib?ref=26.03"), /drop the \.git/);
  assert.match(problemOf("https://github.com/kubeflow/manifests//applications/katib?ref=26.03&timeout=90s"), /only \?ref= is allowed/);
  assert.match(problemOf("https://github.com/kubeflow/manifests//applications/../common?ref=26.03"), /not a plain relative path/);
  assert.match(problemOf("https://github.com/kubeflow/manifests//applications/katib/?ref=26.03"), /not a plain relative path/);
  assert.match(problemOf("github.com/kubeflow/manifests//applications/katib?ref=26.03"), /not the pinned URL spelling/);
  assert.match(problemOf("https://github.com/kubeflow/manifests-fork//applications/katib?ref=26.03"), /not from the pinned repository/);
  assert.match(problemOf("https://github.com/argoproj/argo-workflows/manifests/base?ref=v3.7.3"), /not from the pinned repository/);
});

test("an overlay's references: remote ones checked, local ones listed, a missing path reported", () => {
  const text = [
    "resources:",
    "- https://github.com/kubeflow/manifests//applications/katib/upstream?ref=26.03",
    "- https://github.com/kubeflow/manifests//applications/gone?ref=26.03",
    "- https://github.com/kubeflow/manifests//applications/x?ref=v26.03",
    "- extra.yaml",
  ].join("\n");
  const r = overlayRefs(text, pin);
  assert.deepEqual(r.refs.map((x) => x.path), ["applications/katib/upstream", "applications/gone"]);
  assert.deepEqual(r.local, ["extra.yaml"]);
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0], /ref v26\.03/);
  assert.deepEqual(overlayRefs("kind: Kustomization\n", pin).problems, ["no resources"]);

  const tree: Record<string, PathKind> = { "applications/katib/upstream": "kustomization", "applications/file.yaml": "file", "applications/dir": "directory" };
  const probe = (p: string): PathKind => tree[p] ?? "missing";
  const refs = ["applications/katib/upstream", "applications/gone", "applications/file.yaml", "applications/dir"].map((path) => ({ url: `u:${path}`, path }));
  assert.deepEqual(pathProblems(refs, probe, "26.03"), [
    "u:applications/gone: applications/gone does not exist in kubeflow/manifests at 26.03",
    "u:applications/file.yaml: applications/file.yaml is a file, not a kustomization directory in kubeflow/manifests at 26.03",
    "u:applications/dir: applications/dir has no kustomization.yaml/kustomization.yml/Kustomization in kubeflow/manifests at 26.03",
  ]);
});

test("rewrite: remote resources become local paths; patches and comments stay as written", () => {
  const text = [
    "# why",
    "resources:",
    "- https://github.com/kubeflow/manifests//applications/katib/upstream?ref=26.03",
    "- local.yaml",
    "patches:",
    "- patch: |-",
    "    - op: test",
    "      path: /a",
    "      value: b",
  ].join("\n");
  const out = rewriteKustomization(text, (e) => (e.startsWith("https://") ? "../../manifests/applications/katib/upstream" : undefined));
  const k = parse(out);
  assert.deepEqual(k.resources, ["../../manifests/applications/katib/upstream", "local.yaml"]);
  assert.equal(k.patches[0].patch, "- op: test\n  path: /a\n  value: b");
  assert.match(out, /^# why/);
  assert.equal(rewriteKustomization(text, () => undefined), text, "nothing to rewrite: the text is untouched");
});

/** An in-memory tree of kustomizations: dir -> kustomization text. */
function memFs(files: Record<string, string>): WalkFs {
  return {
    kustomization: (dir) => files[dir],
    isDirectory: (p) => Object.keys(files).some((d) => d === p || d.startsWith(`${p}/`)),
  };
}

test("nested remote references are found through local bases, with the directory that names them", () => {
  const fs = memFs({
    "/m/applications/pipeline/overlays": "resources:\n- ../upstream\n- https://github.com/kubeflow/manifests//x?ref=26.03\n",
    "/m/applications/pipeline/upstream": "resources:\n- ../third-party/argo\n- ../upstream\n",
    "/m/applications/pipeline/third-party/argo": "resources:\n- https://github.com/argoproj/argo-workflows/manifests/base/crds/minimal?ref=v3.7.3\n- local.yaml\n",
    "/argo/manifests/base/crds/minimal": "resources:\n- https://example.com/deeper.yaml\n",
  });
  assert.deepEqual(nestedRemoteRefs(["/m/applications/pipeline/overlays"], fs), [
    { url: "https://github.com/argoproj/argo-workflows/manifests/base/crds/minimal?ref=v3.7.3", dir: "/m/applications/pipeline/third-party/argo" },
    { url: "https://github.com/kubeflow/manifests//x?ref=26.03", dir: "/m/applications/pipeline/overlays" },
  ]);
  // Followed into a mirror, the mirror's own remote references are found too.
  const followed = nestedRemoteRefs(["/m/applications/pipeline/third-party/argo"], fs, (r) => (r.url.includes("argoproj") ? "/argo/manifests/base/crds/minimal" : undefined));
  assert.deepEqual(followed.map((r) => r.url), ["https://github.com/argoproj/argo-workflows/manifests/base/crds/minimal?ref=v3.7.3", "https://example.com/deeper.yaml"]);
  assert.deepEqual(nestedRemoteRefs(["/nowhere"], fs), []);
});

test("mirrors: a repository prefix serves paths at their ref; an exact file URL serves a release asset", () => {
  const argo = parseMirror("https://github.com/argoproj/argo-workflows=/mirrors/argo");
  const jobset = parseMirror("https://github.com/kubernetes-sigs/jobset/releases/download/v0.10.1/manifests.yaml=/files/jobset.yaml");
  const isFile = (p: string) => p.endsWith(".yaml");
  const m = (url: string) => matchMirror(url, [argo, jobset], isFile);
  assert.deepEqual(m("https://github.com/argoproj/argo-workflows/manifests/base/crds/minimal?ref=v3.7.3"), { mirror: argo, kind: "repo", path: "manifests/base/crds/minimal", ref: "v3.7.3" });
  assert.deepEqual(m("https://github.com/argoproj/argo-workflows.git//manifests/base?version=v3.7.3"), { mirror: argo, kind: "repo", path: "manifests/base", ref: "v3.7.3" });
  assert.deepEqual(m("git@github.com:argoproj/argo-workflows//manifests"), { mirror: argo, kind: "repo", path: "manifests", ref: undefined });
  assert.deepEqual(m("https://github.com/kubernetes-sigs/jobset/releases/download/v0.10.1/manifests.yaml"), { mirror: jobset, kind: "file" });
  assert.equal(m("https://github.com/kubernetes-sigs/jobset/releases/download/v0.11.0/manifests.yaml"), undefined, "another release is another file");
  assert.equal(m("https://github.com/argoproj/argo-workflows-extra/manifests?ref=x"), undefined, "the prefix ends at a path boundary");
  assert.equal(m("https://github.com/argoproj/argo-workflows/releases/download/v3.7.3/install.yaml"), undefined, "a release asset is not a file in the repository");
  assert.throws(() => parseMirror("https://github.com/argoproj/argo-workflows"), /expected <url prefix>=<local checkout>/);
  assert.throws(() => parseMirror("argo=/mirrors/argo"), /not a remote URL/);
});

test("file entries: patch files and generator inputs, not inline patches", () => {
  const k = parse(
    [
      "patches:",
      "- path: p.yaml",
      "- patch: |-",
      "    kind: X",
      "patchesStrategicMerge: [sm.yaml]",
      "configMapGenerator:",
      "- name: c",
      "  files: [a.txt, key=b.txt]",
      "  envs: [e.env]",
      "secretGenerator:",
      "- name: s",
      "  env: s.env",
    ].join("\n"),
  );
  assert.deepEqual(fileEntries(k).sort(), ["a.txt", "b.txt", "e.env", "p.yaml", "s.env", "sm.yaml"]);
});

const obj = (kind: string, name: string, namespace?: string, apiVersion = "v1"): K8sObject => ({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } });
const invariants = (objects: K8sObject[], texts = objects.map((o) => JSON.stringify(o))) => renderedInvariants(objects, texts, crdScopes(objects));

test("rendered invariants: a clean render passes, with kinds counted", () => {
  const clean = [
    obj("Deployment", "ml-pipeline", "kubeflow", "apps/v1"),
    obj("Deployment", "kserve-controller-manager", "kubeflow-system", "apps/v1"),
    obj("ClusterRole", "kubeflow-edit", undefined, "rbac.authorization.k8s.io/v1"),
    obj("Namespace", "kubeflow"),
    { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "profiles.kubeflow.org" }, spec: { group: "kubeflow.org", scope: "Cluster", names: { kind: "Profile" } } },
    obj("Profile", "team-a", undefined, "kubeflow.org/v1"),
  ];
  const r = invariants(clean);
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.warnings, []);
  assert.deepEqual(r.kinds, { ClusterRole: 1, CustomResourceDefinition: 1, Deployment: 2, Namespace: 1, Profile: 1 });
});

test("rendered invariants: each one fails on what it forbids", () => {
  const fails = (o: K8sObject, re: RegExp, text?: string) => {
    const r = invariants([o], [text ?? JSON.stringify(o)]);
    assert.ok(r.problems.some((p) => re.test(p)), `${JSON.stringify(o)}: ${r.problems.join("; ") || "no problem"}`);
  };
  fails(obj("Deployment", "seaweedfs", "kubeflow", "apps/v1"), /SeaweedFS and metacontroller must not be installed/);
  fails(obj("StatefulSet", "metacontroller", "kubeflow", "apps/v1"), /must not be installed/);
  fails(obj("ClusterRoleBinding", "meta-controller-cluster-role-binding", undefined, "rbac.authorization.k8s.io/v1"), /left over/);
  fails(obj("Deployment", "cert-manager-webhook", "kubeflow", "apps/v1"), /installs cert-manager, Istio, Dex and oauth2-proxy itself/);
  fails(obj("Deployment", "istiod", "istio-system", "apps/v1"), /itself/);
  fails(obj("Deployment", "dex", "auth", "apps/v1"), /itself/);
  fails(obj("Deployment", "oauth2-proxy", "oauth2-proxy", "apps/v1"), /itself/);
  fails(obj("Gateway", "kubeflow-gateway", "kubeflow", "networking.istio.io/v1"), /the program creates kubeflow\/kubeflow-gateway/);
  const policy = obj("AuthorizationPolicy", "ui", "kubeflow", "security.istio.io/v1");
  fails(policy, /still names cluster\.local\/ns\/istio-system/, `spec:\n  rules:\n  - from:\n    - source:\n        principals: [${oldGatewayPrincipal}]\n`);
  fails(obj("ConfigMap", "x", "default"), /namespace default is not a Kubeflow namespace/);
  fails(obj("ConfigMap", "x"), /no namespace: it would land in the provider's default namespace/);
  fails(obj("Widget", "w", undefined, "example.com/v1"), /example\.com\/Widget is not a known cluster-scoped kind/);
  fails(obj("Namespace", "kubeflow-user-example-com"), /not a Kubeflow namespace/);
  const injected = { apiVersion: "admissionregistration.k8s.io/v1", kind: "MutatingWebhookConfiguration", metadata: { name: "w", annotations: { "cert-manager.io/inject-ca-from": "kubeflow/c" } } };
  fails({ ...injected, webhooks: [{ clientConfig: { caBundle: "" } }] }, /sets a caBundle that cert-manager injects/);
  assert.deepEqual(invariants([{ ...injected, webhooks: [{ clientConfig: {} }] }]).problems, [], "without caBundle the injector owns the field");
  const r = invariants([obj("ClusterRole", "x", "kubeflow", "rbac.authorization.k8s.io/v1")]);
  assert.match(r.warnings.join(), /cluster-scoped but has namespace kubeflow/);
});

test("a targeted patch that matches no rendered object is reported (kustomize applies it to nothing, silently)", () => {
  const k = [
    "patches:",
    "- target: { group: security.istio.io, kind: AuthorizationPolicy, name: volumes-web-app }",
    "  patch: '[]'",
    "- target: { group: serving.kserve.io, kind: ClusterServingRuntime|ClusterStorageContainer }",
    "  patch: '[]'",
    "- target: { kind: Deployment, name: gone }",
    "  patch: |-",
    "    $patch: delete",
    "- target: { kind: Deployment, labelSelector: app=x }",
    "  patch: '[]'",
  ].join("\n");
  const rendered = [obj("AuthorizationPolicy", "volumes-web-app", "kubeflow", "security.istio.io/v1beta1"), obj("ClusterStorageContainer", "default", undefined, "serving.kserve.io/v1alpha1")];
  assert.deepEqual(unmatchedPatchTargets(k, rendered), []);
  const moved = unmatchedPatchTargets(k, [obj("AuthorizationPolicy", "volumes-web-app-v2", "kubeflow", "security.istio.io/v1beta1")]);
  assert.equal(moved.length, 2);
  assert.match(moved[0], /"name":"volumes-web-app"\} matches no rendered object/);
});

test("kustomize errors lose the temp paths and the deprecation noise; CRD schemas are skipped when parsing a render", () => {
  const err = [
    "# Warning: 'patchesStrategicMerge' is deprecated.",
    'E1121 21:49:19.468458   21553 run.go:72] "command failed" err="accumulating resources: /tmp/x/manifests/applications/a: testing value /spec/rules/0 failed: test failed"',
  ].join("\n");
  assert.equal(condenseKustomizeError(err, [["/tmp/x/manifests", "<kubeflow/manifests>"]]), "accumulating resources: <kubeflow/manifests>/applications/a: testing value /spec/rules/0 failed: test failed");

  const crd = [
    "apiVersion: apiextensions.k8s.io/v1",
    "kind: CustomResourceDefinition",
    "metadata:",
    "  name: widgets.example.com",
    "spec:",
    "  group: example.com",
    "  names:",
    "    kind: Widget",
    "  scope: Cluster",
    "  versions:",
    "  - name: v1",
    "    schema:",
    "      openAPIV3Schema:",
    "        type: object",
    "status:",
    "  acceptedNames: {}",
  ].join("\n");
  const { objects, texts } = parseRendered(`${crd}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: kubeflow\n`);
  assert.equal(texts.length, 2);
  assert.deepEqual(objects[0].spec, { group: "example.com", names: { kind: "Widget" }, scope: "Cluster" });
  assert.deepEqual((objects[0] as any).status, { acceptedNames: {} }, "the cut ends where spec.versions ends");
  assert.deepEqual(objects[1].metadata, { name: "c", namespace: "kubeflow" });
});

// A rendered Pipelines overlay, cut to what the MySQL invariants read.
const env = (name: string, secret: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });
const deployment = (name: string, container: Record<string, unknown>): K8sObject => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name, namespace: "kubeflow" }, spec: { template: { spec: { containers: [container] } } } } as K8sObject);
const pipelinesRender = (): K8sObject[] => [
  deployment("mysql", { name: "mysql", image: "mysql:8.4", env: [env("MYSQL_ROOT_PASSWORD", "mysql-secret", "password")] }),
  ...["ml-pipeline", "metadata-grpc-deployment", "cache-server"].map((n) => deployment(n, { name: "c", image: `ghcr.io/kubeflow/${n}:2.16.0`, env: [env("DBCONFIG_USER", "mysql-secret", "username"), env("DBCONFIG_PASSWORD", "mysql-secret", "password")] })),
  deployment("ml-pipeline-ui", { name: "ui", image: "ghcr.io/kubeflow/kfp-frontend:2.16.0" }),
];

test("MySQL invariants: a render whose server and clients use the program's Secret passes", () => {
  assert.deepEqual(mysqlProblems(pipelinesRender(), "pipelines"), []);
  assert.deepEqual(mysqlProblems(pipelinesRender(), "notebooks"), [], "another overlay need not render the Pipelines server");
});

test("MySQL invariants: each one fails on what it forbids", () => {
  const fails = (objects: K8sObject[], re: RegExp, overlay = "pipelines") => {
    const problems = mysqlProblems(objects, overlay);
    assert.ok(problems.some((p) => re.test(p)), `${re}: ${problems.join("; ") || "no problem"}`);
  };
  const edit = (name: string, change: (c: any) => void) => {
    const objects = pipelinesRender();
    change((objects.find((o) => o.metadata?.name === name) as any).spec.template.spec.containers[0]);
    return objects;
  };
  fails([...pipelinesRender(), { apiVersion: "v1", kind: "Secret", metadata: { name: "mysql-secret", namespace: "kubeflow" } }], /Secret kubeflow\/mysql-secret: the program creates it/);
  fails([{ apiVersion: "v1", kind: "Secret", metadata: { name: "katib-mysql-secrets", namespace: "kubeflow" } }], /katib-mysql-secrets: the program creates it/, "katib");
  fails(edit("mysql", (c) => c.env.push({ name: "MYSQL_ALLOW_EMPTY_PASSWORD", value: "true" })), /sets MYSQL_ALLOW_EMPTY_PASSWORD/);
  fails(edit("mysql", (c) => (c.env = [{ name: "MYSQL_ALLOW_EMPTY_PASSWORD", value: "true" }])), /MYSQL_ROOT_PASSWORD does not come from mysql-secret key password/);
  fails(edit("mysql", (c) => (c.env = [{ name: "MYSQL_ROOT_PASSWORD", value: "test" }])), /MYSQL_ROOT_PASSWORD does not come from mysql-secret/);
  fails(edit("cache-server", (c) => (c.env = [env("DBCONFIG_PASSWORD", "other-secret", "password"), env("DBCONFIG_USER", "mysql-secret", "username")])), /cache-server: does not read mysql-secret key password/);
  fails(edit("ml-pipeline", (c) => c.env.push(env("X", "mysql-secret", "root-password"))), /reads key root-password of mysql-secret, which holds only username, password/);
  fails(pipelinesRender().filter((o) => o.metadata?.name !== "metadata-grpc-deployment"), /metadata-grpc-deployment: a client of mysql-secret is not rendered/);
  fails(pipelinesRender().filter((o) => o.metadata?.name !== "mysql"), /Deployment mysql: the MySQL server of pipelines is not rendered/);
  fails([deployment("katib-mysql", { name: "katib-mysql", image: "mysql:8.0", env: [env("MYSQL_ROOT_PASSWORD", "katib-mysql-secrets", "MYSQL_ROOT_PASSWORD")] })], /katib-db-manager: a client of katib-mysql-secrets is not rendered/, "katib");
  fails([deployment("model-registry-db", { name: "db", image: "docker.io/library/mysql:8.3.0", env: [] })], /a MySQL server \(docker\.io\/library\/mysql:8\.3\.0\) the platform does not know/, "notebooks");
});

// Kubeflow over the offline plan of every committed stack: the components as kustomize Directories
// in dependency order, the edge fit (gateway, certificate, principal), Pipelines on the platform's
// store with the narrowest mesh exceptions, and teams as Profiles with KFAM-shaped contributors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cachedPlan, ofType, strings } from "./helpers";
import type { Plan, PlannedResource } from "../tools/mock-runtime";
import { kubeflowOverlays, overlayPath } from "../components/ml/kubeflow/manifests";
import { kfamBindingName, quotaHard, teamLimitRange } from "../components/ml/kubeflow/teams";
import { argoArtifactRepository, launcherConfig, objectStoreSettings } from "../components/ml/kubeflow/pipelines-store";
import { kserveIngress, kserveIngressTransform } from "../components/ml/kubeflow/kserve";
import { volumeTransforms } from "../components/ml/kubeflow/mysql-volumes";
import { validateConfig } from "../infra/config/load";
import { readStackFile } from "../tools/stack-file";
import { ingressGatewayPrincipal } from "../components/edge/istio";

const stacks = ["local", "gke-dev", "eks-dev", "prod", "ephemeral"];
const domains: Record<string, string> = { local: "127.0.0.1.sslip.io", "gke-dev": "ml-dev.acme.example", "eks-dev": "ml-dev.acme.example", prod: "ml.acme.example", ephemeral: "pr-0.ci.acme.example" };
const cr = (plan: Plan, kind: string) => plan.resources.filter((r) => (r.inputs as any)?.kind === kind);
const named = (rs: PlannedResource[], name: string) => rs.find((r) => (r.inputs as any).metadata?.name === name);
const directories = (plan: Plan) => ofType(plan, "kubernetes:kustomize/v2:Directory");
const byUrn = (plan: Plan) => new Map(plan.resources.map((r) => [r.urn, r]));

test("every stack installs each Kubeflow component from its overlay, and none of the manifests' own edge", async () => {
  for (const s of stacks) {
    const plan = await cachedPlan(s);
    const dirs = directories(plan).map((d) => (d.inputs as any).directory).sort();
    assert.deepEqual(dirs, Object.keys(kubeflowOverlays).map((o) => overlayPath(o as keyof typeof kubeflowOverlays)).sort(), s);
    // One cert-manager, one istiod, one Dex, one oauth2-proxy: the platform's.
    const charts = ofType(plan, "kubernetes:helm.sh/v4:Chart").map((c) => (c.inputs as any).chart);
    for (const chart of ["cert-manager", "istiod", "dex", "oauth2-proxy"]) assert.equal(charts.filter((c) => c === chart).length, 1, `${s}: ${chart}`);
  }
});

test("Kubeflow waits for istiod and cert-manager, Profiles for their controller, Pipelines for its store and mesh exceptions", async () => {
  const plan = await cachedPlan("gke-dev");
  const urns = byUrn(plan);
  const dir = (o: string) => directories(plan).find((d) => (d.inputs as any).directory === overlayPath(o as any))!;
  const deps = (r: PlannedResource) => r.dependsOn.map((u) => urns.get(u)!);
  const platform = dir("platform");
  assert.ok(deps(platform).some((r) => r.type === "kubernetes:helm.sh/v4:Chart" && (r.inputs as any).chart === "istiod"), "namespaces are meshed: they wait for the injector");
  for (const o of Object.keys(kubeflowOverlays).filter((o) => o !== "platform")) {
    const d = deps(dir(o));
    assert.ok(d.includes(platform), `${o} waits for the kubeflow namespace`);
    assert.ok(d.some((r) => (r.inputs as any)?.kind === "ClusterIssuer"), `${o} waits for cert-manager (its webhook certificates)`);
  }
  const pipelineDeps = deps(dir("pipelines"));
  for (const sa of ["ml-pipeline", "ml-pipeline-ui"]) {
    const account = pipelineDeps.find((r) => r.type === "kubernetes:core/v1:ServiceAccount" && (r.inputs as any).metadata.name === sa);
    assert.ok(account, `pipelines waits for service account ${sa}`);
    assert.match((account!.inputs as any).metadata.annotations["iam.gke.io/gcp-service-account"], /@acme-ml-dev\.iam\.gserviceaccount\.com$/, "identity before any pod");
  }
  assert.ok(pipelineDeps.some((r) => (r.inputs as any)?.metadata?.name === "pipelines-object-store"));
  assert.equal(pipelineDeps.filter((r) => (r.inputs as any)?.kind === "PeerAuthentication").length, 3);
  const profile = cr(plan, "Profile")[0];
  assert.ok(deps(profile).includes(dir("profiles")), "Profiles need the controller, and go before it on destroy (finalizer)");
  assert.equal((profile.inputs as any).metadata.annotations["pulumi.com/waitFor"], "jsonpath={.metadata.finalizers[0]}=profile-finalizer");
});

test("destroy removes each team while every controller acting in its namespace still runs, with time for the namespace to drain", async () => {
  // Finalizers (InferenceService, Experiment, Notebook, Workflow) and failurePolicy: Fail webhooks in team
  // namespaces are served by these components; a Profile's foreground delete waits for its namespace.
  const acting = ["profiles", "admission-webhook", "notebooks", "pvc-viewer", "tensorboard", "katib", "trainer", "pipelines", "kserve"];
  for (const s of stacks) {
    const plan = await cachedPlan(s);
    const dirUrn = (o: string) => directories(plan).find((d) => (d.inputs as any).directory === overlayPath(o as any))!.urn;
    const profiles = cr(plan, "Profile");
    assert.ok(profiles.length > 0, s);
    for (const p of profiles) {
      for (const o of acting) assert.ok(p.dependsOn.includes(dirUrn(o)), `${s}: ${p.name} is deleted before ${o} on destroy`);
      assert.equal((p.inputs as any).metadata.annotations["pulumi.com/timeoutSeconds"], "1800", `${s}: ${p.name}: delete waits up to 30 minutes`);
    }
  }
});

test("Kubeflow is served over HTTPS on kubeflow.<domain> and the models' hosts, with a certificate disjoint from the platform's", async () => {
  for (const s of stacks) {
    const plan = await cachedPlan(s);
    const domain = domains[s];
    const gw = named(cr(plan, "Gateway"), "kubeflow-gateway")!;
    assert.equal((gw.inputs as any).metadata.namespace, "kubeflow");
    const servers = (gw.inputs as any).spec.servers;
    assert.deepEqual(servers.map((x: any) => x.port.protocol), ["HTTPS"], `${s}: no plain-HTTP server (the platform gateway redirects port 80)`);
    assert.deepEqual(servers[0].hosts, [`kubeflow.${domain}`]);
    const kfCert = named(cr(plan, "Certificate"), "kubeflow-tls")!;
    assert.equal(servers[0].tls.credentialName, "kubeflow-tls");
    const platformCert = named(cr(plan, "Certificate"), "platform-tls")!;
    const platformNames: string[] = (platformCert.inputs as any).spec.dnsNames;
    for (const n of (kfCert.inputs as any).spec.dnsNames as string[]) {
      assert.ok(!platformNames.includes(n) && !platformNames.some((p) => p.startsWith("*.") && n.endsWith(p.slice(1)) && n.split(".").length === p.split(".").length), `${s}: ${n} is covered only by the Kubeflow certificate (HTTP/2 connection reuse)`);
    }
    assert.ok(strings(plan.resources.map((r) => r.inputs)).some((x) => x.includes(`https://kubeflow.${domain}/oauth2/callback`)), `${s}: Dex accepts the Kubeflow host's SSO callback`);
  }
});

test("teams: one Profile each, KFAM-shaped contributor pairs, and the team identity on default-editor", async () => {
  const plan = await cachedPlan("gke-dev");
  const [research] = cr(plan, "Profile");
  assert.deepEqual((research.inputs as any).spec, {
    owner: { kind: "User", name: "alice@acme.example" },
    resourceQuotaSpec: { hard: { "requests.cpu": "32", "requests.memory": "128Gi", "requests.nvidia.com/gpu": 2, "requests.storage": "500Gi" } },
  });
  const bindings = ofType(plan, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding").filter((r) => (r.inputs as any).metadata.namespace === "research");
  assert.deepEqual(bindings.map((b) => (b.inputs as any).metadata.name).sort(), [
    "user-bob-acme-example-clusterrole-edit",
    "user-dana-acme-example-clusterrole-view",
    "user-eli-acme-example-clusterrole-view",
  ]);
  const bob = bindings.find((b) => (b.inputs as any).metadata.name === "user-bob-acme-example-clusterrole-edit")!;
  assert.deepEqual((bob.inputs as any).metadata.annotations, { user: "bob@acme.example", role: "edit" });
  assert.deepEqual((bob.inputs as any).roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "kubeflow-edit" });
  const policy = named(cr(plan, "AuthorizationPolicy"), "user-bob-acme-example-clusterrole-edit")!;
  assert.deepEqual((policy.inputs as any).spec.rules, [
    { from: [{ source: { principals: [ingressGatewayPrincipal, "cluster.local/ns/kubeflow/sa/ml-pipeline-ui"] } }], when: [{ key: "request.headers[kubeflow-userid]", values: ["bob@acme.example"] }] },
  ]);
  const patch = ofType(plan, "kubernetes:core/v1:ServiceAccountPatch").find((p) => (p.inputs as any).metadata.namespace === "research")!;
  assert.equal((patch.inputs as any).metadata.name, "default-editor");
  assert.ok((patch.inputs as any).metadata.annotations["iam.gke.io/gcp-service-account"]);
  const members = ofType(plan, "gcp:serviceaccount/iAMMember:IAMMember").map((r) => (r.inputs as any).member);
  assert.ok(members.includes("serviceAccount:acme-ml-dev.svc.id.goog[research/default-editor]"));
  // Its own bucket read-write, the declared dataset bucket read-only; nobody else's.
  const grants = ofType(plan, "gcp:storage/bucketIAMMember:BucketIAMMember").filter((r) => r.name.startsWith("team-research-"));
  assert.deepEqual(grants.map((g) => (g.inputs as any).role).sort(), ["roles/storage.objectUser", "roles/storage.objectViewer"]);
  assert.ok(grants.some((g) => (g.inputs as any).bucket === "acme-ml-datasets" && (g.inputs as any).role === "roles/storage.objectViewer"));
  const launcher = named(ofType(plan, "kubernetes:core/v1:ConfigMap"), "kfp-launcher")!;
  assert.match((launcher.inputs as any).data.defaultPipelineRoot, /^gs:\/\/.*team-research.*\/v2\/artifacts$/);
});

test("a team's owner change reaches the profile controller: the namespace's owner annotation and the admin binding's KFAM user follow the Profile", async () => {
  for (const s of stacks) {
    const plan = await cachedPlan(s);
    for (const p of cr(plan, "Profile")) {
      const ns = (p.inputs as any).metadata.name;
      const owner = (p.inputs as any).spec.owner.name;
      const nsPatch = ofType(plan, "kubernetes:core/v1:NamespacePatch").find((r) => (r.inputs as any).metadata.name === ns);
      assert.ok(nsPatch, `${s}: ${ns} has a NamespacePatch`);
      const rbPatch = ofType(plan, "kubernetes:rbac.authorization.k8s.io/v1:RoleBindingPatch").find((r) => (r.inputs as any).metadata.namespace === ns);
      assert.ok(rbPatch, `${s}: ${ns} has a RoleBindingPatch`);
      assert.equal((rbPatch!.inputs as any).metadata.name, "namespaceAdmin");
      for (const [r, key] of [[nsPatch!, "owner"], [rbPatch!, "user"]] as const) {
        const annotations = (r.inputs as any).metadata.annotations;
        assert.equal(annotations[key], owner, `${s}: ${r.name}`);
        assert.equal(annotations["pulumi.com/patchForce"], "true", `${s}: ${r.name}: the controller's field manager owns it`);
        assert.ok(r.dependsOn.includes(p.urn), `${s}: ${r.name} after the Profile`);
        assert.equal(r.options.retainOnDelete, true, `${s}: ${r.name}: removing it must not strip what the controller reads`);
        assert.equal(r.options.protect, false);
      }
    }
  }
});

test("a team quota on cpu or memory comes with default requests, so pods that request nothing (Argo's, users') are admitted", async () => {
  let checked = 0;
  for (const s of stacks) {
    const plan = await cachedPlan(s);
    const ranges = ofType(plan, "kubernetes:core/v1:LimitRange");
    for (const p of cr(plan, "Profile")) {
      const ns = (p.inputs as any).metadata.name;
      const hard = (p.inputs as any).spec.resourceQuotaSpec?.hard ?? {};
      const inNs = ranges.filter((r) => (r.inputs as any).metadata.namespace === ns);
      if (hard["requests.cpu"] === undefined && hard["requests.memory"] === undefined) {
        assert.equal(inNs.length, 0, `${s}: ${ns}`);
        continue;
      }
      assert.equal(inNs.length, 1, `${s}: ${ns} has a LimitRange`);
      assert.deepEqual((inNs[0].inputs as any).spec.limits, [{ type: "Container", defaultRequest: { cpu: "100m", memory: "256Mi" } }], `${s}: ${ns}`);
      assert.ok(inNs[0].dependsOn.includes(p.urn), `${s}: ${ns}: after the Profile (its namespace)`);
      checked++;
    }
  }
  assert.ok(checked >= 5, "every committed stack's example team sets a cpu/memory quota");
  assert.equal(teamLimitRange({ gpu: 1, storage: "10Gi" }), undefined, "no cpu/memory quota, nothing to default");
  assert.deepEqual(teamLimitRange({ memory: "1Gi" })?.defaultRequest, { cpu: "100m", memory: "256Mi" });
});

test("prod: each team's store is its own, and two teams' identities share no bucket grant", async () => {
  const plan = await cachedPlan("prod");
  assert.deepEqual(cr(plan, "Profile").map((p) => (p.inputs as any).metadata.name).sort(), ["forecasting", "research"]);
  const grantsOf = (team: string) => new Set(ofType(plan, "gcp:storage/bucketIAMMember:BucketIAMMember").filter((r) => r.name.startsWith(`team-${team}-`) && (r.inputs as any).role === "roles/storage.objectUser").map((r) => String((r.inputs as any).bucket)));
  const a = grantsOf("research");
  const b = grantsOf("forecasting");
  assert.equal(a.size, 1);
  assert.equal(b.size, 1);
  assert.ok(![...a].some((x) => b.has(x)));
});

test("existing clusters: MinIO credentials per team, referenced by the launcher and Argo, never inline", async () => {
  const plan = await cachedPlan("local");
  const launcher = named(ofType(plan, "kubernetes:core/v1:ConfigMap"), "kfp-launcher")!;
  const data = (launcher.inputs as any).data;
  assert.match(data.defaultPipelineRoot, /^minio:\/\/team-sandbox\/v2\/artifacts$/);
  assert.match(data.providers, /secretName: team-sandbox-s3-credentials/);
  const repo = named(ofType(plan, "kubernetes:core/v1:ConfigMap"), "artifact-repositories")!;
  assert.match((repo.inputs as any).data["default-namespaced"], /accessKeySecret:\n\s+name: team-sandbox-s3-credentials/);
  // No cloud identity to annotate: default-editor only lists the Secret, for KServe (kserve-store.test.ts).
  const [patch] = ofType(plan, "kubernetes:core/v1:ServiceAccountPatch");
  assert.deepEqual((patch.inputs as any).metadata.annotations, {});
  assert.deepEqual((patch.inputs as any).secrets, [{ name: "team-sandbox-s3-credentials" }]);
});

test("the mesh exceptions are one workload and one port each, and listed", async () => {
  for (const s of stacks) {
    const pas = cr(await cachedPlan(s), "PeerAuthentication").filter((p) => (p.inputs as any).metadata.namespace === "kubeflow");
    const shape = pas.map((p) => {
      const spec = (p.inputs as any).spec;
      assert.equal(spec.mtls.mode, "STRICT", "the rest of the workload stays STRICT");
      assert.ok(Object.keys(spec.selector.matchLabels).length >= 1, "scoped to a workload");
      return `${Object.values(spec.selector.matchLabels)[0]}:${Object.keys(spec.portLevelMtls).join(",")}:${Object.values<any>(spec.portLevelMtls)[0].mode}`;
    });
    // Not llmisvc's webhook: PERMISSIVE does not get past the default deny; its sidecar excludes 9443 (kubeflow-webhooks.test.ts).
    assert.deepEqual(shape.sort(), ["cache-server:8443:PERMISSIVE", "metadata-grpc-server:8080:PERMISSIVE", "ml-pipeline:8887:PERMISSIVE"], s);
  }
});

test("GKE private control planes reach Kubeflow's webhook ports", async () => {
  const fw = ofType(await cachedPlan("gke-dev"), "gcp:compute/firewall:Firewall").find((f) => f.name === "master-webhooks")!;
  assert.deepEqual((fw.inputs as any).allows[0].ports, ["15017", "4443", "8443", "9443"]);
});

test("KFAM names, quotas and per-store Pipelines settings", () => {
  assert.equal(kfamBindingName("Jane.Doe@Example.com", "edit"), "user-jane-doe-example-com-clusterrole-edit");
  assert.equal(kfamBindingName("a+b@x.io", "view"), "user-a-b-x-io-clusterrole-view");
  // KFAM's last step collapses runs of "-" too: a local part starting with a non-alphanumeric.
  assert.equal(kfamBindingName("_ops@acme.example", "edit"), "user-ops-acme-example-clusterrole-edit");
  assert.equal(kfamBindingName("x--y@acme.example", "view"), "user-x-y-acme-example-clusterrole-view");
  assert.equal(kfamBindingName("a.b@x.io", "edit"), kfamBindingName("a-b@x.io", "edit"), "the collision the config rejects");
  assert.deepEqual(quotaHard({ cpu: "500m", pods: 10 }), { "requests.cpu": "500m", pods: 10 });
  assert.equal(launcherConfig({ kind: "gcs" }, "b", undefined).providers, undefined, "GCS: application default credentials");
  assert.match(launcherConfig({ kind: "s3", region: "eu-west-1" }, "b", undefined).providers, /fromEnv: true/);
  assert.throws(() => launcherConfig({ kind: "minio" }, "b", undefined), /credentials Secret/);
  assert.deepEqual(argoArtifactRepository({ kind: "s3", region: "eu-west-1" }, "b", undefined), {
    archiveLogs: true,
    s3: { endpoint: "s3.amazonaws.com", bucket: "b", region: "eu-west-1", useSDKCreds: true, keyFormat: "artifacts/{{workflow.name}}/{{workflow.creationTimestamp.Y}}/{{workflow.creationTimestamp.m}}/{{workflow.creationTimestamp.d}}/{{pod.name}}" },
  });
  assert.deepEqual(objectStoreSettings({ kind: "minio" }, "kfp", "http://minio.minio.svc.cluster.local:9000"), {
    host: "minio.minio.svc.cluster.local", port: "9000", secure: "false", bucket: "kfp", region: "us-east-1", minioHost: "minio", minioNamespace: "minio",
  });
});

test("the bundled MySQL servers' volumes are protected and kept in prod only (Directory transform)", async () => {
  const pvc = (name: string) => ({ type: "kubernetes:core/v1:PersistentVolumeClaim", name, props: { metadata: { name, namespace: "kubeflow" } }, opts: { parent: undefined } }) as any;
  const apply = (ts: any[], a: any) => ts.reduce((acc, t) => t(acc) ?? acc, a);
  // The plan's own tier settings: prod protects, ephemeral (and dev) do not.
  for (const [s, protect] of [["prod", true], ["ephemeral", false], ["gke-dev", false]] as const) {
    const config = validateConfig(s, readStackFile(s).config, readStackFile(s).secretKeys);
    assert.equal(config.protect, protect, s);
    for (const [overlay, claim] of [["pipelines", "mysql-pv-claim"], ["katib", "katib-mysql"]] as const) {
      const out = apply(volumeTransforms(overlay, config.protect), pvc(claim));
      assert.equal(out.opts.protect === true, protect, `${s}: ${overlay}'s ${claim} protected`);
      assert.equal(out.opts.retainOnDelete === true, protect, `${s}: ${overlay}'s ${claim} kept on delete`);
    }
  }
  assert.deepEqual(volumeTransforms("kserve", true), [], "only the MySQL overlays");
  const [t] = volumeTransforms("pipelines", true);
  assert.equal(t({ type: "kubernetes:apps/v1:Deployment", name: "mysql", props: {}, opts: {} } as any), undefined, "only volume claims");
  // Ephemeral's policy: nothing protected there, so its destroy never stops on these.
  const eph = await cachedPlan("ephemeral");
  assert.ok(eph.resources.every((r) => !r.options.protect));
});

test("KServe: Standard mode, no Ingress, model URLs under models.<domain> over HTTPS", () => {
  const ingress = kserveIngress("ml.acme.example");
  assert.equal(ingress.ingressDomain, "models.ml.acme.example");
  assert.equal(ingress.urlScheme, "https");
  assert.equal(ingress.disableIngressCreation, true);
  const t = kserveIngressTransform("ml.acme.example");
  const out = t({ type: "kubernetes:core/v1:ConfigMap", name: "x", props: { metadata: { name: "inferenceservice-config", namespace: "kubeflow" }, data: { deploy: "{}" } }, opts: {} } as any) as any;
  assert.deepEqual(JSON.parse(out.props.data.ingress), ingress);
  assert.equal(out.props.data.deploy, "{}", "other keys kept");
  assert.equal(t({ type: "kubernetes:core/v1:ConfigMap", name: "y", props: { metadata: { name: "other" } }, opts: {} } as any), undefined);
});

// The observability stack over the offline plans of every committed stack: five releases (plus
// kube-state-metrics) on object storage through the Cloud port, no static keys on cloud stacks,
// retention per tier, Grafana's linked datasources and SSO, mesh tracing to the collector, and
// the findings of a review against the pinned charts' templates.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gatewayRef } from "../components/edge/gateway";
import { grafanaService, roleHeader, userHeader } from "../components/observability/grafana";
import { alloyOtlp, datasourceUids, serviceAccounts, tracingProviderName } from "../components/observability/names";
import { memcachedMemoryMi, observabilityWorkloads, totals } from "../components/observability/sizing";
import { checkChartValues } from "../tools/check-values";
import { validateConfig } from "../infra/config/load";
import { resolveObservability } from "../infra/config/observability";
import type { Plan, PlannedResource } from "../tools/mock-runtime";
import { committedStacks } from "../tools/stack-file";
import { cachedPlan, ofType, strings } from "./helpers";
import { SsoModel } from "./sso-walk";

const chartOf = (p: Plan, release: string) => ofType(p, "kubernetes:helm.sh/v4:Chart").find((r) => (r.inputs as any).name === release) as PlannedResource;
const values = (p: Plan, release: string) => (chartOf(p, release).inputs as any).values;
const cr = (p: Plan, kind: string) => p.resources.filter((r) => (r.inputs as any).kind === kind).map((r) => r.inputs as any);
const kindOf: Record<string, "gcs" | "s3" | "minio"> = { local: "minio", "gke-dev": "gcs", prod: "gcs", ephemeral: "gcs", "eks-dev": "s3" };
const backends = ["loki", "tempo", "mimir"] as const;

for (const name of committedStacks()) {
  test(`stack ${name}: Loki, Tempo, Mimir, Alloy, Grafana and kube-state-metrics are installed, pinned, in their namespaces`, async () => {
    const p = await cachedPlan(name);
    for (const [release, ns] of Object.entries({ loki: "monitoring", tempo: "monitoring", mimir: "monitoring", alloy: "monitoring", "kube-state-metrics": "monitoring", grafana: "grafana" })) {
      const c = chartOf(p, release);
      assert.ok(c, `${release} chart`);
      assert.equal((c.inputs as any).namespace, ns);
      assert.match((c.inputs as any).version, /^\d+\.\d+\.\d+$/);
    }
    const nsLabel = (n: string) => (ofType(p, "kubernetes:core/v1:Namespace").find((r) => (r.inputs as any).metadata.name === n)!.inputs as any).metadata.labels["istio-injection"];
    assert.equal(nsLabel("monitoring"), "disabled", "backends stay outside the mesh (memberlist gossip, headless Services)");
    assert.equal(nsLabel("grafana"), "enabled");
  });

  test(`stack ${name}: one bucket per backend, and an identity bound to exactly the service account each chart creates`, async () => {
    const p = await cachedPlan(name);
    const kind = kindOf[name];
    for (const b of backends) {
      const v = values(p, b);
      assert.deepEqual([v.serviceAccount.create, v.serviceAccount.name], [true, serviceAccounts[b]], `${b}: the chart creates the service account the binding names`);
      if (kind === "gcs") {
        assert.ok(ofType(p, "gcp:storage/bucket:Bucket").some((r) => r.name === b), `${b} GCS bucket`);
        const binding = ofType(p, "gcp:serviceaccount/iAMMember:IAMMember").find((r) => r.name === `${b}-workload-identity`)!.inputs as any;
        assert.match(binding.member, new RegExp(`\\[monitoring/${serviceAccounts[b]}\\]$`));
        assert.ok(ofType(p, "gcp:storage/bucketIAMMember:BucketIAMMember").some((r) => r.name === `${b}-bucket-0`));
        assert.ok(v.serviceAccount.annotations["iam.gke.io/gcp-service-account"], `${b}: workload identity annotation`);
      } else if (kind === "s3") {
        assert.ok(p.resources.some((r) => r.type === "aws:s3/bucket:Bucket" && r.name === b), `${b} S3 bucket`);
        const role = ofType(p, "aws:iam/role:Role").find((r) => r.name === b)!.inputs as any;
        assert.match(JSON.stringify(role.assumeRolePolicy), new RegExp(`system:serviceaccount:monitoring:${serviceAccounts[b]}`));
        assert.ok(v.serviceAccount.annotations["eks.amazonaws.com/role-arn"], `${b}: IRSA annotation`);
      } else {
        assert.ok(p.resources.some((r) => r.type === "kubernetes:batch/v1:Job" && r.name === `minio-bucket-${b}`), `${b} MinIO bucket`);
        const secret = ofType(p, "kubernetes:core/v1:Secret").find((r) => (r.inputs as any).metadata.name === `${b}-s3-credentials`)!;
        assert.equal((secret.inputs as any).metadata.namespace, "monitoring");
        assert.ok(chartOf(p, b).dependsOn.includes(secret.urn), `${b} waits for its MinIO keys`);
      }
    }
  });

  test(`stack ${name}: object-store credentials never appear in chart values`, async () => {
    const p = await cachedPlan(name);
    const all = JSON.stringify(backends.map((b) => values(p, b)));
    assert.doesNotMatch(all, /AKIA[0-9A-Z]{16}/);
    if (kindOf[name] !== "minio") {
      assert.doesNotMatch(all, /access_?key|accessKeyId|secretAccessKey|secret_key/i, "no static keys on cloud stacks");
      // Kubeflow Pipelines' env names kfp-*-s3-credentials on every cloud; on GCS/S3 those hold empty keys.
      // (their values are secrets in the plan; components/ml/kubeflow/pipelines-store.ts writes "").
      const keySecrets = ofType(p, "kubernetes:core/v1:Secret").map((r) => (r.inputs as any).metadata.name ?? "").filter((n) => /-s3-credentials$/.test(n));
      assert.deepEqual(keySecrets.filter((n) => !/^kfp-(api|ui)-s3-credentials$/.test(n)), [], "no key Secrets");
    } else {
      // MinIO: env references expanded at start from the Cloud port's Secret.
      const loki = values(p, "loki");
      assert.equal(loki.loki.storage.s3.accessKeyId, "${AWS_ACCESS_KEY_ID}");
      // Loki's and Mimir's charts pass -config.expand-env=true themselves (loki templates/_pod.tpl; mimir's component templates): not again.
      assert.equal(loki.defaults.extraArgs, undefined);
      assert.deepEqual(loki.defaults.extraEnvFrom, [{ secretRef: { name: "loki-s3-credentials" } }]);
      const mimir = values(p, "mimir");
      assert.equal(mimir.mimir.structuredConfig.common.storage.s3.secret_access_key, "${AWS_SECRET_ACCESS_KEY}");
      for (const c of ["distributor", "ingester", "querier", "query_frontend", "query_scheduler", "store_gateway", "compactor"]) assert.equal(mimir[c].extraArgs, undefined, c);
      assert.deepEqual(mimir.global.extraEnvFrom, [{ secretRef: { name: "mimir-s3-credentials" } }]);
      const tempo = values(p, "tempo");
      assert.equal(tempo.tempo.storage.trace.s3.access_key, "${AWS_ACCESS_KEY_ID}");
      assert.equal(tempo.tempo.extraArgs["config.expand-env"], "true", "the tempo chart passes only -config.file");
      for (const s of strings(backends.map((b) => values(p, b)))) assert.ok(!s.includes("[secret]"), "no secret value in values");
    }
  });

  test(`stack ${name}: mesh tracing: istiod's OpenTelemetry provider is Alloy's OTLP gRPC Service, and a mesh-wide Telemetry samples per tier`, async () => {
    const p = await cachedPlan(name);
    const providers = values(p, "istiod").meshConfig.extensionProviders as any[];
    const otel = providers.find((x) => x.name === tracingProviderName);
    assert.deepEqual(otel.opentelemetry, { service: "alloy.monitoring.svc.cluster.local", port: 4317 });
    // The Service is the alloy release's (fullname "alloy"), and it exposes that port.
    const alloy = values(p, "alloy");
    assert.ok(alloy.alloy.extraPorts.some((x: any) => x.port === alloyOtlp.grpcPort && x.targetPort === alloyOtlp.grpcPort));
    assert.match(alloy.alloy.configMap.content, /otelcol\.receiver\.otlp "default"[\s\S]*endpoint = "0\.0\.0\.0:4317"/);
    const [t] = cr(p, "Telemetry");
    assert.deepEqual([t.metadata.namespace, t.metadata.name], ["istio-system", "mesh-default"]);
    assert.equal(t.spec.tracing[0].providers[0].name, tracingProviderName);
    const expected = { local: 100, "gke-dev": 10, "eks-dev": 10, ephemeral: 10, prod: 1 }[name];
    assert.equal(t.spec.tracing[0].randomSamplingPercentage, expected);
  });

  test(`stack ${name}: Grafana's three datasources link to each other by uids that exist`, async () => {
    const p = await cachedPlan(name);
    const ds = values(p, "grafana").datasources["datasources.yaml"].datasources as any[];
    const uids = new Set(ds.map((d) => d.uid));
    assert.deepEqual([...uids].sort(), ["loki", "mimir", "tempo"]);
    const by = (type: string) => ds.find((d) => d.type === type);
    const mimir = by("prometheus");
    assert.match(mimir.url, /^http:\/\/mimir-gateway\.monitoring\.svc\.cluster\.local\/prometheus$/);
    assert.equal(mimir.jsonData.exemplarTraceIdDestinations[0].datasourceUid, datasourceUids.traces);
    // The exemplar label Grafana links on is the one Tempo's metrics generator writes (its default "traceID").
    const tempoLabel = values(p, "tempo").tempo.overrides?.defaults?.metrics_generator?.trace_id_label_name ?? "traceID";
    assert.deepEqual(mimir.jsonData.exemplarTraceIdDestinations.map((d: any) => d.name), [tempoLabel]);
    const loki = by("loki");
    assert.equal(loki.jsonData.derivedFields[0].datasourceUid, datasourceUids.traces);
    assert.equal(loki.jsonData.derivedFields[0].url, "$${__value.raw}", "escaped: Grafana expands ${...} in provisioning files");
    const tempo = by("tempo");
    assert.equal(tempo.jsonData.tracesToLogsV2.datasourceUid, datasourceUids.logs);
    assert.equal(tempo.jsonData.tracesToMetrics.datasourceUid, datasourceUids.metrics);
    assert.equal(tempo.jsonData.serviceMap.datasourceUid, datasourceUids.metrics);
    for (const link of strings(ds.map((d) => d.jsonData)).filter((s, i, a) => a.indexOf(s) === i && /^(loki|mimir|tempo)$/.test(s))) assert.ok(uids.has(link));
    // Dashboards reference only these uids.
    const boards = ofType(p, "kubernetes:core/v1:ConfigMap").filter((r) => (r.inputs as any).metadata.labels?.grafana_dashboard === "1");
    assert.equal(boards.length, 4);
    for (const b of boards) {
      for (const json of Object.values((b.inputs as any).data) as string[]) {
        for (const m of json.matchAll(/"uid":"([a-z]+)"/g)) if (!m[1].startsWith("platform")) assert.ok(uids.has(m[1]), `${b.name}: ${m[1]}`);
      }
    }
    assert.ok(chartOf(p, "grafana").dependsOn.some((d) => boards.some((b) => b.urn === d)));
  });

  test(`stack ${name}: Grafana is reached through the platform SSO with no second sign-in; roles come from the verified token`, async () => {
    const p = await cachedPlan(name);
    const vs = cr(p, "VirtualService").find((v) => v.metadata.namespace === "grafana");
    const host = vs.spec.hosts[0];
    assert.match(host, /^grafana\./);
    const steps = new SsoModel(p, gatewayRef).walk(`https://${host}/d/platform-cluster`);
    const last = steps.at(-1)!;
    assert.deepEqual([last.status, last.by], [200, grafanaService.host], steps.map((s) => `${s.status} ${s.by} ${s.url}`).join("\n"));
    assert.equal(steps.filter((s) => s.by === "dex").length, 1, "one sign-in, at the platform's SSO");
    const ini = values(p, "grafana")["grafana.ini"];
    assert.equal(ini["auth.proxy"].enabled, true);
    assert.equal(ini["auth.proxy"].header_name, userHeader);
    assert.equal(ini["auth.proxy"].headers, `Role:${roleHeader}`);
    assert.equal(ini.auth.disable_login_form, true);
    assert.equal(ini.server.root_url, `https://${host}`);
    // Every route to Grafana sets the role header (overwriting a client's), the last one for everybody else.
    const grafanaRoutes = vs.spec.http.filter((r: any) => r.route?.[0]?.destination?.host === grafanaService.host);
    assert.ok(grafanaRoutes.length >= 1);
    for (const r of grafanaRoutes) assert.ok(r.headers.request.set[roleHeader]);
    assert.equal(grafanaRoutes.at(-1).match, undefined);
    const allow = cr(p, "AuthorizationPolicy").find((a) => a.metadata.namespace === "grafana");
    assert.deepEqual(allow.spec.rules[0].from[0].source.principals, ["cluster.local/ns/istio-ingress/sa/istio-ingressgateway"], "only the gateway can send the identity header");
  });

  test(`stack ${name}: review findings against the pinned charts`, async () => {
    const p = await cachedPlan(name);
    const grafana = values(p, "grafana");
    // The chart generates the admin password with randAlphaNum + lookup: a new one on every Pulumi render.
    assert.equal(grafana.admin.existingSecret, "grafana-admin");
    assert.ok(ofType(p, "kubernetes:core/v1:Secret").some((r) => (r.inputs as any).metadata.name === "grafana-admin" && (r.inputs as any).stringData === "[secret]"));
    // Grafana's database on a volume (the chart's default is an emptyDir): Recreate, one replica (ReadWriteOnce).
    // The claim is the program's (the chart renders none with existingClaim), so its lifecycle is in the plan.
    assert.deepEqual(grafana.persistence, { enabled: true, type: "pvc", existingClaim: "grafana-data" });
    assert.deepEqual([grafana.replicas, grafana.deploymentStrategy], [1, { type: "Recreate" }]);
    const claim = ofType(p, "kubernetes:core/v1:PersistentVolumeClaim").find((r) => (r.inputs as any).metadata.name === "grafana-data")!;
    assert.deepEqual((claim.inputs as any).spec.resources.requests, { storage: "1Gi" });
    assert.deepEqual((claim.inputs as any).spec.accessModes, ["ReadWriteOnce"]);
    assert.equal((claim.inputs as any).spec.storageClassName, values(p, "tempo").persistence.storageClassName, "the stack's StorageClass, like the backends' volumes");
    // Prod keeps UI-made alerts, users and tokens: the claim is protected and outlives the stack; elsewhere it goes with it.
    const keep = name === "prod";
    assert.deepEqual([claim.options.protect, claim.options.retainOnDelete], [keep, keep], `${name}: Grafana's volume lifecycle`);
    const chart = p.resources.find((r) => r.type === "kubernetes:helm.sh/v4:Chart" && (r.inputs as any).chart === "grafana")!;
    assert.ok(chart.dependsOn.includes(claim.urn), "the chart waits for its claim");
    // The chart's default (rbac.namespaced: false) is a ClusterRole reading every Secret and ConfigMap in the cluster.
    assert.equal(grafana.rbac.namespaced, true, "a Role in Grafana's namespace, not a ClusterRole");
    assert.equal(grafana.rbac.extraClusterRoleRules, undefined, "any extraClusterRoleRules would bring the ClusterRole back");
    assert.equal(grafana.sidecar.dashboards.resource, "configmap", "the sidecar reads ConfigMaps only");
    assert.equal(grafana.sidecar.dashboards.searchNamespace, undefined, "its own namespace");
    const loki = values(p, "loki");
    assert.equal(loki.loki.auth_enabled, false);
    assert.deepEqual([loki.lokiCanary.enabled, loki.test.enabled], [false, false], "canary and Helm test (a hook Chart v4 skips) off");
    assert.equal(loki.loki.schemaConfig.configs[0].schema, "v13");
    assert.equal(loki.loki.schemaConfig.configs[0].store, "tsdb");
    assert.equal(loki.loki.compactor.retention_enabled, true);
    assert.ok(!loki.chunksCache.enabled || loki.chunksCache.allocatedMemory <= 2048, "never the chart's 8 GB chunks cache");
    if (name === "prod") {
      assert.equal(loki.deploymentMode, "Distributed");
      assert.equal(loki.ingester.zoneAwareReplication.enabled, false, "zone-aware Loki ingesters would need the rollout-operator");
      // The chart renders `claims` first and ignores size/storageClass while its default list names "data".
      for (const c of ["ingester", "compactor"]) {
        const persistence = loki[c].persistence;
        assert.deepEqual([persistence.size, persistence.storageClass], [undefined, undefined], `${c}: size/storageClass would be ignored`);
        assert.equal(persistence.claims.length, 1);
        assert.deepEqual([persistence.claims[0].name, persistence.claims[0].storageClass], ["data", values(p, "tempo").persistence.storageClassName]);
      }
      assert.equal(loki.compactor.persistence.claims[0].size, "10Gi");
    } else {
      assert.equal(loki.deploymentMode, "Monolithic");
      assert.ok(loki.singleBinary.replicas >= 1, "the chart's default is 0");
    }
    const mimir = values(p, "mimir");
    const sc = mimir.mimir.structuredConfig;
    assert.deepEqual([mimir.minio.enabled, mimir.kafka.enabled, sc.ingest_storage.enabled, sc.ingester.push_grpc_method_enabled], [false, false, false, true], "classic architecture, no bundled MinIO or Kafka");
    assert.equal(sc.blocks_storage.backend, sc.common.storage.backend, "the chart's base config pins blocks_storage.backend: s3");
    assert.equal(new Set([sc.blocks_storage.storage_prefix, sc.ruler_storage.storage_prefix, sc.alertmanager_storage.storage_prefix]).size, 3, "Mimir refuses overlapping stores");
    assert.ok(sc.limits.max_global_exemplars_per_user > 0, "exemplars on: metrics -> traces");
    assert.equal(mimir.ingester.zoneAwareReplication.enabled, name === "prod");
    // Prod: index and metadata caches (the chart ships them off), sized from sizing.ts; the memory request follows the cache size.
    const workloads = observabilityWorkloads(name === "prod" ? "prod" : "dev", 3, 3);
    for (const [c, w] of [["index-cache", "mimir-index-cache"], ["metadata-cache", "mimir-metadata-cache"]]) {
      if (name !== "prod") {
        assert.equal(mimir[c], undefined, `${c}: off on small tiers (the chart's default)`);
        continue;
      }
      assert.equal(mimir[c].enabled, true, c);
      assert.equal(mimir[c].resources.requests.memory, `${memcachedMemoryMi(mimir[c].allocatedMemory)}Mi`, c);
      assert.equal(mimir[c].resources.requests.memory, `${workloads[w].memoryMi}Mi`, `${c}: the sizing table counts it`);
      assert.equal(mimir[c].podAnnotations["prometheus.io/port"], "9150", `${c}: its exporter`);
    }
    if (name === "prod") assert.equal(mimir.memcachedExporter.resources.requests.cpu, `${workloads["mimir-cache-exporter"].cpu}m`);
    // Scrape annotations on the components that serve /metrics, not global (the nginx gateway serves none: a target always down).
    assert.equal(mimir.global?.podAnnotations, undefined);
    for (const c of ["distributor", "ingester", "querier", "query_frontend", "query_scheduler", "store_gateway", "compactor"]) assert.equal(mimir[c].podAnnotations["prometheus.io/scrape"], "true", c);
    assert.equal(mimir.gateway.podAnnotations, undefined);
    if (name === "prod") {
      // The chart generates anti-affinity between zones only with a topologyKey (6.0.4 values.yaml: "If unset, no anti-affinity rules").
      for (const c of ["ingester", "store_gateway"]) assert.equal(mimir[c].zoneAwareReplication.topologyKey, "kubernetes.io/hostname", c);
    }
    if (name === "prod") assert.deepEqual(mimir.rollout_operator.webhooks, { enabled: false }, "8443 is unreachable from a private GKE control plane; its eviction webhook fails closed");
    else assert.equal(mimir.rollout_operator.enabled, false);
    const alloy = values(p, "alloy");
    assert.ok(!JSON.stringify(alloy.rbac).includes("secrets"), "not the chart's default cluster-wide Secret access");
    assert.equal(alloy.controller.type, "daemonset");
    assert.equal(alloy.alloy.mounts.varlog, true);
    // app/job from app.kubernetes.io/name, else app: two rules each (one rule over both labels joins their values, "grafanagrafana").
    const rules = [...alloy.alloy.configMap.content.matchAll(/rule \{([^}]*)\}/g)].map((m: RegExpMatchArray) => m[1]);
    assert.ok(rules.length > 10);
    for (const target of ["app", "job"]) {
      const mine = rules.filter((r: string) => r.includes(`target_label  = "${target}"`));
      assert.deepEqual(
        mine.map((r: string) => [r.match(/source_labels = (\[.*\])/)![1], r.match(/regex += (".*")/)?.[1]]),
        [['["__meta_kubernetes_pod_label_app"]', '"(.+)"'], ['["__meta_kubernetes_pod_label_app_kubernetes_io_name"]', '"(.+)"']],
        target,
      );
    }
    for (const r of rules) if (/source_labels = \[[^\]]*,/.test(r)) assert.doesNotMatch(r, /separator += ""/, "labels joined with no separator");
    // Log positions survive restarts: storagePath is on a hostPath volume (the chart's default /tmp/alloy is the container's layer).
    const data = alloy.controller.volumes.extra.find((v: any) => v.hostPath);
    const mount = alloy.alloy.mounts.extra.find((m: any) => m.name === data.name);
    assert.equal(data.hostPath.type, "DirectoryOrCreate");
    assert.ok(alloy.alloy.storagePath.startsWith(`${mount.mountPath}/`), `${alloy.alloy.storagePath} is under the ${mount.mountPath} mount`);
    // Every workload has requests.
    for (const r of ["loki", "tempo", "mimir", "alloy", "grafana", "kube-state-metrics"]) assert.match(JSON.stringify(values(p, r)), /"requests":\{"cpu":"\d+m","memory":"\d+Mi"\}/, r);
    // Default deny outside the mesh.
    const policies = ofType(p, "kubernetes:networking.k8s.io/v1:NetworkPolicy").map((r) => r.inputs as any);
    const deny = policies.find((x) => x.metadata.name === "default-deny-ingress");
    assert.deepEqual([deny.metadata.namespace, deny.spec.podSelector, deny.spec.ingress], ["monitoring", {}, undefined]);
    // Grafana's namespace reaches the query endpoints only: each policy selects one component's pods, on one port.
    const fromGrafana = policies.filter((x) => x.metadata.namespace === "monitoring" && JSON.stringify(x.spec.ingress ?? []).includes('"grafana"'));
    assert.deepEqual(
      fromGrafana.map((x) => [x.spec.podSelector.matchLabels, x.spec.ingress.map((i: any) => i.ports.map((q: any) => q.port))]).sort((a: any, b: any) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      [
        [{ "app.kubernetes.io/name": "loki", "app.kubernetes.io/instance": "loki", "app.kubernetes.io/component": "gateway" }, [[8080]]],
        [{ "app.kubernetes.io/name": "mimir", "app.kubernetes.io/instance": "mimir", "app.kubernetes.io/component": "gateway" }, [[8080]]],
        [{ "app.kubernetes.io/name": "tempo", "app.kubernetes.io/instance": "tempo" }, [[3200]]],
      ],
    );
    const otlp = policies.find((x) => x.metadata.name === "allow-otlp-to-alloy");
    assert.deepEqual(otlp.spec.ingress[0].ports.map((x: any) => x.port), [4317, 4318]);
  });
}

/** Kubernetes' rule: does one toleration tolerate a taint? */
const tolerates = (t: { key?: string; operator?: string; value?: string; effect?: string }, taint: { key: string; value: string; effect: string }) =>
  (!t.effect || t.effect === taint.effect) &&
  (t.operator === "Exists" ? !t.key || t.key === taint.key : t.key === taint.key && (t.value ?? "") === taint.value);
/** GKE and EKS spell taint effects NO_SCHEDULE etc. */
const k8sEffect: Record<string, string> = { NO_SCHEDULE: "NoSchedule", PREFER_NO_SCHEDULE: "PreferNoSchedule", NO_EXECUTE: "NoExecute" };

test("Alloy tolerates every taint configured on any node pool of any stack (GPU nodes run the training pods)", async () => {
  let seen = 0;
  for (const name of committedStacks()) {
    const p = await cachedPlan(name);
    const pools = [...ofType(p, "gcp:container/nodePool:NodePool").map((r) => (r.inputs as any).nodeConfig?.taints), ...ofType(p, "aws:eks/nodeGroup:NodeGroup").map((r) => (r.inputs as any).taints)];
    const taints = pools.flat().filter(Boolean).map((t: any) => ({ key: t.key, value: t.value ?? "", effect: k8sEffect[t.effect] ?? t.effect }));
    const tolerations = values(p, "alloy").controller.tolerations ?? [];
    for (const taint of taints) assert.ok(tolerations.some((t: any) => tolerates(t, taint)), `${name}: Alloy does not tolerate ${taint.key}=${taint.value}:${taint.effect}`);
    seen += taints.length;
  }
  assert.ok(seen > 0, "some committed stack has a tainted pool (else this test checks nothing)");
});

test("Kubeflow's isolated namespaces admit Alloy's scrapes, only from Alloy and only on metrics ports, once the platform Directory made them", async () => {
  for (const name of committedStacks()) {
    const p = await cachedPlan(name);
    const dir = ofType(p, "kubernetes:kustomize/v2:Directory").find((r) => r.name === "kubeflow-platform");
    assert.ok(dir, `${name}: Kubeflow is on in every committed stack`);
    const policies = ofType(p, "kubernetes:networking.k8s.io/v1:NetworkPolicy");
    const alloy = [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "alloy" } } }];
    const inNs = (ns: string) => policies.filter((r) => (r.inputs as any).metadata.namespace === ns && JSON.stringify((r.inputs as any).spec.ingress ?? []).includes("monitoring"));
    for (const ns of ["kubeflow", "kubeflow-system"]) {
      const mine = inNs(ns);
      const byPodSelector = Object.fromEntries(mine.map((r) => [JSON.stringify((r.inputs as any).spec.podSelector), (r.inputs as any).spec.ingress]));
      // Every meshed pod: Istio's merged metrics (prometheus.io annotations rewritten to 15020).
      assert.deepEqual(byPodSelector["{}"], [{ from: alloy, ports: [{ protocol: "TCP", port: 15020 }] }], `${name} ${ns}`);
      for (const r of mine) assert.ok(r.dependsOn.includes(dir.urn), `${name}: ${r.name} waits for the namespaces`);
      if (ns === "kubeflow") {
        // katib-controller is outside the mesh and annotated prometheus.io/port 8080 (kubeflow/manifests 26.03).
        assert.deepEqual(byPodSelector[JSON.stringify({ matchLabels: { "katib.kubeflow.org/component": "controller" } })], [{ from: alloy, ports: [{ protocol: "TCP", port: 8080 }] }]);
        assert.equal(mine.length, 2);
      } else assert.equal(mine.length, 1);
    }
  }
  // Kubeflow off: no policies in its namespaces.
  const { runUnderMocks } = await import("../tools/mock-runtime");
  const { readStackFile, projectName } = await import("../tools/stack-file");
  const { platform } = await import("../infra/program");
  const file = readStackFile("local");
  file.config["platform:kubeflow"] = JSON.stringify({ enabled: false });
  const off = await runUnderMocks({ project: projectName, stack: file.stack, config: file.config, secretKeys: file.secretKeys, program: platform });
  assert.deepEqual(off.plan.resources.filter((r) => /^kubeflow/.test((r.inputs as any).metadata?.namespace ?? "") && r.type.includes("NetworkPolicy")), []);
  assert.ok(off.plan.resources.some((r) => r.type === "kubernetes:helm.sh/v4:Chart" && (r.inputs as any).name === "alloy"));
});

test("destroy path: telemetry buckets are force-destroyed outside prod (never empty), other buckets keep the tier's rule, prod keeps everything", async () => {
  const buckets = (p: Plan) =>
    Object.fromEntries(p.resources.filter((r) => r.type === "gcp:storage/bucket:Bucket" || r.type === "aws:s3/bucket:Bucket").map((r) => [r.name, [(r.inputs as any).forceDestroy, r.options.protect]]));
  for (const name of ["gke-dev", "eks-dev"]) {
    const b = buckets(await cachedPlan(name));
    for (const x of backends) assert.deepEqual(b[x], [true, false], `${name} ${x}`);
    assert.deepEqual(b["mlflow-artifacts"], [false, false], `${name}: MLflow's artifacts keep the dev tier's rule (not force-destroyed)`);
    assert.deepEqual(b["kubeflow-pipelines"], [false, false], name);
  }
  const prod = buckets(await cachedPlan("prod"));
  for (const [x, v] of Object.entries(prod)) assert.deepEqual(v, [false, true], `prod ${x}: protected, never force-destroyed`);
  assert.ok(backends.every((x) => x in prod));
});

test("retention follows the tier: dev keeps less than prod, and Tempo's is in hours (a Go duration)", async () => {
  const dev = await cachedPlan("gke-dev");
  const prod = await cachedPlan("prod");
  const r = (p: Plan) => ({
    logs: values(p, "loki").loki.limits_config.retention_period,
    traces: values(p, "tempo").tempo.retention,
    metrics: values(p, "mimir").mimir.structuredConfig.limits.compactor_blocks_retention_period,
  });
  assert.deepEqual(r(dev), { logs: "7d", traces: "72h", metrics: "15d" });
  assert.deepEqual(r(prod), { logs: "30d", traces: "336h", metrics: "90d" });
});

test("ingestion limits follow the tier into Mimir's limits and Loki's limits_config", async () => {
  const lim = (p: Plan) => {
    const m = values(p, "mimir").mimir.structuredConfig.limits;
    const l = values(p, "loki").loki.limits_config;
    return [m.max_global_series_per_user, m.ingestion_rate, m.ingestion_burst_size, l.ingestion_rate_mb, l.ingestion_burst_size_mb];
  };
  assert.deepEqual(lim(await cachedPlan("local")), [150000, 10000, 200000, 4, 6]);
  assert.deepEqual(lim(await cachedPlan("gke-dev")), [150000, 10000, 200000, 8, 16]);
  assert.deepEqual(lim(await cachedPlan("prod")), [500000, 50000, 500000, 20, 40]);
});

const base = {
  "platform:tier": "local",
  "platform:cloud": JSON.stringify({ kind: "existing" }),
  "platform:dns": JSON.stringify({ domain: "127.0.0.1.sslip.io" }),
  "platform:identity": JSON.stringify({ staticUsers: [{ email: "a@example.com", username: "a", password: "p" }] }),
};
const problemsOf = (obs: unknown, tier = "local") => {
  try {
    validateConfig("t", { ...base, "platform:tier": tier, "platform:observability": JSON.stringify(obs) }, ["platform:identity"]);
    return [];
  } catch (e) {
    return (e as { problems: { key: string; message: string }[] }).problems.map((x) => `${x.key}: ${x.message}`);
  }
};

test("platform:observability: bad input is named by its key path", () => {
  assert.deepEqual(problemsOf({ retention: { logs: "a week" }, tracingSamplingPercent: 150, grafana: { defaultRole: "Owner" }, sizez: {} }).sort(), [
    'platform:observability.grafana.defaultRole: Invalid option: expected one of "Viewer"|"Editor"|"Admin" (found "Owner")',
    'platform:observability.retention.logs: expected whole days or hours such as 7d or 72h (found "a week")',
    "platform:observability.sizez: unknown key; did you mean sizes?",
    "platform:observability.tracingSamplingPercent: Too big: expected number to be <=100 (found 150)",
  ]);
  assert.deepEqual(problemsOf({ retention: { logs: "12h" } }), ["platform:observability.retention.logs: Loki deletes logs in whole days (its index period is 24h); use at least 24h or 1d (found 12h)"]);
  assert.deepEqual(problemsOf({ limits: { metrics: { maxSeries: 0, ingestionRate: 1.5, burst: 1 }, logs: { ingestionRateMb: "8" } } }).sort(), [
    'platform:observability.limits.logs.ingestionRateMb: expected a number; remove the quotes: "8" is text in YAML',
    "platform:observability.limits.metrics.burst: unknown key; remove it or check its spelling",
    "platform:observability.limits.metrics.ingestionRate: expected int, received number",
    "platform:observability.limits.metrics.maxSeries: Too small: expected number to be >=1 (found 0)",
  ]);
  assert.deepEqual(problemsOf({ sizes: { lokiIngesters: 3 } }), ["platform:observability.sizes.lokiIngesters: tier local runs Loki as one binary (Monolithic); lokiIngesters applies to prod's Distributed mode only; remove it"]);
});

test("platform:observability: tier defaults, and overrides", () => {
  const c = validateConfig("t", base, ["platform:identity"]);
  assert.deepEqual(c.observability.retention, { logs: "2d", traces: "1d", metrics: "3d" });
  assert.equal(c.observability.tracingSamplingPercent, 100);
  assert.equal(c.observability.grafana.defaultRole, "Admin");
  const o = validateConfig("t", { ...base, "platform:observability": JSON.stringify({ retention: { traces: "2d" }, tracingSamplingPercent: 5 }) }, ["platform:identity"]);
  assert.deepEqual(o.observability.retention, { logs: "2d", traces: "2d", metrics: "3d" });
  assert.equal(o.observability.tracingSamplingPercent, 5);
  assert.deepEqual(c.observability.limits, { metrics: { maxSeries: 150000, ingestionRate: 10000, ingestionBurstSize: 200000 }, logs: { ingestionRateMb: 4, ingestionBurstSizeMb: 6 } });
  const l = resolveObservability("prod", { limits: { metrics: { maxSeries: 1000000 }, logs: { ingestionBurstSizeMb: 60.5 } } }, []);
  assert.deepEqual(l.limits, { metrics: { maxSeries: 1000000, ingestionRate: 50000, ingestionBurstSize: 500000 }, logs: { ingestionRateMb: 20, ingestionBurstSizeMb: 60.5 } });
});

test("observability off: no releases, no tracing provider, no Grafana host", async () => {
  const { planVariant } = await import("./helpers");
  const { planStack } = await import("../tools/plan-stack");
  void planVariant;
  const p = await cachedPlan("local");
  assert.ok(chartOf(p, "loki"));
  const off = await (async () => {
    const { runUnderMocks } = await import("../tools/mock-runtime");
    const { readStackFile, projectName } = await import("../tools/stack-file");
    const { platform } = await import("../infra/program");
    const file = readStackFile("local");
    file.config["platform:observability"] = JSON.stringify({ enabled: false });
    return runUnderMocks({ project: projectName, stack: file.stack, config: file.config, secretKeys: file.secretKeys, program: platform });
  })();
  void planStack;
  assert.equal(off.plan.resources.filter((r) => r.urn.includes("mlops:observability")).length, 0);
  const istiod = off.plan.resources.find((r) => (r.inputs as any).name === "istiod")!.inputs as any;
  assert.ok(!istiod.values.meshConfig.extensionProviders.some((x: any) => x.name === tracingProviderName));
  assert.equal((off.outputs as any).uiUrls.grafana, undefined);
});

test("resource requests per tier: totals from the sizing table (the README's table)", () => {
  const t = (tier: "local" | "dev" | "ephemeral" | "prod", ingesters: number) => totals(observabilityWorkloads(tier, ingesters, 3));
  assert.deepEqual(t("local", 1), { cpu: 630, memoryMi: 1984, perNode: { cpu: 50, memoryMi: 128 } });
  assert.deepEqual(t("ephemeral", 1), { cpu: 630, memoryMi: 1984, perNode: { cpu: 50, memoryMi: 128 } });
  assert.deepEqual(t("dev", 1), { cpu: 1180, memoryMi: 3520, perNode: { cpu: 100, memoryMi: 256 } });
  assert.deepEqual(t("prod", 3), { cpu: 9740, memoryMi: 38500, perNode: { cpu: 200, memoryMi: 512 } });
});

test("check-values: verbatim config paths and subcharts", () => {
  const dir = mkdtempSync(join(tmpdir(), "charts-"));
  const put = (chart: string, version: string, yaml: string) => {
    mkdirSync(join(dir, chart, version), { recursive: true });
    writeFileSync(join(dir, chart, version, "values.yaml"), yaml);
  };
  put("grafana", "1.0.0", 'grafana.ini:\n  server:\n    domain: ""\nreplicas: 1\n');
  put("mimir-distributed", "1.0.0", "rollout_operator:\n  enabled: true\nreplicas: 1\n");
  put("rollout-operator", "0.37.1", "webhooks:\n  enabled: true\n");
  // Grafana's own config sections are not the chart's keys; a chart typo next to them still is.
  assert.deepEqual(checkChartValues({ "grafana.ini": { "auth.proxy": { enabled: true } }, replicaz: 1 }, dir, "grafana", "1.0.0").map((x) => x.path), ["replicaz"]);
  // Subchart keys are checked against the subchart's defaults, under the alias.
  assert.deepEqual(checkChartValues({ rollout_operator: { enabled: true, webhooks: { enabled: false }, webhookz: {} } }, dir, "mimir-distributed", "1.0.0").map((x) => x.path), ["rollout_operator.webhookz"]);
  put("mimir-distributed", "2.0.0", "rollout_operator:\n  enabled: true\n");
  const missing = checkChartValues({ rollout_operator: { webhooks: { enabled: false } } }, join(dir, "none"), "mimir-distributed", "1.0.0");
  assert.match(missing[0].message, /no defaults found for mimir-distributed/);
  assert.equal(missing[0].unchecked, undefined, "a chart without defaults is a failure");
  // A subchart whose defaults are absent is a notice naming the unchecked keys, not a failure; `enabled` alone needs none.
  rmSync(join(dir, "rollout-operator"), { recursive: true });
  const sub = checkChartValues({ rollout_operator: { enabled: true, webhooks: { enabled: false } } }, dir, "mimir-distributed", "1.0.0");
  assert.deepEqual(sub.map((x) => [x.path, x.unchecked]), [["rollout_operator", true]]);
  assert.match(sub[0].message, /rollout-operator@0\.37\.1.*keys webhooks/);
  assert.deepEqual(checkChartValues({ rollout_operator: { enabled: false } }, dir, "mimir-distributed", "1.0.0"), []);
});

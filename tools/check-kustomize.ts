// npm run check:kustomize -- <kubeflow/manifests checkout> [--mirror <url prefix>=<checkout>]... [--overlays <dir>] [--out <dir>] [--json]
//
// Checks the Kubeflow overlays in kustomize/kubeflow/ against a local copy of kubeflow/manifests,
// offline: every remote resource has the pinned form and ref (infra/versions.ts kubeflowManifests)
// and names a kustomization that exists at that ref; in a git checkout (work tree or bare) the tag
// still points at the pinned commit; and each overlay renders with kustomize against the checkout,
// so a JSON patch `test` op or a `$patch: delete` whose target moved upstream fails here and not in
// a deploy. Rendered overlays are checked against what the platform relies on (no SeaweedFS, no
// bundled cert-manager/Istio/Dex/oauth2-proxy, no old gateway principal, only Kubeflow namespaces,
// no upstream MySQL credentials: each bundled server and its clients use the program's Secret).
//
// Upstream kustomizations that pull other repositories (Pipelines -> Argo Workflows, Trainer ->
// JobSet) cannot render offline unless `--mirror` maps that repository (or one exact file URL) to
// a local copy; without one the overlay is reported "not renderable offline" as a warning.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative, resolve, sep } from "node:path";
import { isScalar, isSeq, parse, parseDocument } from "yaml";
import { kubeflowManifests } from "../infra/versions";
import { kubeflowOverlays } from "../components/ml/kubeflow/manifests";
import { kubeflowMysql, secretKeys, type MysqlCredentials } from "../components/ml/kubeflow/mysql-secrets";
import { repoRoot } from "./stack-file";

/** Where the overlays live, relative to the project root (components/ml/kubeflow/manifests.ts overlayPath). */
const overlaysRoot = join("kustomize", "kubeflow");

export interface ManifestsPin {
  repo: string;
  ref: string;
  commit: string;
}

// ---------------------------------------------------------------------------------------------
// Pure functions (exported for tests/kubeflow-overlays.test.ts)
// ---------------------------------------------------------------------------------------------

export const kustomizationFileNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"] as const;

/** Kustomization fields whose entries may be remote URLs or other kustomization directories. */
const resourceFields = ["resources", "bases", "components"] as const;

/** Whether kustomize would treat a resource entry as remote (a git repo spec or an HTTP(S) file). */
export function isRemote(entry: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || /^git::/.test(entry) || /^[\w.-]+@[\w.-]+:/.test(entry) || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(entry);
}

/** The resource-like entries of a kustomization (resources, bases, components), in order. */
export function resourceEntries(kustomization: unknown): string[] {
  if (!kustomization || typeof kustomization !== "object") return [];
  const k = kustomization as Record<string, unknown>;
  return resourceFields.flatMap((f) => (Array.isArray(k[f]) ? (k[f] as unknown[]).filter((e): e is string => typeof e === "string") : []));
}

export type ManifestsRef = { ok: true; url: string; path: string; ref: string } | { ok: false; url: string; problem: string };

/**
 * Checks one remote resource against the pin: exactly `<repo>//<path>?ref=<ref>`, nothing else
 * (no `.git`, no other query parameters, no trailing slash, no `..`), with the pinned ref. Kustomize
 * accepts many spellings; one spelling keeps the overlays greppable and this check simple.
 */
export function checkManifestsRef(url: string, pin: Pick<ManifestsPin, "repo" | "ref">): ManifestsRef {
  const expected = `${pin.repo}//<path>?ref=${pin.ref}`;
  const bad = (problem: string): ManifestsRef => ({ ok: false, url, problem: `${url}: ${problem} (expected ${expected})` });
  const repoSpec = normalizeRepoUrl(pin.repo);
  const normalized = normalizeRepoUrl(url);
  if (!normalized.startsWith(repoSpec) || !/^($|[/?]|\.git)/.test(normalized.slice(repoSpec.length))) return bad("not from the pinned repository");
  if (!url.startsWith(`${pin.repo}//`)) return bad(url.startsWith(`${pin.repo}.git`) ? "drop the .git" : url.startsWith(pin.repo) ? "the path must follow a double slash" : "not the pinned URL spelling");
  const rest = url.slice(pin.repo.length + 2);
  const q = rest.indexOf("?");
  if (q < 0) return bad("no ?ref= (an unpinned reference follows the default branch)");
  const path = rest.slice(0, q);
  const params = new URLSearchParams(rest.slice(q + 1));
  const keys = [...params.keys()];
  if (!params.has("ref")) return bad("no ?ref= (an unpinned reference follows the default branch)");
  if (keys.length !== 1) return bad(`only ?ref= is allowed, found ${keys.join(", ")}`);
  const ref = params.get("ref")!;
  if (ref !== pin.ref) return bad(`ref ${ref} is not the pinned ${pin.ref}`);
  if (path === "" || path.startsWith("/") || path.endsWith("/") || path.split("/").some((s) => s === ".." || s === "." || s === "")) return bad(`path "${path}" is not a plain relative path`);
  return { ok: true, url, path, ref };
}

/** `https://github.com/a/b` -> `github.com/a/b`; `git@github.com:a/b` and `git::`/`ssh://` forms alike. */
export function normalizeRepoUrl(url: string): string {
  return url
    .replace(/^git::/, "")
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, "")
    .replace(/^[\w.-]+@([\w.-]+):/, "$1/")
    .replace(/^[\w.-]+@/, "")
    .replace(/\/+$/, "");
}

export interface OverlayRefs {
  /** Remote resources of the pinned repository, with their path inside it. */
  refs: { url: string; path: string }[];
  /** Local entries (files or directories beside the overlay). */
  local: string[];
  problems: string[];
}

/** Parses one overlay's kustomization and checks every remote resource against the pin. */
export function overlayRefs(text: string, pin: Pick<ManifestsPin, "repo" | "ref">): OverlayRefs {
  const out: OverlayRefs = { refs: [], local: [], problems: [] };
  let k: unknown;
  try {
    k = parse(text);
  } catch (e) {
    out.problems.push(`kustomization.yaml does not parse: ${(e as Error).message}`);
    return out;
  }
  const entries = resourceEntries(k);
  if (entries.length === 0) out.problems.push("no resources");
  for (const entry of entries) {
    if (!isRemote(entry)) {
      out.local.push(entry);
      continue;
    }
    const r = checkManifestsRef(entry, pin);
    if (r.ok) out.refs.push({ url: r.url, path: r.path });
    else out.problems.push(r.problem);
  }
  return out;
}

export type PathKind = "kustomization" | "directory" | "file" | "missing";

/** Every ref's path must be a directory holding a kustomization in the checkout. */
export function pathProblems(refs: { url: string; path: string }[], probe: (path: string) => PathKind, ref: string): string[] {
  return refs.flatMap(({ url, path }) => {
    const kind = probe(path);
    if (kind === "kustomization") return [];
    const what = kind === "missing" ? "does not exist" : kind === "file" ? "is a file, not a kustomization directory" : `has no ${kustomizationFileNames.join("/")}`;
    return [`${url}: ${path} ${what} in kubeflow/manifests at ${ref}`];
  });
}

/**
 * Rewrites resource entries (resources, bases, components) of a kustomization: `replace` returns
 * the new entry or undefined to keep it. Everything else (patches, comments) is kept as written.
 */
export function rewriteKustomization(text: string, replace: (entry: string) => string | undefined): string {
  const doc = parseDocument(text);
  let changed = false;
  for (const field of resourceFields) {
    const seq = doc.get(field, true);
    if (!isSeq(seq)) continue;
    seq.items.forEach((item, i) => {
      if (!isScalar(item) || typeof item.value !== "string") return;
      const next = replace(item.value);
      if (next === undefined || next === item.value) return;
      seq.items[i] = doc.createNode(next);
      changed = true;
    });
  }
  return changed ? doc.toString({ lineWidth: 0 }) : text;
}

export interface Mirror {
  /** URL prefix as given, e.g. https://github.com/argoproj/argo-workflows, or one exact file URL. */
  prefix: string;
  /** A local checkout (directory, git work tree or bare repository), or a file for an exact file URL. */
  local: string;
}

/** Parses `--mirror <url prefix>=<local path>`. */
export function parseMirror(arg: string): Mirror {
  const i = arg.lastIndexOf("=");
  if (i <= 0 || i === arg.length - 1) throw new Error(`--mirror ${arg}: expected <url prefix>=<local checkout>`);
  const prefix = arg.slice(0, i).replace(/\/+$/, "");
  if (!isRemote(prefix)) throw new Error(`--mirror ${arg}: ${prefix} is not a remote URL`);
  return { prefix, local: arg.slice(i + 1) };
}

export type MirrorMatch = { mirror: Mirror; kind: "repo"; path: string; ref: string | undefined } | { mirror: Mirror; kind: "file" };

/**
 * Which mirror serves a remote entry: a repository prefix (then the path inside it and the ref,
 * from `?ref=` or `?version=`), or an exact file URL when the mirror's local side is a file.
 * `isFile` tells whether a mirror's local path is a file.
 */
export function matchMirror(url: string, mirrors: Mirror[], isFile: (local: string) => boolean): MirrorMatch | undefined {
  const [base, query = ""] = url.split("?", 2) as [string, string | undefined];
  const n = normalizeRepoUrl(base);
  for (const mirror of mirrors) {
    const p = normalizeRepoUrl(mirror.prefix);
    if (isFile(mirror.local)) {
      if (n === p) return { mirror, kind: "file" };
      continue;
    }
    if (!n.startsWith(p)) continue;
    const rest = n.slice(p.length);
    if (rest !== "" && !rest.startsWith("/") && !rest.startsWith(".git")) continue;
    const path = rest.replace(/^\.git(?=\/|$)/, "").replace(/^\/+/, "");
    if (/(^|\/)releases\/download\//.test(path)) continue; // a release asset, not a file in the repository
    const params = new URLSearchParams(query);
    return { mirror, kind: "repo", path, ref: params.get("ref") ?? params.get("version") ?? undefined };
  }
  return undefined;
}

/** A file system as the walker sees it (tests pass an in-memory one). */
export interface WalkFs {
  /** The text of the kustomization file in `dir`, or undefined if there is none. */
  kustomization(dir: string): string | undefined;
  isDirectory(path: string): boolean;
  /** Called with every other local path a kustomization names (patch files, generator inputs). */
  touch?(path: string): void;
}

/** The local files a kustomization names besides its resources: patch files, generator inputs, configurations. */
export function fileEntries(kustomization: unknown): string[] {
  if (!kustomization || typeof kustomization !== "object") return [];
  const k = kustomization as Record<string, any>;
  const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);
  const out: unknown[] = [
    ...list(k.patches).map((p) => p?.path),
    ...list(k.patchesJson6902).map((p) => p?.path),
    ...list(k.replacements).map((p) => p?.path),
    ...list(k.patchesStrategicMerge),
    ...list(k.configurations),
    ...list(k.crds),
    ...list(k.generators),
    ...list(k.transformers),
    ...list(k.validators),
    k.openapi?.path,
    ...[...list(k.configMapGenerator), ...list(k.secretGenerator)].flatMap((g: any) => [...list(g?.files).map((f) => (typeof f === "string" ? f.slice(f.indexOf("=") + 1) : f)), ...list(g?.envs), g?.env]),
  ];
  // Inline patches and generator configs are YAML text, not paths.
  return out.filter((e): e is string => typeof e === "string" && e !== "" && !e.includes("\n") && !isRemote(e));
}

export interface RemoteEntry {
  url: string;
  /** The directory whose kustomization names it. */
  dir: string;
}

/**
 * Walks the kustomizations reachable from `start` (directories) through resources/bases/components
 * and returns every remote entry met, in order, each once per naming directory. `follow` may map a
 * remote entry to a local directory to keep walking (a mirror); remote entries are reported either way.
 */
export function nestedRemoteRefs(start: string[], fs: WalkFs, follow: (r: RemoteEntry) => string | undefined = () => undefined): RemoteEntry[] {
  const seen = new Set<string>();
  const found: RemoteEntry[] = [];
  const visit = (dir: string) => {
    if (seen.has(dir)) return;
    seen.add(dir);
    const text = fs.kustomization(dir);
    if (text === undefined) return;
    let k: unknown;
    try {
      k = parse(text);
    } catch {
      return; // kustomize reports it when rendering
    }
    for (const f of fileEntries(k)) fs.touch?.(join(dir, f));
    for (const entry of resourceEntries(k)) {
      if (isRemote(entry)) {
        const r = { url: entry, dir };
        found.push(r);
        const next = follow(r);
        if (next !== undefined) visit(next);
        continue;
      }
      const p = join(dir, entry);
      if (fs.isDirectory(p)) visit(p);
    }
  };
  for (const d of start) visit(d);
  return found;
}

/** The object fields the invariants read. */
export interface K8sObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> };
  spec?: { scope?: string; group?: string; names?: { kind?: string }; conversion?: { webhook?: { clientConfig?: { caBundle?: string } } } };
  webhooks?: { clientConfig?: { caBundle?: string } }[];
}

export const kubeflowNamespaces = ["kubeflow", "kubeflow-system"] as const;
/** What the platform's Istio ingress gateway was before: Kubeflow's manifests still name it. */
export const oldGatewayPrincipal = "cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account";

const groupOf = (apiVersion = "") => (apiVersion.includes("/") ? apiVersion.split("/")[0] : "");

/** Built-in cluster-scoped kinds, as `group/Kind` (core group empty). */
export const clusterScopedKinds = new Set([
  "/Namespace",
  "/Node",
  "/PersistentVolume",
  "rbac.authorization.k8s.io/ClusterRole",
  "rbac.authorization.k8s.io/ClusterRoleBinding",
  "apiextensions.k8s.io/CustomResourceDefinition",
  "admissionregistration.k8s.io/MutatingWebhookConfiguration",
  "admissionregistration.k8s.io/ValidatingWebhookConfiguration",
  "admissionregistration.k8s.io/ValidatingAdmissionPolicy",
  "admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding",
  "admissionregistration.k8s.io/MutatingAdmissionPolicy",
  "admissionregistration.k8s.io/MutatingAdmissionPolicyBinding",
  "apiregistration.k8s.io/APIService",
  "scheduling.k8s.io/PriorityClass",
  "storage.k8s.io/StorageClass",
  "storage.k8s.io/CSIDriver",
  "node.k8s.io/RuntimeClass",
  "networking.k8s.io/IngressClass",
  "cert-manager.io/ClusterIssuer",
]);

/** Built-in API groups: a kind of theirs not in clusterScopedKinds is namespaced. */
const builtinGroups = new Set(["", "apps", "batch", "policy", "autoscaling", "networking.k8s.io", "rbac.authorization.k8s.io", "coordination.k8s.io", "discovery.k8s.io", "events.k8s.io", "storage.k8s.io", "admissionregistration.k8s.io", "apiextensions.k8s.io", "scheduling.k8s.io", "node.k8s.io", "certificates.k8s.io"]);

/** `group/Kind` -> scope, from the CustomResourceDefinitions among `objects`. */
export function crdScopes(objects: K8sObject[]): Map<string, string> {
  const scopes = new Map<string, string>();
  for (const o of objects) {
    if (o.kind === "CustomResourceDefinition" && o.spec?.group && o.spec.names?.kind) scopes.set(`${o.spec.group}/${o.spec.names.kind}`, o.spec.scope ?? "Namespaced");
  }
  return scopes;
}

const workloadKinds = new Set(["Deployment", "StatefulSet", "DaemonSet"]);
/** Workloads the platform installs itself (Helm) or never runs: Kubeflow's copies must not render. */
const foreignWorkload = /^(cert-manager|istiod|istio-ingressgateway|istio-egressgateway|cluster-local-gateway|dex|oauth2-proxy)(-|$)/;
const foreignNamespaces = new Set(["cert-manager", "istio-system", "istio-ingress", "auth", "oauth2-proxy"]);

/** Names of what the Pipelines overlay removes (SeaweedFS, metacontroller): nothing of theirs may stay, least of all RBAC. */
const removedComponent = /(^|[-.])(seaweedfs|metacontroller|meta-controller)([-.]|$)/;

/** A webhook configuration or CRD that carries a caBundle while cert-manager's injector owns that field. */
function injectedCaBundle(o: K8sObject): boolean {
  if (o.metadata?.annotations?.["cert-manager.io/inject-ca-from"] === undefined) return false;
  const bundles = [...(o.webhooks ?? []).map((w) => w.clientConfig), o.spec?.conversion?.webhook?.clientConfig];
  return bundles.some((c) => c !== undefined && "caBundle" in c);
}

/**
 * Webhooks the API server calls in pods with an Istio sidecar. The API server has no mesh identity,
 * so under the mesh's default deny such a webhook answers only if the sidecar leaves its port alone
 * (traffic.sidecar.istio.io/excludeInboundPorts) or an ALLOW AuthorizationPolicy selecting the pod
 * admits any caller on that port. A PERMISSIVE PeerAuthentication alone is not enough. Kubeflow's
 * namespaces are meshed, so a pod has a sidecar unless sidecar.istio.io/inject is "false".
 */
export function webhookSidecarProblems(objects: any[]): string[] {
  const problems: string[] = [];
  const matches = (selector: Record<string, string> | undefined, labels: Record<string, string>) => Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
  const refs: { owner: string; ns: string; name: string; port: number }[] = [];
  for (const o of objects) {
    const owner = `${o.kind} ${o.metadata?.name}`;
    for (const w of o.webhooks ?? []) if (w.clientConfig?.service) refs.push({ owner, ns: w.clientConfig.service.namespace, name: w.clientConfig.service.name, port: w.clientConfig.service.port ?? 443 });
    const conv = o.kind === "CustomResourceDefinition" ? o.spec?.conversion?.webhook?.clientConfig?.service : undefined;
    if (conv) refs.push({ owner, ns: conv.namespace, name: conv.name, port: conv.port ?? 443 });
  }
  const seen = new Set<string>();
  for (const ref of refs) {
    const svc = objects.find((o) => o.kind === "Service" && o.metadata?.namespace === ref.ns && o.metadata?.name === ref.name);
    if (!svc) continue; // another overlay's, or the cluster's
    const sp = (svc.spec?.ports ?? []).find((p: any) => (p.port ?? 0) === ref.port);
    const target = sp?.targetPort ?? ref.port;
    for (const w of objects.filter((o) => workloadKinds.has(o.kind) && o.metadata?.namespace === ref.ns && matches(svc.spec?.selector, o.spec?.template?.metadata?.labels ?? {}))) {
      const meta = w.spec.template.metadata ?? {};
      const labels: Record<string, string> = meta.labels ?? {};
      const annotations: Record<string, string> = meta.annotations ?? {};
      const containerPorts = (w.spec.template.spec?.containers ?? []).flatMap((c: any) => c.ports ?? []);
      const port = typeof target === "number" ? target : containerPorts.find((p: any) => p.name === target)?.containerPort;
      const id = `${w.kind} ${ref.ns}/${w.metadata.name} (webhook ${ref.name}:${ref.port} of ${ref.owner})`;
      if (seen.has(id)) continue;
      seen.add(id);
      if (port === undefined) {
        problems.push(`${id}: target port ${String(target)} is not a container port`);
        continue;
      }
      if ((annotations["sidecar.istio.io/inject"] ?? labels["sidecar.istio.io/inject"]) === "false") continue;
      const excluded = (annotations["traffic.sidecar.istio.io/excludeInboundPorts"] ?? "").split(",").map((x) => x.trim());
      if (excluded.includes(String(port))) continue;
      const allowed = objects.some(
        (ap) =>
          ap.kind === "AuthorizationPolicy" &&
          ap.metadata?.namespace === ref.ns &&
          (ap.spec?.action ?? "ALLOW") === "ALLOW" &&
          matches(ap.spec?.selector?.matchLabels, labels) &&
          (ap.spec?.rules ?? []).some((r: any) => !r.from && !r.when && (!r.to || r.to.some((t: any) => !t.operation?.ports || t.operation.ports.includes(String(port))))),
      );
      if (!allowed) {
        problems.push(
          `${id}: the pod has an Istio sidecar and the API server (no mesh identity) calls port ${port}; the mesh's default deny refuses it: ` +
            `annotate the pod template traffic.sidecar.istio.io/excludeInboundPorts: "${port}" (or add an ALLOW AuthorizationPolicy for the port), and admit the port in a NetworkPolicy`,
        );
      }
    }
  }
  return problems;
}

/** Kinds and counts, and the platform's invariants, for one rendered overlay. */
export function renderedInvariants(objects: K8sObject[], texts: string[], scopes: Map<string, string>): { kinds: Record<string, number>; problems: string[]; warnings: string[] } {
  const kinds: Record<string, number> = {};
  const problems: string[] = [];
  const warnings: string[] = [];
  objects.forEach((o, i) => {
    const kind = o.kind ?? "(no kind)";
    kinds[kind] = (kinds[kind] ?? 0) + 1;
    const name = o.metadata?.name ?? "(no name)";
    const ns = o.metadata?.namespace;
    const id = `${kind} ${ns ? `${ns}/` : ""}${name}`;
    if (workloadKinds.has(kind) && /^(seaweedfs|metacontroller)(-|$)/.test(name)) problems.push(`${id}: SeaweedFS and metacontroller must not be installed (the platform's object store replaces them)`);
    else if (removedComponent.test(name) || (kind === "CustomResourceDefinition" && o.spec?.group === "metacontroller.k8s.io")) problems.push(`${id}: left over from SeaweedFS/metacontroller, which are removed: delete it too (unused RBAC and service accounts are privileges nobody needs)`);
    if (workloadKinds.has(kind) && (foreignWorkload.test(name) || (ns !== undefined && foreignNamespaces.has(ns)))) problems.push(`${id}: the platform installs cert-manager, Istio, Dex and oauth2-proxy itself; Kubeflow's copy must not render`);
    if (kind === "Gateway" && name === "kubeflow-gateway") problems.push(`${id}: the program creates kubeflow/kubeflow-gateway (its host depends on the stack); delete the manifests' one`);
    if (injectedCaBundle(o)) problems.push(`${id}: sets a caBundle that cert-manager injects (cert-manager.io/inject-ca-from): remove it, or every refresh diffs and an update fights the injector`);
    if (texts[i]?.includes(oldGatewayPrincipal)) problems.push(`${id}: still names ${oldGatewayPrincipal}; the platform's gateway is another service account (replace it, with a JSON patch test op)`);
    const key = `${groupOf(o.apiVersion)}/${kind}`;
    const scope = clusterScopedKinds.has(key) ? "Cluster" : builtinGroups.has(groupOf(o.apiVersion)) ? "Namespaced" : scopes.get(key);
    if (kind === "Namespace") {
      if (!(kubeflowNamespaces as readonly string[]).includes(name)) problems.push(`${id}: not a Kubeflow namespace (${kubeflowNamespaces.join(", ")})`);
    } else if (scope === "Cluster") {
      if (ns !== undefined) warnings.push(`${id}: cluster-scoped but has namespace ${ns} (kustomize's namespace transformer does not know the CRD's scope): the API server drops it, Pulumi keeps it in the resource's name and inputs; remove it with a JSON patch`);
    } else if (ns === undefined) {
      problems.push(`${id}: no namespace${scope === undefined ? ` (and ${key} is not a known cluster-scoped kind)` : ""}: it would land in the provider's default namespace`);
    } else if (!(kubeflowNamespaces as readonly string[]).includes(ns)) {
      problems.push(`${id}: namespace ${ns} is not a Kubeflow namespace (${kubeflowNamespaces.join(", ")})`);
    }
  });
  return { kinds: Object.fromEntries(Object.entries(kinds).sort(([a], [b]) => a.localeCompare(b))), problems, warnings };
}

/** The parts of a container the MySQL invariants read. */
interface Container {
  name?: string;
  image?: string;
  env?: { name?: string; value?: unknown; valueFrom?: { secretKeyRef?: { name?: string; key?: string } } }[];
  envFrom?: { secretRef?: { name?: string } }[];
}
const podContainers = (o: K8sObject): Container[] => {
  const pod = (o as { spec?: { template?: { spec?: { containers?: Container[]; initContainers?: Container[] } } } }).spec?.template?.spec;
  return [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])];
};
const isMysqlServer = (c: Container) => /^(docker\.io\/)?(library\/)?mysql[:@]/.test(c.image ?? "") || (c.image ?? "") === "mysql";

/**
 * The bundled MySQL servers (components/ml/kubeflow/mysql-secrets.ts): their Secrets are the
 * program's, so none renders (it would carry upstream's fixed password and be owned by the
 * Directory); no container may allow an empty root password; every MySQL server is a known one and
 * takes its root password from its Secret; every known client reads that Secret; and a reference
 * to one of these Secrets names only keys the program writes (a missing key stops the pod).
 * `overlay` names the overlay rendered: the server and clients are required in their own overlay.
 */
export function mysqlProblems(objects: K8sObject[], overlay: string, servers: readonly MysqlCredentials[] = Object.values(kubeflowMysql)): string[] {
  const problems: string[] = [];
  const bySecret = new Map(servers.map((m) => [m.secret, m]));
  const knownServers = new Set(servers.map((m) => m.server));
  const workloads = objects.filter((o) => workloadKinds.has(o.kind ?? "") || o.kind === "Job");
  for (const o of objects) {
    if (o.kind === "Secret" && bySecret.has(o.metadata?.name ?? "")) problems.push(`Secret ${o.metadata?.namespace ?? ""}/${o.metadata?.name}: the program creates it with a generated password (components/ml/kubeflow/mysql.ts); delete upstream's ($patch: delete)`);
  }
  for (const w of workloads) {
    const id = `${w.kind} ${w.metadata?.name}`;
    for (const c of podContainers(w)) {
      for (const e of c.env ?? []) {
        if (e.name === "MYSQL_ALLOW_EMPTY_PASSWORD") problems.push(`${id}, container ${c.name}: sets MYSQL_ALLOW_EMPTY_PASSWORD; the root password must come from the program's Secret`);
        const ref = e.valueFrom?.secretKeyRef;
        const m = ref?.name ? bySecret.get(ref.name) : undefined;
        if (m && !secretKeys(m).includes(ref!.key ?? "")) problems.push(`${id}, container ${c.name}: env ${e.name} reads key ${ref!.key} of ${m.secret}, which holds only ${secretKeys(m).join(", ")}`);
      }
      if (isMysqlServer(c) && !knownServers.has(w.metadata?.name ?? "")) problems.push(`${id}, container ${c.name}: a MySQL server (${c.image}) the platform does not know: give it a generated root password (components/ml/kubeflow/mysql-secrets.ts)`);
    }
  }
  const reads = (w: K8sObject | undefined, secret: string, key: string, env?: string) =>
    podContainers(w ?? {}).some((c) => (c.env ?? []).some((e) => (env === undefined || e.name === env) && e.valueFrom?.secretKeyRef?.name === secret && e.valueFrom.secretKeyRef.key === key));
  for (const m of servers.filter((s) => s.overlay === overlay)) {
    const deployment = (name: string) => workloads.find((w) => w.kind === "Deployment" && w.metadata?.name === name);
    const server = deployment(m.server);
    if (!server) problems.push(`Deployment ${m.server}: the MySQL server of ${overlay} is not rendered (renamed upstream?); its Secret ${m.secret} would have no server`);
    else if (!reads(server, m.secret, m.passwordKey, "MYSQL_ROOT_PASSWORD")) problems.push(`Deployment ${m.server}: MYSQL_ROOT_PASSWORD does not come from ${m.secret} key ${m.passwordKey}`);
    for (const client of m.clients) {
      const w = deployment(client);
      if (!w) problems.push(`Deployment ${client}: a client of ${m.secret} is not rendered (renamed upstream?)`);
      else for (const key of secretKeys(m)) if (!reads(w, m.secret, key)) problems.push(`Deployment ${client}: does not read ${m.secret} key ${key}; it would log in with other credentials than the program's`);
    }
  }
  return problems;
}

/**
 * Splits kustomize's output into documents and parses each. A CRD's `spec.versions` (its schemas:
 * megabytes for KServe) is cut before parsing, since the invariants read only names, namespaces and
 * a CRD's group, kind and scope; a document the cut would break is parsed whole.
 */
export function parseRendered(yaml: string): { objects: K8sObject[]; texts: string[] } {
  const texts = yaml.split(/^---\r?\n/m).filter((t) => t.trim() !== "");
  const objects = texts.map((t) => {
    if (/^kind: CustomResourceDefinition\s*$/m.test(t)) {
      const cut = t.replace(/^ {2}versions:.*\n(?:(?: {3,}| {2}- ).*\n?|\s*\n)*/m, "");
      try {
        const o = parse(cut) as K8sObject;
        if (o?.spec?.names?.kind) return o;
      } catch {
        // fall through: parse it whole
      }
    }
    return parse(t) as K8sObject;
  });
  return { objects, texts };
}

/** A JSON6902 or strategic merge patch's `target` selector (kustomize reads every field as an anchored regex). */
export interface PatchTarget {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

/**
 * Patches with a `target` that no rendered object matches. Kustomize applies a targeted patch to
 * whatever matches, silently nothing when upstream renamed or removed the object; the patch then
 * does nothing. Skipped: label/annotation selectors and deleting patches (their target is gone by design).
 */
export function unmatchedPatchTargets(kustomizationText: string, objects: K8sObject[]): string[] {
  let k: Record<string, unknown>;
  try {
    k = parse(kustomizationText) as Record<string, unknown>;
  } catch {
    return [];
  }
  const patches = [...(Array.isArray(k?.patches) ? k.patches : []), ...(Array.isArray(k?.patchesJson6902) ? k.patchesJson6902 : [])] as { target?: PatchTarget; patch?: unknown }[];
  const re = (v: string | undefined) => (v === undefined ? undefined : new RegExp(`^(?:${v})$`));
  const problems: string[] = [];
  for (const p of patches) {
    const t = p?.target;
    if (!t || typeof t !== "object" || t.labelSelector || t.annotationSelector) continue;
    if (typeof p.patch === "string" && /\$patch:\s*delete/.test(p.patch)) continue;
    const [g, v, kind, name, ns] = [re(t.group), re(t.version), re(t.kind), re(t.name), re(t.namespace)];
    const hit = objects.some((o) => {
      const api = o.apiVersion ?? "";
      const [group, version] = api.includes("/") ? api.split("/") : ["", api];
      return (!g || g.test(group)) && (!v || v.test(version)) && (!kind || kind.test(o.kind ?? "")) && (!name || name.test(o.metadata?.name ?? "")) && (!ns || ns.test(o.metadata?.namespace ?? ""));
    });
    if (!hit) problems.push(`patch target ${JSON.stringify(t)} matches no rendered object: the patch does nothing (renamed or removed upstream?)`);
  }
  return problems;
}

/** Makes a kustomize error readable: temp paths become `<manifests>/...` and `kustomize/kubeflow/<name>`. */
export function condenseKustomizeError(stderr: string, paths: [from: string, to: string][]): string {
  let s = stderr.split("\n").filter((l) => !l.startsWith("# Warning:")).join("\n").replace(/^E\d{4} [\d:.]+\s+\d+ [\w.]+:\d+\] "command failed" err="/m, "").replace(/"\s*$/, "").replace(/^Error: /m, "");
  for (const [from, to] of paths) s = s.split(from).join(to);
  return s.replace(/\\"/g, '"').replace(/\s+/g, " ").trim();
}

// ---------------------------------------------------------------------------------------------
// I/O: checkouts, mirrors, rendering
// ---------------------------------------------------------------------------------------------

function git(dir: string, args: string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync("git", ["-C", dir, ...args], { encoding: "utf8" });
  return { ok: r.status === 0, out: (r.stdout ?? "").trim(), err: (r.stderr ?? "").trim() };
}

type CheckoutKind = "bare" | "worktree" | "directory";

/** Whether `dir` itself is a git repository (not merely a folder inside one). */
function checkoutKind(dir: string): CheckoutKind {
  const r = git(dir, ["rev-parse", "--is-bare-repository", "--absolute-git-dir"]);
  if (!r.ok) return "directory";
  const [bare, gitDir] = r.out.split("\n");
  const real = realpathSync(dir);
  if (bare === "true") return realpathSync(gitDir) === real ? "bare" : "directory";
  const top = git(dir, ["rev-parse", "--show-toplevel"]);
  return top.ok && realpathSync(top.out) === real ? "worktree" : "directory";
}

function resolveRef(dir: string, ref: string): string | undefined {
  const tag = git(dir, ["rev-parse", "--verify", "--quiet", `refs/tags/${ref}^{commit}`]);
  if (tag.ok) return tag.out;
  const any = git(dir, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  return any.ok ? any.out : undefined;
}

/** A repository's tree at one commit (or a plain directory), materialized under `root` as needed. */
interface Tree {
  root: string;
  note?: string;
  /** Makes `rel` (a path inside the repository) present under root, with the folder around it. */
  ensure(rel: string): void;
}

/**
 * A tree extracted lazily, `depth` path segments at a time (applications/pipeline, manifests/base):
 * Kubeflow's manifests are 33 MB and Argo Workflows is mostly code, while an overlay needs a few
 * folders. From git with `git archive <commit> -- <folder>` (no change to the repository, bare or
 * not), or copied from a plain directory. The walk ensures every folder a kustomization names
 * (resources, patch files, generator inputs) before kustomize reads it.
 */
function lazyTree(source: { dir: string; commit?: string }, root: string, depth = 2): Tree {
  mkdirSync(root, { recursive: true });
  const extracted: string[] = [];
  return {
    root,
    ensure(rel) {
      const segments = rel.split(/[\\/]/).filter((x) => x !== "" && x !== ".");
      if (segments.length === 0 || segments[0] === "..") return;
      const prefix = segments.slice(0, depth).join("/");
      if (extracted.some((e) => prefix === e || prefix.startsWith(`${e}/`))) return;
      extracted.push(prefix);
      if (source.commit === undefined) {
        if (existsSync(join(source.dir, prefix))) cpSync(join(source.dir, prefix), join(root, prefix), { recursive: true, filter: (src) => basename(src) !== ".git" });
        return;
      }
      const r = spawnSync("bash", ["-o", "pipefail", "-c", 'git -C "$1" archive --format=tar "$2" -- "$3" | tar -x -C "$4"', "extract", source.dir, source.commit, prefix, root], { encoding: "utf8" });
      // A path the commit does not have is not an error here: the caller reports it missing.
      if (r.status !== 0 && !/did not match any files/.test(r.stderr)) throw new Error(`git archive ${source.commit} -- ${prefix} of ${source.dir} failed: ${r.stderr.trim()}`);
    },
  };
}

/** Ensures an absolute path inside any of `trees`. */
function ensurePath(trees: Tree[], p: string) {
  for (const t of trees) if (p.startsWith(`${t.root}${sep}`)) t.ensure(relative(t.root, p));
}

function findKustomization(dir: string): string | undefined {
  for (const f of kustomizationFileNames) {
    const p = join(dir, f);
    if (existsSync(p) && statSync(p).isFile()) return p;
  }
  return undefined;
}

const diskFs: WalkFs = {
  kustomization: (dir) => {
    const f = findKustomization(dir);
    return f === undefined ? undefined : readFileSync(f, "utf8");
  },
  isDirectory: (p) => existsSync(p) && statSync(p).isDirectory(),
};

function probe(tree: Tree): (path: string) => PathKind {
  return (path) => {
    tree.ensure(path);
    const p = join(tree.root, path);
    if (!existsSync(p)) return "missing";
    if (!statSync(p).isDirectory()) return "file";
    return findKustomization(p) ? "kustomization" : "directory";
  };
}

type Renderer = { cmd: string; args: (dir: string) => string[] };
const renderers: Renderer[] = [
  { cmd: "kubectl", args: (dir) => ["kustomize", dir] },
  { cmd: "kustomize", args: (dir) => ["build", dir] },
];

function run(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string } | "missing"> {
  return new Promise((done) => {
    const p = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on("data", (d: Buffer) => out.push(d));
    p.stderr.on("data", (d: Buffer) => err.push(d));
    p.on("error", (e: NodeJS.ErrnoException) => done(e.code === "ENOENT" ? "missing" : { code: 1, stdout: "", stderr: e.message }));
    p.on("close", (code) => done({ code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }));
  });
}

let renderer: Renderer | null | undefined;
/** Renders a kustomization with kubectl kustomize, else kustomize build; "skipped" if neither exists. */
async function render(dir: string): Promise<{ ok: true; yaml: string } | { ok: false; error: string } | "skipped"> {
  for (const r of renderer === undefined ? renderers : renderer ? [renderer] : []) {
    const result = await run(r.cmd, r.args(dir));
    if (result === "missing") continue;
    renderer = r;
    return result.code === 0 ? { ok: true, yaml: result.stdout } : { ok: false, error: result.stderr || `exit ${result.code}` };
  }
  renderer = null;
  return "skipped";
}

export interface OverlayReport {
  name: string;
  refs: string[];
  rendered?: { objects: number; kinds: Record<string, number> };
  warnings: string[];
  problems: string[];
}

export interface Report {
  manifests: { checkout: string; kind: CheckoutKind; ref: string; pinnedCommit: string; tagCommit?: string; problems: string[]; warnings: string[] };
  overlays: OverlayReport[];
  renderer?: string;
  problems: number;
  warnings: number;
  seconds: number;
}


export interface CheckOptions {
  /** A kubeflow/manifests checkout: plain directory, git work tree or bare repository. */
  checkout: string;
  mirrors?: Mirror[];
  pin?: ManifestsPin;
  /** Default: the project's kustomize/kubeflow. */
  overlaysDir?: string;
  /** Where to write each rendered overlay as <name>.yaml, for review. */
  outDir?: string;
}

export async function checkOverlays(options: CheckOptions): Promise<Report> {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), "check-kustomize-"));
  try {
    return await checkIn(work, {
      checkout: resolve(options.checkout),
      mirrors: (options.mirrors ?? []).map((m) => ({ ...m, local: resolve(m.local) })),
      pin: options.pin ?? kubeflowManifests,
      overlaysDir: resolve(options.overlaysDir ?? join(repoRoot, overlaysRoot)),
      outDir: options.outDir === undefined ? undefined : resolve(options.outDir),
      started,
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function checkIn(
  work: string,
  { checkout, mirrors, pin, overlaysDir, outDir, started }: { checkout: string; mirrors: Mirror[]; pin: ManifestsPin; overlaysDir: string; outDir: string | undefined; started: number },
): Promise<Report> {
  if (!existsSync(checkout) || !statSync(checkout).isDirectory()) throw new Error(`${checkout} is not a directory`);
  const kind = checkoutKind(checkout);
  const manifests: Report["manifests"] = { checkout, kind, ref: pin.ref, pinnedCommit: pin.commit, problems: [], warnings: [] };

  // (b) The tag, and the tree the overlays are rendered against: the tag's content for a git checkout
  // (what kustomize would fetch), the directory as it is otherwise.
  let tree: Tree | undefined;
  if (kind === "directory") {
    manifests.warnings.push(`${checkout} is not a git checkout: cannot verify that tag ${pin.ref} is ${pin.commit}; using the directory as it is`);
    tree = lazyTree({ dir: checkout }, join(work, "manifests"));
  } else {
    const commit = resolveRef(checkout, pin.ref);
    if (commit === undefined) {
      manifests.problems.push(`tag ${pin.ref} does not exist in ${checkout}`);
    } else {
      manifests.tagCommit = commit;
      if (commit !== pin.commit) manifests.problems.push(`tag ${pin.ref} moved: it is ${commit} in ${checkout}, the pin reviewed ${pin.commit} (review the diff, then update infra/versions.ts kubeflowManifests.commit)`);
      tree = lazyTree({ dir: checkout, commit }, join(work, "manifests"));
    }
  }

  // The overlays: the listed ones and the directories present.
  const listed = Object.keys(kubeflowOverlays);
  const present = existsSync(overlaysDir) ? readdirSync(overlaysDir).filter((d) => statSync(join(overlaysDir, d)).isDirectory()) : [];
  const names = [...listed, ...present.filter((d) => !listed.includes(d)).sort()];
  const overlayCopy = join(work, "overlays");
  if (existsSync(overlaysDir)) cpSync(overlaysDir, overlayCopy, { recursive: true });

  const overlays: OverlayReport[] = [];
  // (c) Each overlay renders as soon as its references are resolved, beside the next one's walk.
  const renders: Promise<{ report: OverlayReport; objects: K8sObject[]; texts: string[] } | undefined>[] = [];
  const renderOne = async (report: OverlayReport, dir: string, root: string) => {
    const r = await render(dir);
    if (r === "skipped") {
      report.warnings.push("render skipped: neither kubectl nor kustomize is installed");
      return undefined;
    }
    if (!r.ok) {
      const paths: [string, string][] = [[overlayCopy, overlaysRoot], [root, "<kubeflow/manifests>"], [`${work}${sep}`, ""]];
      report.problems.push(`kustomize: ${condenseKustomizeError(r.error, paths)}`);
      return undefined;
    }
    if (outDir) {
      mkdirSync(outDir, { recursive: true });
      writeFileSync(join(outDir, `${report.name}.yaml`), r.yaml);
    }
    return { report, ...parseRendered(r.yaml) };
  };
  const mirrorTrees = new Map<string, Tree | string>();
  const trees: Tree[] = tree ? [tree] : [];
  const rewritten = new Set<string>();

  for (const name of names) {
    const report: OverlayReport = { name, refs: [], warnings: [], problems: [] };
    overlays.push(report);
    if (!listed.includes(name)) report.problems.push(`not listed in kubeflowOverlays (components/ml/kubeflow/manifests.ts): the program never installs it`);
    const dir = join(overlayCopy, name);
    const file = findKustomization(dir);
    if (!present.includes(name) || file === undefined) {
      report.problems.push(`${join(overlaysRoot, name)}/kustomization.yaml does not exist`);
      continue;
    }
    const text = readFileSync(file, "utf8");
    // (a) Refs: the pinned form, and paths that exist at the ref.
    const parsed = overlayRefs(text, pin);
    report.refs = parsed.refs.map((r) => r.url);
    report.problems.push(...parsed.problems);
    if (!tree) continue;
    const root = tree.root;
    const missing = pathProblems(parsed.refs, probe(tree), pin.ref);
    report.problems.push(...missing);
    if (parsed.problems.length > 0 || missing.length > 0) continue; // not rendered: the references come first
    writeFileSync(file, rewriteKustomization(text, (entry) => {
      const r = checkManifestsRef(entry, pin);
      return r.ok ? relative(dir, join(root, r.path)) : undefined;
    }));
    // (c) Remote references inside upstream kustomizations: rewritten to a mirror, or not renderable.
    const offline: string[] = [];
    for (const r of walkNested(parsed.refs.map((x) => join(root, x.path)), mirrors, work, trees, mirrorTrees, rewritten)) {
      if (r.problem) report.problems.push(r.problem);
      else if (r.warning) offline.push(r.warning);
    }
    const show = (p: string) => p.replace(`${root}${sep}`, "").replace(`${work}${sep}`, "");
    report.warnings.push(...[...new Set(offline)].map(show));
    if (offline.length === 0 && !report.problems.some((p) => p.startsWith("mirror"))) renders.push(renderOne(report, dir, root));
  }

  // (d) Invariants once every overlay's CRDs are known.
  const rendered = await Promise.all(renders);
  const done = rendered.filter((x): x is NonNullable<typeof x> => x !== undefined);
  const scopes = crdScopes(done.flatMap((d) => d.objects));
  for (const { report, objects, texts } of done) {
    const inv = renderedInvariants(objects, texts, scopes);
    report.rendered = { objects: objects.length, kinds: inv.kinds };
    report.problems.push(...inv.problems);
    report.warnings.push(...inv.warnings);
    report.problems.push(...unmatchedPatchTargets(readFileSync(findKustomization(join(overlaysDir, report.name))!, "utf8"), objects));
    report.problems.push(...mysqlProblems(objects, report.name));
    report.problems.push(...webhookSidecarProblems(objects));
  }

  const problems = manifests.problems.length + overlays.reduce((n, o) => n + o.problems.length, 0);
  const warnings = manifests.warnings.length + overlays.reduce((n, o) => n + o.warnings.length, 0);
  const report: Report = { manifests, overlays, problems, warnings, seconds: (Date.now() - started) / 1000 };
  if (renderer) report.renderer = `${renderer.cmd} ${renderer.args("<dir>").join(" ")}`;
  return report;
}

/**
 * Walks from the overlay's upstream directories; each remote entry met is either served by a mirror
 * (materialized once per repository and ref, and the naming kustomization rewritten in the temporary
 * copy to a relative path) or reported as not renderable offline.
 */
function walkNested(start: string[], mirrors: Mirror[], work: string, trees: Tree[], mirrorTrees: Map<string, Tree | string>, rewritten: Set<string>): { problem?: string; warning?: string }[] {
  const out: { problem?: string; warning?: string }[] = [];
  const isFile = (p: string) => existsSync(p) && statSync(p).isFile();
  const replacements = new Map<string, Map<string, string>>(); // kustomization dir -> url -> entry
  // Trees are extracted as the walk reaches into them.
  const fs: WalkFs = {
    kustomization: (dir) => (ensurePath(trees, dir), diskFs.kustomization(dir)),
    isDirectory: (p) => (ensurePath(trees, p), diskFs.isDirectory(p)),
    touch: (p) => ensurePath(trees, p),
  };
  nestedRemoteRefs(start, fs, (r) => {
    const m = matchMirror(r.url, mirrors, isFile);
    const where = `${r.url} (named by ${r.dir})`;
    if (!m) {
      out.push({ warning: `not renderable offline: ${where}; map it with --mirror <url prefix>=<local checkout>` });
      return undefined;
    }
    if (m.kind === "file") {
      const target = `mirrored-${basename(m.mirror.local)}`;
      if (!existsSync(join(r.dir, target))) copyFileSync(m.mirror.local, join(r.dir, target));
      setReplacement(replacements, r.dir, r.url, target);
      return undefined;
    }
    const key = `${m.mirror.local}@${m.ref ?? "HEAD"}`;
    if (!mirrorTrees.has(key)) {
      const t = mirrorTree(m.mirror.local, m.ref, join(work, `mirror-${mirrorTrees.size}`));
      mirrorTrees.set(key, t);
      if (typeof t !== "string") trees.push(t);
    }
    const tree = mirrorTrees.get(key)!;
    if (typeof tree === "string") {
      out.push({ warning: `not renderable offline: ${where}: ${tree}` });
      return undefined;
    }
    if (tree.note) out.push({ warning: tree.note });
    const target = join(tree.root, m.path);
    tree.ensure(m.path);
    if (!existsSync(target)) {
      out.push({ problem: `mirror ${m.mirror.local} has no ${m.path} at ${m.ref ?? "HEAD"} (named by ${r.url})` });
      return undefined;
    }
    setReplacement(replacements, r.dir, r.url, relative(r.dir, target) || ".");
    return statSync(target).isDirectory() ? target : undefined;
  });
  for (const [dir, map] of replacements) {
    const file = findKustomization(dir)!;
    if (rewritten.has(file)) continue;
    rewritten.add(file);
    writeFileSync(file, rewriteKustomization(readFileSync(file, "utf8"), (entry) => map.get(entry)));
  }
  return out;
}

function setReplacement(map: Map<string, Map<string, string>>, dir: string, url: string, entry: string) {
  if (!map.has(dir)) map.set(dir, new Map());
  map.get(dir)!.set(url, entry);
}

/** A mirror checkout at a ref (git), or a plain directory used as it is; an error text when impossible. */
function mirrorTree(local: string, ref: string | undefined, into: string): Tree | string {
  if (!existsSync(local)) return `mirror ${local} does not exist`;
  if (checkoutKind(local) === "directory") {
    return { ...lazyTree({ dir: local }, into), note: `mirror ${local} is not a git checkout: used as it is for ${ref ?? "the default branch"}` };
  }
  const commit = resolveRef(local, ref ?? "HEAD");
  if (commit === undefined) return `mirror ${local} has no ref ${ref ?? "HEAD"}`;
  return lazyTree({ dir: local, commit }, into);
}

// ---------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------

export function formatReport(r: Report): string {
  const lines: string[] = [];
  const m = r.manifests;
  const tag = m.tagCommit ? `tag ${m.ref} -> ${m.tagCommit.slice(0, 12)}${m.tagCommit === m.pinnedCommit ? " (the pinned commit)" : ` (pinned ${m.pinnedCommit.slice(0, 12)})`}` : `tag ${m.ref} not verified`;
  lines.push(`kubeflow/manifests ${m.ref}: ${m.checkout} (${m.kind}), ${tag}`);
  for (const p of m.problems) lines.push(`  problem: ${p}`);
  for (const w of m.warnings) lines.push(`  warning: ${w}`);
  const width = Math.max(...r.overlays.map((o) => o.name.length));
  for (const o of r.overlays) {
    const kinds = o.rendered ? `rendered ${o.rendered.objects} objects: ${Object.entries(o.rendered.kinds).map(([k, n]) => `${k} ${n}`).join(", ")}` : "not rendered";
    lines.push(`${o.name.padEnd(width)}  ${o.refs.length} ref${o.refs.length === 1 ? " " : "s"}  ${o.problems.length === 0 ? "ok  " : "FAIL"}  ${kinds}`);
    for (const p of o.problems) lines.push(`  problem: ${p}`);
    for (const w of o.warnings) lines.push(`  warning: ${w}`);
  }
  const renderedCount = r.overlays.filter((o) => o.rendered).length;
  lines.push(`${r.overlays.length} overlays (${renderedCount} rendered${r.renderer ? ` with ${r.renderer}` : ""}) against kubeflow/manifests ${m.ref}: ${r.problems} problems, ${r.warnings} warnings (${r.seconds.toFixed(1)}s)`);
  return lines.join("\n") + "\n";
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const json = args.includes("--json");
  const mirrors: Mirror[] = [];
  const positional: string[] = [];
  let overlaysDir: string | undefined;
  let outDir: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--json") continue;
    if (a === "--overlays") overlaysDir = args[++i];
    else if (a === "--out") outDir = args[++i];
    else if (a === "--mirror") mirrors.push(parseMirror(args[++i] ?? ""));
    else if (a.startsWith("--mirror=")) mirrors.push(parseMirror(a.slice("--mirror=".length)));
    else if (a.startsWith("-")) throw new Error(`unknown option ${a}`);
    else positional.push(a);
  }
  if (positional.length !== 1) {
    process.stderr.write("usage: npm run check:kustomize -- <kubeflow/manifests checkout> [--mirror <url prefix>=<local checkout>]... [--overlays <dir>] [--out <dir>] [--json]\n");
    return 2;
  }
  const report = await checkOverlays({ checkout: positional[0], mirrors, overlaysDir, outDir });
  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  return report.problems > 0 ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`check:kustomize failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(2);
    },
  );
}


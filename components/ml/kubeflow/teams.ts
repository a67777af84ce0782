// Teams as Kubeflow Profiles (kubeflow.org/v1). The profile controller creates each team's
// namespace (it refuses a pre-existing one), its owner's access, the default-editor/default-viewer
// service accounts and the ResourceQuota; the program adds what KFAM would add when the owner
// shares the namespace in the dashboard (a RoleBinding + AuthorizationPolicy pair per member, named
// and annotated exactly as KFAM names them, so the dashboard lists and removes them), the team's
// bucket and cloud identity on default-editor, and the team's Pipelines artifact configuration.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { stringify as yamlOf } from "yaml";
import type { Cloud, Grant, ObjectStore } from "../../cloud/cloud";
import { profile } from "../../crds/kubeflow";
import { authorizationPolicy } from "../../crds/istio";
import { ingressGatewayPrincipal } from "../../edge/istio";
import { kfamBindingName, type TeamQuota, type TeamSettings } from "../../../infra/config/kubeflow";
import { argoArtifactRepository, launcherConfig } from "./pipelines-store";
import { kserveStoreAccess } from "./kserve";
import type { KubeflowOverlay } from "./manifests";

/** The service account notebooks, pipeline runs and models of a team run as (created by the profile controller). */
export const teamServiceAccount = "default-editor";
/** KFAM admits the KFP UI's principal too (it proxies a user's requests to the team namespace). */
export const kfpUiPrincipal = "cluster.local/ns/kubeflow/sa/ml-pipeline-ui";
/** The profile controller adds this finalizer after the namespace, policies, accounts and quota exist. */
export const profileReady = { "pulumi.com/waitFor": "jsonpath={.metadata.finalizers[0]}=profile-finalizer" };
/**
 * The provider deletes a Profile in the foreground: the delete waits until the namespace it owns is
 * gone, i.e. until every pod's grace period and every finalizer in it is done. Its default of 10
 * minutes is too short for a busy team (the provider reads this annotation on create and delete).
 */
export const profileTimeout = { "pulumi.com/timeoutSeconds": "1800" };
/**
 * The components whose controllers, webhooks or CRDs act on objects in team namespaces (finalizers on
 * InferenceServices, Experiments, Notebooks, Workflows; pod and CR webhooks with failurePolicy Fail).
 * Every Profile waits for them, so `destroy` (or removing a team) deletes the team's namespace while
 * they still run; deleted in parallel, the namespace would hang Terminating on orphaned finalizers.
 * The web apps (dashboard, volumes, models) only proxy users' requests and are not listed.
 */
export const teamControllerOverlays = ["profiles", "admission-webhook", "notebooks", "pvc-viewer", "tensorboard", "katib", "trainer", "pipelines", "kserve"] as const satisfies readonly KubeflowOverlay[];

/** KFAM's name for a contributor binding; defined with the config rule that keeps it unique per team. */
export { kfamBindingName };

/** A team quota as ResourceQuota `hard` keys. */
export function quotaHard(q: TeamQuota): Record<string, string | number> {
  const hard: Record<string, string | number> = {};
  if (q.cpu !== undefined) hard["requests.cpu"] = q.cpu;
  if (q.memory !== undefined) hard["requests.memory"] = q.memory;
  if (q.gpu !== undefined) hard["requests.nvidia.com/gpu"] = q.gpu;
  if (q.storage !== undefined) hard["requests.storage"] = q.storage;
  if (q.pods !== undefined) hard["pods"] = q.pods;
  return hard;
}

/**
 * The profile controller writes the namespace's `owner` annotation once, and later refuses to
 * reconcile a Profile whose spec.owner differs from it (kubeflow v1.10 profile_controller.go: "namespace
 * already exist, but not owned by profile creator"): a changed owner would keep the old owner's access.
 * Keeping the annotation equal to the owner lets the next reconcile (it watches the namespace it owns)
 * move the owner's AuthorizationPolicy and namespaceAdmin RoleBinding. KFAM lists a user's namespaces
 * by the bindings' `user` annotation, which the controller never updates: the dashboard follows too.
 * Force: the controller's manager owns both fields. Retained on delete: relinquishing would strip the
 * annotation the controller needs, and the namespace goes with its Profile anyway.
 */
function ownerFollowsProfile(ns: string, owner: string, profile: pulumi.Resource, parent: pulumi.Resource) {
  const opts = { parent, dependsOn: [profile], retainOnDelete: true };
  const force = { "pulumi.com/patchForce": "true" };
  new k8s.core.v1.NamespacePatch(`${ns}-owner`, { metadata: { name: ns, annotations: { ...force, owner } } }, opts);
  new k8s.rbac.v1.RoleBindingPatch(`${ns}-namespace-admin`, { metadata: { name: "namespaceAdmin", namespace: ns, annotations: { ...force, user: owner } } }, opts);
}

/**
 * What a container that requests nothing gets in a team namespace whose quota counts cpu or memory
 * requests (the quota admission rejects such pods otherwise: user pods, Katib trials, Argo's run pods).
 * Requests only, no default limits: the quota counts requests, and a default limit below a
 * container's own request would make that pod invalid.
 */
export const teamDefaultRequests = { cpu: "100m", memory: "256Mi" };

/** The LimitRange a team's quota needs, or nothing when the quota counts neither cpu nor memory. */
export function teamLimitRange(q: TeamQuota | undefined): { type: "Container"; defaultRequest: Record<string, string> } | undefined {
  if (q?.cpu === undefined && q?.memory === undefined) return undefined;
  return { type: "Container", defaultRequest: { ...teamDefaultRequests } };
}

export interface KubeflowTeamsArgs {
  cloud: Cloud;
  teams: TeamSettings[];
  /**
   * The Directories of teamControllerOverlays that are installed: Profiles need the profiles controller,
   * and must be deleted before every controller that acts in their namespaces (finalizers, webhooks).
   */
  controllers: pulumi.Resource[];
  /** Each team's bucket (teamBucket), made beforehand because Pipelines' UI also reads them. */
  buckets: Map<string, ObjectStore>;
  /** KServe is installed: default-editor also carries what its storage initializer needs to pull models. */
  kserve: boolean;
}

/** A team's own bucket. */
export const teamBucket = (cloud: Cloud, team: string, parent: pulumi.Resource) => cloud.bucket(`team-${team}`, {}, { parent });

export interface TeamResources {
  namespace: string;
  bucket: ObjectStore;
  profile: k8s.apiextensions.CustomResource;
}

export class KubeflowTeams extends pulumi.ComponentResource {
  public readonly teams: TeamResources[] = [];

  constructor(name: string, args: KubeflowTeamsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:ml:KubeflowTeams", name, {}, opts);
    for (const team of args.teams) this.teams.push(this.team(args.cloud, team, args.controllers, args.buckets.get(team.name)!, args.kserve));
    this.registerOutputs({ namespaces: this.teams.map((t) => t.namespace) });
  }

  private team(cloud: Cloud, team: TeamSettings, controllers: pulumi.Resource[], bucket: ObjectStore, kserve: boolean): TeamResources {
    const ns = team.name;
    const parent = { parent: this };
    const p = profile(
      { name: ns, annotations: { ...profileReady, ...profileTimeout } },
      { owner: { kind: "User", name: team.owner }, ...(team.quota ? { resourceQuotaSpec: { hard: quotaHard(team.quota) } } : {}) },
      { ...parent, dependsOn: controllers },
    );
    const inNamespace = { ...parent, dependsOn: [p] };
    ownerFollowsProfile(ns, team.owner, p, this);
    const limits = teamLimitRange(team.quota);
    if (limits) new k8s.core.v1.LimitRange(`${ns}-default-requests`, { metadata: { name: "default-requests", namespace: ns }, spec: { limits: [limits] } }, inNamespace);

    for (const m of team.members) {
      const bindingName = kfamBindingName(m.email, m.role);
      const metadata = { name: bindingName, namespace: ns, annotations: { user: m.email, role: m.role } };
      new k8s.rbac.v1.RoleBinding(
        `${ns}-${bindingName}`,
        {
          metadata,
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: `kubeflow-${m.role}` },
          subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: m.email }],
        },
        inNamespace,
      );
      authorizationPolicy(
        metadata,
        { rules: [{ from: [{ source: { principals: [ingressGatewayPrincipal, kfpUiPrincipal] } }], when: [{ key: "request.headers[kubeflow-userid]", values: [m.email] }] }] },
        inNamespace,
      );
    }

    // Isolation by bucket: only this team's identity can write its runs and models.
    const grants: Grant[] = [
      { kind: "objectStore", store: bucket, access: "readWrite" },
      ...team.buckets.map((b): Grant => ({ kind: "objectStore", store: cloud.externalBucket(b.name), access: b.access })),
    ];
    // KServe's storage initializer pulls models as default-editor: what it needs besides the identity
    // depends on the store (kserve.ts, kserveStoreAccess).
    const access = kserve ? pulumi.output(bucket.endpoint).apply((endpoint) => kserveStoreAccess(bucket, endpoint)) : undefined;
    const identity = cloud.workloadIdentity(
      `team-${ns}`,
      { namespace: ns, name: teamServiceAccount },
      grants,
      inNamespace,
      access ? { credentialsSecretAnnotations: access.credentialsSecretAnnotations } : {},
    );
    // Static keys (MinIO) reach the storage initializer only through a Secret the ServiceAccount lists.
    const listedSecret = access && identity.credentialsSecret ? identity.credentialsSecret : undefined;
    if (cloud.kind !== "existing" || listedSecret) {
      // The controller never updates an existing default-editor, so these fields stay ours. KServe's pod
      // webhook fails a model's pod if a listed Secret is missing: the patch waits for it (identity.ready)
      // and is removed before it.
      new k8s.core.v1.ServiceAccountPatch(
        `${ns}-${teamServiceAccount}`,
        {
          metadata: {
            name: teamServiceAccount,
            namespace: ns,
            annotations: pulumi.all([identity.annotations, access?.serviceAccountAnnotations ?? {}]).apply(([id, k]) => ({ ...id, ...k })),
          },
          ...(listedSecret ? { secrets: [{ name: listedSecret }] } : {}),
        },
        { ...parent, dependsOn: [p, ...identity.ready] },
      );
    }

    // Pipelines: where this namespace's runs keep artifacts (the upstream sync controller is not installed).
    const settings = pulumi.all([bucket.bucket, bucket.endpoint]).apply(([b, endpoint]) => ({
      launcher: launcherConfig(bucket, b, identity.credentialsSecret, endpoint),
      repository: argoArtifactRepository(bucket, b, identity.credentialsSecret, endpoint),
    }));
    // They name the credentials Secret; runs read it when they start, so the ConfigMaps need not wait for it.
    const after = inNamespace;
    new k8s.core.v1.ConfigMap(`${ns}-kfp-launcher`, { metadata: { name: "kfp-launcher", namespace: ns }, data: settings.launcher }, after);
    new k8s.core.v1.ConfigMap(
      `${ns}-artifact-repositories`,
      {
        metadata: { name: "artifact-repositories", namespace: ns, annotations: { "workflows.argoproj.io/default-artifact-repository": "default-namespaced" } },
        data: { "default-namespaced": settings.repository.apply((r) => yamlOf(r)) },
      },
      after,
    );
    return { namespace: ns, bucket, profile: p };
  }
}


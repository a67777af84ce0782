// Kubeflow 26.03 on this platform's cert-manager, Istio, Dex and oauth2-proxy: one
// kustomize.v2.Directory per component overlay (kustomize/kubeflow/, see manifests.ts), the
// Kubeflow gateway on the platform's edge (edge.ts), Pipelines on the platform's object store
// (pipelines-store.ts) with the mesh exceptions its sidecar-less pods need (mesh-exceptions.ts),
// generated root passwords for Pipelines' and Katib's MySQL (mysql.ts), KServe's ingress settings
// (kserve.ts) and the teams as Profiles (teams.ts).
//
// What waits on what (the deploy DAG, kept shallow):
//   istiod ─ platform (namespaces, roles) ─┬─ every other component, in parallel
//   cert-manager's issuer ─────────────────┘  (their webhook Certificates need cert-manager)
//   pipelines' service accounts, store settings and credentials ─ pipelines
//   each bundled MySQL's root Secret (in kubeflow, so after platform) ─ pipelines, katib
//   every component acting in team namespaces ─ each team's Profile (ready when the profiles
//            controller adds its finalizer; on destroy, deleted while those controllers still run)
//            ─ the team's contributors, identity annotation, pipeline settings and model routes
// Objects that need a webhook of their own component (KServe and Trainer runtimes) wait for it
// inside their Directory through `config.kubernetes.io/depends-on` annotations (see the overlays);
// the provider orders CRDs before their CRs within a Directory.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { Cloud } from "../../cloud/cloud";
import type { UiRoutes } from "../../identity/ui-routes";
import type { TeamSettings } from "../../../infra/config/kubeflow";
import { kubeflowEdge } from "./edge";
import { kserveIngressTransform } from "./kserve";
import { overlayDirectory, type KubeflowOverlay } from "./manifests";
import { modelRoutes } from "./models";
import { meshExceptions, pipelinesExceptions } from "./mesh-exceptions";
import { kubeflowMysqlSecrets } from "./mysql";
import { volumeTransforms } from "./mysql-volumes";
import { pipelinesStore } from "./pipelines-store";
import { KubeflowTeams, teamBucket, teamControllerOverlays } from "./teams";

export interface KubeflowArgs {
  cloud: Cloud;
  routes: UiRoutes;
  istioControlPlane: pulumi.Resource;
  gatewayNamespace: pulumi.Resource;
  issuerName: string;
  issuer: pulumi.Resource;
  kserve: boolean;
  teams: TeamSettings[];
  /** prod: the bundled MySQL servers' volumes are protected and kept on delete (mysql-volumes.ts). */
  protect: boolean;
}

export class Kubeflow extends pulumi.ComponentResource {
  public readonly url: string;
  public readonly teamNamespaces: string[];
  /** Each team's own bucket as a URL (gs://, s3://): where its models' storageUri points. */
  public readonly teamBuckets: pulumi.Output<Record<string, string>>;
  public readonly directories: Partial<Record<KubeflowOverlay, k8s.kustomize.v2.Directory>> = {};

  constructor(name: string, args: KubeflowArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:ml:Kubeflow", name, {}, opts);
    const dir = (overlay: KubeflowOverlay, dependsOn: pulumi.Resource[], transforms: pulumi.ResourceTransform[] = []) => {
      transforms = [...transforms, ...volumeTransforms(overlay, args.protect)];
      const d = new k8s.kustomize.v2.Directory(`kubeflow-${overlay}`, { directory: overlayDirectory(overlay) }, { parent: this, dependsOn, transforms });
      this.directories[overlay] = d;
      return d;
    };
    // The namespaces are in the mesh (istio-injection: enabled): nothing starts before the injector.
    const platform = dir("platform", [args.istioControlPlane]);
    const base = [platform, args.issuer];
    const edge = kubeflowEdge({ ...args, kubeflowNamespace: platform, parent: this });
    this.url = edge.url;

    for (const overlay of ["central-dashboard", "admission-webhook", "notebooks", "pvc-viewer", "volumes-web-app", "tensorboard", "trainer"] as const) {
      dir(overlay, base);
    }
    // The overlays delete upstream's fixed MySQL credentials; these replace them.
    const mysql = kubeflowMysqlSecrets({ kubeflowNamespace: platform, parent: this });
    dir("katib", [...base, mysql.katib]);
    dir("profiles", base);

    const buckets = new Map(args.teams.map((t) => [t.name, teamBucket(args.cloud, t.name, this)]));
    const store = pipelinesStore({ cloud: args.cloud, kubeflowNamespace: platform, teamBuckets: [...buckets.values()], parent: this });
    const exceptions = meshExceptions(pipelinesExceptions, { parent: this, dependsOn: [platform] });
    dir("pipelines", [...base, ...store.ready, ...exceptions, mysql.pipelines]);

    if (args.kserve) {
      dir("kserve", base, [kserveIngressTransform(args.routes.domain)]);
      dir("models-web-app", base);
    }

    const controllers = teamControllerOverlays.flatMap((o) => this.directories[o] ?? []);
    const teams = new KubeflowTeams("teams", { cloud: args.cloud, teams: args.teams, controllers, buckets, kserve: args.kserve }, { parent: this });
    // Each team's models, published by the program (models.ts: teams cannot write routes).
    if (args.kserve) for (const [i, t] of teams.teams.entries()) modelRoutes({ routes: args.routes, team: t.namespace, models: args.teams[i].models, profile: t.profile, parent: this });
    this.teamNamespaces = teams.teams.map((t) => t.namespace);
    this.teamBuckets = pulumi.all(teams.teams.map((t) => t.bucket.url)).apply((urls) => Object.fromEntries(urls.map((url, i) => [teams.teams[i].namespace, url])));
    this.registerOutputs({ url: this.url, teamNamespaces: this.teamNamespaces, teamBuckets: this.teamBuckets });
  }
}

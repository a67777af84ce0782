// The data volumes of the MySQL servers Pipelines and Katib bundle (mysql-pv-claim, katib-mysql):
// every run's and experiment's history. They are children of the overlays' Directories, so their
// lifecycle is set by a transform: in prod (platform protect) they are protected and kept when the
// stack or the Directory goes, like the platform's other stateful resources (README, "Lifecycle
// choices"); elsewhere, ephemeral included, they go with the stack.
import type * as pulumi from "@pulumi/pulumi";
import type { KubeflowOverlay } from "./manifests";
import { kubeflowMysql } from "./mysql-secrets";

/** The overlays whose PersistentVolumeClaims hold a bundled MySQL's data. */
export const mysqlVolumeOverlays: readonly KubeflowOverlay[] = Object.values(kubeflowMysql).map((m) => m.overlay);

/** Protect and retain every PersistentVolumeClaim of a Directory. Under mocks Directories render no children, so tests call it directly. */
export const keepVolumesTransform: pulumi.ResourceTransform = (args) =>
  args.type === "kubernetes:core/v1:PersistentVolumeClaim" ? { props: args.props, opts: { ...args.opts, protect: true, retainOnDelete: true } } : undefined;

/** The lifecycle transforms an overlay's Directory gets: the MySQL volumes' in prod, nothing otherwise. */
export const volumeTransforms = (overlay: KubeflowOverlay, protect: boolean): pulumi.ResourceTransform[] =>
  protect && mysqlVolumeOverlays.includes(overlay) ? [keepVolumesTransform] : [];

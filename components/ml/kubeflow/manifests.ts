// The Kubeflow components this platform installs: one local kustomize overlay each, under
// kustomize/kubeflow/<name>/, whose resources are kubeflow/manifests paths at the pinned tag
// (infra/versions.ts) plus the patches that fit them to this platform's edge. The overlays are
// files in this repository, not generated: reviewers read them, and `npm run check:kustomize`
// checks every reference and patch target against the pinned release.
import { existsSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

/** Overlay name -> what it installs. Order is documentation only: dependencies are declared in kubeflow.ts. */
export const kubeflowOverlays = {
  platform: "kubeflow and kubeflow-system namespaces, Kubeflow cluster roles, kubeflow-istio-resources",
  pipelines: "Kubeflow Pipelines, multi-user, on the platform's object store (no SeaweedFS)",
  "central-dashboard": "central dashboard (oauth2-proxy overlay)",
  "admission-webhook": "PodDefaults admission webhook",
  notebooks: "notebook controller and Jupyter web app",
  profiles: "Profiles controller and KFAM (pss overlay)",
  "pvc-viewer": "PVC viewer controller",
  "volumes-web-app": "volumes web app",
  tensorboard: "TensorBoard controller and web app",
  katib: "Katib",
  trainer: "Trainer v2 (with JobSet) and its cluster training runtimes",
  kserve: "KServe 0.16 (Standard deployment mode) and its cluster serving runtimes",
  "models-web-app": "KServe models web app",
} as const;
export type KubeflowOverlay = keyof typeof kubeflowOverlays;

/** An overlay's directory, relative to the project root. */
export const overlayPath = (name: KubeflowOverlay) => path.posix.join("kustomize", "kubeflow", name);

/**
 * The directory handed to kustomize.v2.Directory: absolute under `pulumi up`, because the provider
 * resolves a relative one against its own working directory, which is the folder of Pulumi.yaml's
 * `main` (dist/infra), not the project root. The offline plan has no root directory and records the
 * relative path, so plans stay identical on every machine.
 */
export function overlayDirectory(name: KubeflowOverlay): string {
  const root = pulumi.getRootDirectory();
  return root && existsSync(path.join(root, "Pulumi.yaml")) ? path.join(root, overlayPath(name)) : overlayPath(name);
}

// Kubeflow custom resources we create: Profile (kubeflow.org/v1). No maintained typed-model package
// covers Kubeflow, so the spec type is written from the CRD of the pinned release
// (kubeflow/manifests 26.03); tests validate planned Profiles against that CRD.
import type * as pulumi from "@pulumi/pulumi";
import { customResource, type Metadata } from "./custom-resource";

export interface ProfileSpec {
  /** The Profile owner: a user (by email, as the gateway's kubeflow-userid header carries it). */
  owner: { kind: "User"; name: string; apiGroup?: "rbac.authorization.k8s.io" };
  /** The ResourceQuota the profile controller creates in the namespace (`kf-resource-quota`). */
  resourceQuotaSpec?: { hard: Record<string, string | number> };
}

export const profile = (m: Omit<Metadata, "namespace">, spec: ProfileSpec, opts: pulumi.CustomResourceOptions) =>
  customResource("kubeflow.org/v1", "Profile", m, spec, opts);

// Typed custom resources. Spec types come from the maintained @kubernetes-models
// packages (generated from the upstream CRDs), so a wrong field is a compile error,
// and tests validate every CR in a plan against the same schemas.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";

export interface Metadata {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function customResource<Spec>(
  apiVersion: string,
  kind: string,
  metadata: Metadata,
  spec: pulumi.Input<Spec>,
  opts: pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResource {
  const logicalName = [kind.toLowerCase(), metadata.namespace, metadata.name].filter(Boolean).join("-");
  return new k8s.apiextensions.CustomResource(logicalName, { apiVersion, kind, metadata, spec }, opts);
}

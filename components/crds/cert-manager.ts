// cert-manager custom resources we create: ClusterIssuer, Certificate.
import type * as pulumi from "@pulumi/pulumi";
import type { ICertificate } from "@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate";
import type { IClusterIssuer } from "@kubernetes-models/cert-manager/cert-manager.io/v1/ClusterIssuer";
import { customResource, type Metadata } from "./custom-resource";

const apiVersion = "cert-manager.io/v1";

export const clusterIssuer = (metadata: Metadata, spec: IClusterIssuer["spec"], opts: pulumi.CustomResourceOptions) =>
  customResource(apiVersion, "ClusterIssuer", metadata, spec, opts);

export const certificate = (metadata: Metadata & { namespace: string }, spec: NonNullable<ICertificate["spec"]>, opts: pulumi.CustomResourceOptions) =>
  customResource(apiVersion, "Certificate", metadata, spec, opts);

// KServe's ingress settings for this stack. Standard deployment mode (see the kserve overlay): KServe
// creates no Ingress, and reports https://<model>-<namespace>.models.<domain> as each model's URL,
// which kubeflow/models-gateway serves (README "Serve a model"). Not kubeflow/kubeflow-gateway:
// upstream's VirtualServices bind that one with hosts ["*"], so every model host would also serve
// the dashboard, Pipelines and the other web apps.
import type * as pulumi from "@pulumi/pulumi";
import type { ObjectStore } from "../../cloud/cloud";

export const modelsSubdomain = "models";
export const modelsDomain = (domain: string) => `${modelsSubdomain}.${domain}`;
/** The model hosts: every <model>-<team>.models.<domain>. */
export const modelsHosts = (domain: string) => `*.${modelsDomain(domain)}`;
export const modelsGatewayName = "models-gateway";
/** The Gateway the model hosts are on, as namespace/name (in kubeflow, beside kubeflow-gateway). */
export const modelsGatewayRef = `kubeflow/${modelsGatewayName}`;

/** inferenceservice-config `ingress` for this stack (KServe 0.16 keys). */
export function kserveIngress(domain: string): Record<string, unknown> {
  return {
    enableGatewayApi: false,
    kserveIngressGateway: modelsGatewayRef,
    // Must be non-empty even though only Knative mode uses it.
    ingressGateway: modelsGatewayRef,
    ingressDomain: modelsDomain(domain),
    ingressClassName: "istio",
    domainTemplate: "{{ .Name }}-{{ .Namespace }}.{{ .IngressDomain }}",
    urlScheme: "https",
    disableIstioVirtualHost: true,
    disableIngressCreation: true,
  };
}

/**
 * A transform for the kserve Directory: the domain is the stack's, so it cannot live in the static
 * overlay. Under mocks Directories render no children, so tests call it directly.
 */
export function kserveIngressTransform(domain: string): pulumi.ResourceTransform {
  return (args) => {
    if (args.type !== "kubernetes:core/v1:ConfigMap") return undefined;
    const metadata = args.props.metadata as { name?: string; namespace?: string } | undefined;
    if (metadata?.name !== "inferenceservice-config") return undefined;
    const data = { ...(args.props.data as Record<string, string>), ingress: JSON.stringify(kserveIngress(domain), null, 2) };
    return { props: { ...args.props, data }, opts: args.opts };
  };
}

/**
 * KServe 0.16's storage annotations (kserve v0.16.0 pkg/credentials/s3/s3_secret.go:62-70). Where
 * KServe reads them (pkg/credentials/service_account_credentials.go):
 * - on the model's ServiceAccount only when it carries eks.amazonaws.com/role-arn (lines 240-245);
 * - on each Secret the ServiceAccount lists in `secrets:` (lines 260-266) that holds the
 *   inferenceservice-config's s3SecretAccessKeyName key, AWS_SECRET_ACCESS_KEY in Kubeflow's
 *   manifests (lines 291-295); the keys are read from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY
 *   (s3_secret.go:73-108). Annotations on the ServiceAccount are not read for such a Secret.
 */
export const kserveS3Annotation = {
  endpoint: "serving.kserve.io/s3-endpoint",
  useHttps: "serving.kserve.io/s3-usehttps",
  region: "serving.kserve.io/s3-region",
} as const;

/** How KServe's storage initializer reaches a team's store, given the store's kind. */
export interface KserveStoreAccess {
  /** Added to the model's ServiceAccount (default-editor) beside its cloud identity's annotations. */
  serviceAccountAnnotations: Record<string, string>;
  /** Put on the identity's credentials Secret, which the ServiceAccount must then list in `secrets:`. */
  credentialsSecretAnnotations: Record<string, string>;
}

/**
 * - gcs: nothing. The storage initializer opens gs:// with application default credentials
 *   (python/storage/kserve_storage/kserve_storage.py, _download_gcs), i.e. the pod's workload identity.
 * - s3 (IRSA): the region, read from the ServiceAccount because it carries the role ARN. The EKS pod
 *   identity webhook injects the token and role into init containers as well, and a region only if
 *   none is set; naming it here does not depend on that webhook's configuration.
 * - minio: the endpoint as host:port without scheme (KServe prefixes https:// unless s3-usehttps is
 *   "0": pkg/credentials/s3/utils.go:43-57), and the region, on the credentials Secret. boto3 then
 *   addresses buckets path-style because an endpoint URL is given.
 */
export function kserveStoreAccess(store: Pick<ObjectStore, "kind" | "region">, minioEndpoint?: string): KserveStoreAccess {
  switch (store.kind) {
    case "gcs":
      return { serviceAccountAnnotations: {}, credentialsSecretAnnotations: {} };
    case "s3":
      if (!store.region) throw new Error("an S3 store has no region; this is a bug in the cloud adapter");
      return { serviceAccountAnnotations: { [kserveS3Annotation.region]: store.region }, credentialsSecretAnnotations: {} };
    case "minio": {
      if (!minioEndpoint) throw new Error("a MinIO object store has no endpoint; this is a bug in the cloud adapter");
      const url = new URL(minioEndpoint);
      const https = url.protocol === "https:";
      return {
        serviceAccountAnnotations: {},
        credentialsSecretAnnotations: {
          [kserveS3Annotation.endpoint]: url.port ? `${url.hostname}:${url.port}` : url.hostname,
          [kserveS3Annotation.useHttps]: https ? "1" : "0",
          [kserveS3Annotation.region]: store.region ?? "us-east-1",
        },
      };
    }
  }
}

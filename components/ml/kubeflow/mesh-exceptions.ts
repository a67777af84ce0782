// The narrowest holes in the mesh's STRICT mTLS that Kubeflow needs, each scoped to one workload
// and one port (README, "Kubeflow: mesh exceptions"):
// - Pipelines stamps sidecar.istio.io/inject: "false" on every workflow pod (kubeflow/pipelines
//   #12015, not fixed in 2.16), so drivers and launchers call ml-pipeline (gRPC 8887) and
//   metadata-grpc (8080) in plain text. Upstream's AuthorizationPolicies already admit those calls
//   (ml-pipeline: requests without a kubeflow-userid header; metadata-grpc: any).
// - The API server, which has no mesh identity, calls the Pipelines cache webhook (8443), whose pod
//   carries a sidecar; upstream's AuthorizationPolicy service-cache-server admits any caller. (KServe's
//   LLMInferenceService webhook is not an exception here: its sidecar leaves 9443 alone, see the kserve
//   overlay; a PERMISSIVE port alone would not do, as the mesh's default deny still refuses the call.)
import type * as pulumi from "@pulumi/pulumi";
import { peerAuthentication } from "../../crds/istio";
import { kubeflowNamespace } from "./edge";

export interface MeshException {
  name: string;
  /** Pod labels of the one workload. */
  selector: Record<string, string>;
  /** The container port that accepts plain text. */
  port: number;
  why: string;
}

export const pipelinesExceptions: MeshException[] = [
  { name: "ml-pipeline-from-runs", selector: { app: "ml-pipeline" }, port: 8887, why: "workflow pods (no sidecar) call the API server over gRPC" },
  { name: "metadata-grpc-from-runs", selector: { component: "metadata-grpc-server" }, port: 8080, why: "workflow pods (no sidecar) record ML metadata" },
  { name: "cache-server-webhook", selector: { app: "cache-server" }, port: 8443, why: "the Kubernetes API server calls the cache webhook" },
];

export function meshExceptions(exceptions: MeshException[], opts: { parent: pulumi.Resource; dependsOn: pulumi.Resource[] }) {
  return exceptions.map((e) =>
    peerAuthentication(
      { name: e.name, namespace: kubeflowNamespace, annotations: { "platform/why": e.why } },
      { selector: { matchLabels: e.selector }, mtls: { mode: "STRICT" }, portLevelMtls: { [String(e.port)]: { mode: "PERMISSIVE" } } },
      opts,
    ),
  );
}

// The whole platform as one function: config -> cloud adapter -> add-ons ->
// stack outputs. Shared by the Pulumi entry point and the offline plan.
import * as pulumi from "@pulumi/pulumi";
import { createCloud } from "../components/cloud";
import { loadConfig } from "./config/load";

export async function platform(): Promise<Record<string, unknown>> {
  // Validation happens before any resource is declared; a ConfigError lists every problem.
  const config = loadConfig();
  const cloud = await createCloud(config);

  return {
    tier: config.tier,
    cloud: cloud.kind,
    clusterName: cloud.clusterName,
    // Existing clusters: the kubeconfig is the user's own, so it is not re-exported.
    ...(cloud.kubeconfig ? { kubeconfig: pulumi.secret(cloud.kubeconfig) } : {}),
  };
}

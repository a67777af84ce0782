// Loads the one cloud adapter a stack needs. The imports are dynamic so that a
// GKE stack never loads the AWS SDK and vice versa (start-up time and memory).
import type * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../infra/config/resolve";
import type { Cloud } from "./cloud";

export async function createCloud(config: PlatformConfig, opts?: pulumi.ComponentResourceOptions): Promise<Cloud> {
  const name = "cluster";
  const settings = config.cloud;
  switch (settings.kind) {
    case "gke": {
      const { GkeCluster } = await import("./gke");
      return new GkeCluster(name, { config, settings }, opts);
    }
    case "eks": {
      const { EksCluster } = await import("./eks");
      return new EksCluster(name, { config, settings }, opts);
    }
    case "existing": {
      const { ExistingCluster } = await import("./existing");
      return new ExistingCluster(name, { settings, config }, opts);
    }
  }
}

// The offline plan of one stack file, as a function (used by the CLI and the tests).
import { validateConfig } from "../infra/config/load";
import { platform } from "../infra/program";
import { runUnderMocks, type RunResult } from "./mock-runtime";
import { projectName, readStackFile } from "./stack-file";

export async function planStack(ref: string): Promise<RunResult> {
  const file = readStackFile(ref);
  // Fail on bad configuration before the mock runtime starts, as `pulumi up` fails before any resource.
  validateConfig(file.stack, file.config, file.secretKeys, { keys: Object.keys(file.config), paths: file.securePaths }, file.sources);
  return runUnderMocks({ project: projectName, stack: file.stack, config: file.config, secretKeys: file.secretKeys, program: platform });
}

/** Cloud SDK packages currently loaded in this process (evidence that a stack loads only its own). */
export function loadedCloudSdks(): string[] {
  const sdks = ["@pulumi/aws", "@pulumi/gcp"];
  const loaded = Object.keys(require.cache);
  return sdks.filter((sdk) => loaded.some((path) => path.includes(`/node_modules/${sdk}/`)));
}

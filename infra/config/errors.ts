// The two ways configuration fails: problems with the values (ConfigError) and
// problems with the stack file itself (StackFileError). Both are RunErrors, so
// Pulumi prints them without a stack trace, and the offline plan exits 1 on both.
import * as pulumi from "@pulumi/pulumi";

export interface Problem {
  /** platform:<section>.<path>, or the stack file (with its line) for file problems. */
  key: string;
  message: string;
}

/** A configuration error: Pulumi prints RunError messages without a stack trace. */
export class ConfigError extends pulumi.RunError {
  constructor(public readonly problems: Problem[]) {
    super(
      `invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p.key}: ${p.message}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/** The stack file cannot be read as a stack configuration (missing, YAML syntax, wrong shape). */
export class StackFileError extends ConfigError {
  constructor(file: string, message: string) {
    super([{ key: file, message }]);
    this.name = "StackFileError";
  }
}

/**
 * A key path in the syntax of `pulumi config set --path`:
 * platform:cloud + ["nodePools", 1, "labels", "nvidia.com/gpu"] -> platform:cloud.nodePools[1].labels["nvidia.com/gpu"]
 */
export function keyPath(root: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((key, p) => {
    if (typeof p === "number") return `${key}[${p}]`;
    const s = String(p);
    return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(s) ? `${key}.${s}` : `${key}[${JSON.stringify(s)}]`;
  }, root);
}

/** Messages echo at most this many characters of a value found in the configuration. */
export const maxEcho = 60;

/** A found value in double quotes, cut to maxEcho characters ("aaaa..."). */
export function quoted(value: string): string {
  return JSON.stringify(value.length > maxEcho ? `${value.slice(0, maxEcho - 3)}...` : value);
}

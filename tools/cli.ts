// The skeleton every plan tool's command line shares (plan, policy, plan:diff), so they agree on
// exit codes: a closed pipe (`| head`) is success; invalid stack configuration exits 1 with its
// problems and no stack trace; bad input (UsageError) exits 2 with one line; anything else is a bug:
// exit 2 with the stack trace.
import { ConfigError } from "../infra/config/load";

/** Bad input to a tool (a missing or malformed plan file): reported in one line, exit 2. */
export class UsageError extends Error {}

export function runCli(name: string, main: () => Promise<void>): void {
  process.stdout.on("error", (e: NodeJS.ErrnoException) => process.exit(e.code === "EPIPE" ? 0 : 2));
  main().catch((err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    if (err instanceof UsageError) {
      process.stderr.write(`${name}: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(2);
  });
}

// What every adapter's database() shares: consumer bookkeeping and generated passwords. No cloud SDK here.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

/** PostgreSQL major version of the stack's server: Cloud SQL, RDS and CloudNativePG alike. */
export const postgresMajor = 17;

/** Registers a consumer of the stack's database server; a second database() for the same consumer is a bug. */
export function claimConsumer(claimed: Set<string>, consumer: string): void {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(consumer)) {
    throw new Error(`database consumer "${consumer}" must be a lowercase identifier (a letter, then letters, digits or _; at most 63)`);
  }
  if (claimed.has(consumer)) {
    throw new Error(`database "${consumer}" is already defined on this stack; call database("${consumer}") once and share the result`);
  }
  claimed.add(consumer);
}

/**
 * A generated password for a database user, as a secret. Letters and digits only: it goes into
 * connection URIs (MLflow's backend store URI) unescaped, and RDS rejects / @ " and spaces.
 */
export function generatedPassword(name: string, opts: pulumi.CustomResourceOptions): pulumi.Output<string> {
  const pw = new random.RandomPassword(name, { length: 32, special: false }, opts);
  return pulumi.secret(pw.result);
}

// Physical names for cloud resources. They carry the stack so two stacks never
// collide in one project/account, and stay within each cloud's length limits by
// replacing the tail with a short stable hash instead of silently truncating.
import { createHash } from "node:crypto";

export function physicalName(stack: string, name: string, maxLength: number): string {
  const full = `${stack}-${name}`.toLowerCase().replace(/[^a-z0-9-]/g, "-");
  if (full.length <= maxLength) return full;
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 6);
  return `${full.slice(0, maxLength - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}

/** Google service account IDs: 6-30 characters, a letter first. */
export function gcpAccountId(stack: string, name: string): string {
  const id = physicalName(`ml-${stack}`, name, 30);
  return id.padEnd(6, "0");
}

/** The stack as a part of a GCP custom role ID ([a-zA-Z0-9_.], no hyphens), at most maxLength characters. */
export function gcpRoleIdPart(stack: string, maxLength: number): string {
  const id = stack.toLowerCase().replace(/[^a-z0-9]/g, "_");
  if (id.length <= maxLength) return id;
  const hash = createHash("sha256").update(stack).digest("hex").slice(0, 6);
  return `${id.slice(0, maxLength - hash.length - 1)}_${hash}`;
}

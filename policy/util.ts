// Small helpers shared by the policies.

/** The value at a dotted path, or undefined. */
export function get(obj: unknown, path: string): any {
  let cur: any = obj;
  for (const k of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = cur[k];
  }
  return cur;
}

export const asArray = <T>(v: T | T[] | undefined | null): T[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

const workloadTypes: Record<string, string> = {
  "kubernetes:apps/v1:Deployment": "spec.template.spec",
  "kubernetes:apps/v1:StatefulSet": "spec.template.spec",
  "kubernetes:apps/v1:DaemonSet": "spec.template.spec",
  "kubernetes:apps/v1:ReplicaSet": "spec.template.spec",
  "kubernetes:batch/v1:Job": "spec.template.spec",
  "kubernetes:batch/v1:CronJob": "spec.jobTemplate.spec.template.spec",
  "kubernetes:core/v1:Pod": "spec",
};
/** Kubernetes kinds the program may create directly that run containers (Helm charts are single resources). */
export const workloads = Object.keys(workloadTypes);

/** The pod spec of a workload, or undefined. */
export function podSpec(type: string, inputs: Record<string, unknown>): Record<string, any> | undefined {
  const path = workloadTypes[type];
  return path ? get(inputs, path) : undefined;
}

/** Every container of a pod spec (init and ephemeral too). */
export function containers(spec: Record<string, any> | undefined): Record<string, any>[] {
  if (!spec) return [];
  return [...asArray(spec.initContainers), ...asArray(spec.containers), ...asArray(spec.ephemeralContainers)].filter((c) => c && typeof c === "object");
}

/** A display name for messages. */
export const what = (r: { type: string; name: string }) => `${r.type.split(":").pop()} ${r.name}`;

/** A public CIDR that means "anyone". */
export const isAnywhere = (cidr: unknown) => cidr === "0.0.0.0/0" || cidr === "::/0";

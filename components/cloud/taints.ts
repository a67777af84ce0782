// Kubernetes taint effects in the spelling both GKE and EKS APIs use.
export const taintEffect = { NoSchedule: "NO_SCHEDULE", PreferNoSchedule: "PREFER_NO_SCHEDULE", NoExecute: "NO_EXECUTE" } as const;

// Kubernetes workload hardening (Pod Security "restricted" and the CIS Kubernetes Benchmark's 5.x),
// for the workloads this program creates directly. Helm charts are single resources in a plan and
// preview (kubernetes:helm.sh/v4:Chart), so their pods are checked through chart values, not here.
import type { Policy, PolicyResource } from "../types";
import { containers, podSpec, workloads } from "../util";

const containerCheck = (f: (c: Record<string, any>, pod: Record<string, any>) => string[]) => (r: PolicyResource) => {
  const pod = podSpec(r.type, r.inputs);
  return pod ? containers(pod).flatMap((c) => f(c, pod).map((m) => `container ${c.name ?? "?"}: ${m}`)) : [];
};

/** Image tag of a reference, "" when untagged (which pulls :latest); a digest counts as pinned. */
export function imageTag(image: string): string | undefined {
  if (image.includes("@sha256:")) return undefined;
  const last = image.split("/").pop() ?? "";
  const i = last.lastIndexOf(":");
  return i < 0 ? "" : last.slice(i + 1);
}

export const kubernetesPolicies: Policy[] = [
  {
    kind: "resource",
    id: "k8s-no-privileged",
    description: "No privileged containers and no privilege escalation (CIS Kubernetes 5.2.2, 5.2.6).",
    level: "mandatory",
    resourceTypes: workloads,
    check: containerCheck((c) => {
      const out: string[] = [];
      if (c.securityContext?.privileged === true) out.push("privileged");
      if (c.securityContext?.allowPrivilegeEscalation === true) out.push("allowPrivilegeEscalation is true");
      return out;
    }),
  },
  {
    kind: "resource",
    id: "k8s-no-host-namespaces",
    description: "Pods do not share the node's network, PID or IPC namespace (CIS Kubernetes 5.2.3-5.2.5).",
    level: "mandatory",
    resourceTypes: workloads,
    check: (r) => {
      const pod = podSpec(r.type, r.inputs);
      return pod ? (["hostNetwork", "hostPID", "hostIPC"] as const).filter((k) => pod[k] === true).map((k) => `${k} is true`) : [];
    },
  },
  {
    kind: "resource",
    id: "k8s-no-host-path",
    description: "Pods mount no hostPath volumes (node filesystem access).",
    level: "mandatory",
    resourceTypes: workloads,
    check: (r) => {
      const pod = podSpec(r.type, r.inputs);
      return (pod?.volumes ?? []).filter((v: any) => v?.hostPath).map((v: any) => `volume ${v.name} mounts hostPath ${v.hostPath.path}`);
    },
  },
  {
    kind: "resource",
    id: "k8s-image-pinned",
    description: "Container images are pinned: a version tag or a digest, never :latest or untagged.",
    level: "mandatory",
    resourceTypes: workloads,
    check: containerCheck((c) => {
      if (typeof c.image !== "string") return [];
      const tag = imageTag(c.image);
      if (tag === "") return [`image ${c.image} has no tag (pulls :latest)`];
      if (tag === "latest") return [`image ${c.image} uses :latest`];
      return [];
    }),
  },
  {
    kind: "resource",
    id: "k8s-resource-requests",
    description: "Containers request CPU and memory and limit memory, so the scheduler places them and a leak cannot starve a node.",
    level: "mandatory",
    resourceTypes: workloads,
    check: containerCheck((c) => {
      const out: string[] = [];
      if (!c.resources?.requests?.cpu) out.push("no CPU request");
      if (!c.resources?.requests?.memory) out.push("no memory request");
      if (!c.resources?.limits?.memory) out.push("no memory limit");
      return out;
    }),
  },
  {
    kind: "resource",
    id: "k8s-run-as-non-root",
    description: "Pods run as a non-root user (runAsNonRoot on the pod or every container) (CIS Kubernetes 5.2.7).",
    level: "mandatory",
    resourceTypes: workloads,
    check: containerCheck((c, pod) => (c.securityContext?.runAsNonRoot === true || (pod.securityContext?.runAsNonRoot === true && c.securityContext?.runAsNonRoot !== false) ? [] : ["runAsNonRoot is not set"])),
  },
  {
    kind: "resource",
    id: "k8s-drop-capabilities",
    description: "Containers drop all Linux capabilities (CIS Kubernetes 5.2.9).",
    level: "advisory",
    resourceTypes: workloads,
    check: containerCheck((c) => ((c.securityContext?.capabilities?.drop ?? []).includes("ALL") ? [] : ["does not drop ALL capabilities"])),
  },
  {
    kind: "resource",
    id: "k8s-read-only-root-filesystem",
    description: "Containers run with a read-only root filesystem.",
    level: "advisory",
    resourceTypes: workloads,
    check: containerCheck((c) => (c.securityContext?.readOnlyRootFilesystem === true ? [] : ["readOnlyRootFilesystem is not true"])),
  },
  {
    kind: "resource",
    id: "k8s-seccomp-profile",
    description: "Pods use the RuntimeDefault (or a Localhost) seccomp profile (CIS Kubernetes 5.7.2).",
    level: "advisory",
    resourceTypes: workloads,
    check: containerCheck((c, pod) => {
      const t = c.securityContext?.seccompProfile?.type ?? pod.securityContext?.seccompProfile?.type;
      return t === "RuntimeDefault" || t === "Localhost" ? [] : ["no RuntimeDefault seccomp profile"];
    }),
  },
  {
    kind: "resource",
    id: "k8s-no-default-service-account-token",
    description: "Workloads that do not call the Kubernetes API do not mount a service-account token (CIS Kubernetes 5.1.6).",
    level: "advisory",
    resourceTypes: ["kubernetes:batch/v1:Job", "kubernetes:batch/v1:CronJob"],
    check: (r) => {
      const pod = podSpec(r.type, r.inputs);
      return pod && !pod.serviceAccountName && pod.automountServiceAccountToken !== false ? ["mounts the default service account's token"] : [];
    },
  },
];

// The MySQL servers that Pipelines and Katib bundle, and the Secrets holding their root login, as
// the overlays and the program agree on them. Upstream ships fixed credentials (Pipelines' Secret
// mysql-secret: root with an empty password, and its server runs with MYSQL_ALLOW_EMPTY_PASSWORD;
// Katib's katib-mysql-secrets: root / "test"). The overlays delete those Secrets and make each
// server require its password; the program creates a Secret of the same name and keys with a
// generated password (mysql.ts), so no client needs a patch.
//
// Pure data, no Pulumi: tools/check-kustomize.ts checks every rendered overlay against it (the
// upstream Secret is gone, the server reads its root password from the Secret, every client reads it).
import type { KubeflowOverlay } from "./manifests";

export interface MysqlCredentials {
  /** The overlay that installs the server and its clients. */
  overlay: KubeflowOverlay;
  /** The Secret in namespace kubeflow: upstream's name, so the clients read it unchanged. */
  secret: string;
  /** The key holding the user name, if the clients read one (Katib's db-manager defaults to root). */
  userKey?: string;
  /** The key holding the root password. */
  passwordKey: string;
  /** The Deployment running the MySQL server: MYSQL_ROOT_PASSWORD from the Secret, no empty password. */
  server: string;
  /** Deployments that log in with the Secret's credentials. */
  clients: readonly string[];
}

/**
 * Both servers are used as root: Pipelines' API server and metadata server create their databases
 * (mlpipeline, cachedb, metadb) at start, and Katib's db-manager logs in as root by default.
 */
export const mysqlUser = "root";

export const kubeflowMysql = {
  pipelines: { overlay: "pipelines", secret: "mysql-secret", userKey: "username", passwordKey: "password", server: "mysql", clients: ["ml-pipeline", "metadata-grpc-deployment", "cache-server"] },
  katib: { overlay: "katib", secret: "katib-mysql-secrets", passwordKey: "MYSQL_ROOT_PASSWORD", server: "katib-mysql", clients: ["katib-db-manager"] },
} as const satisfies Record<string, MysqlCredentials>;

export type KubeflowMysql = keyof typeof kubeflowMysql;

/** The keys of a Secret: what its clients may reference. */
export const secretKeys = (m: MysqlCredentials): string[] => (m.userKey ? [m.userKey, m.passwordKey] : [m.passwordKey]);

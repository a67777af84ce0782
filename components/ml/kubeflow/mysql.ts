// Root credentials of the MySQL servers Pipelines and Katib bundle (which Secret, keys and
// Deployments: mysql-secrets.ts): one generated password per server, kept as a Pulumi secret, in
// a Secret of upstream's name in namespace kubeflow. The overlay's Directory waits for it, so the
// server initializes with this password and no client starts with a missing Secret.
//
// MySQL reads MYSQL_ROOT_PASSWORD only when it initializes an empty data directory; afterwards the
// password lives in the data on the volume, and a new one in the Secret would lock every client
// out. So nothing rotates it silently: no keepers, and the generator's settings are ignored once
// the password exists (editing length or character set here does not replace it). Rotating is a
// deliberate act (README, "Pipelines' and Katib's MySQL"). Letters and digits only: Katib's probes
// pass the password through bash unquoted (`-p${MYSQL_ROOT_PASSWORD}`), and the Pipelines clients
// get it through `$(VAR)` expansion in their arguments.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { kubeflowNamespace } from "./edge";
import { kubeflowMysql, mysqlUser, type KubeflowMysql } from "./mysql-secrets";

/** Every input of RandomPassword (the Record makes tsc name a new one): none may replace the password. */
const generatorInputs: Record<keyof random.RandomPasswordArgs, true> = {
  keepers: true,
  length: true,
  lower: true,
  minLower: true,
  minNumeric: true,
  minSpecial: true,
  minUpper: true,
  number: true,
  numeric: true,
  overrideSpecial: true,
  special: true,
  upper: true,
};
export const passwordIgnoreChanges = Object.keys(generatorInputs);

export interface KubeflowMysqlArgs {
  /** The Directory that creates the kubeflow namespace. */
  kubeflowNamespace: pulumi.Resource;
  parent: pulumi.Resource;
}

/** The Secret per server; each overlay's Directory must depend on its own. */
export function kubeflowMysqlSecrets(args: KubeflowMysqlArgs): Record<KubeflowMysql, k8s.core.v1.Secret> {
  const make = (server: KubeflowMysql) => {
    const m = kubeflowMysql[server];
    const password = new random.RandomPassword(`kubeflow-${server}-mysql-root`, { length: 32, special: false }, { parent: args.parent, ignoreChanges: passwordIgnoreChanges });
    // Explicitly secret: the provider marks `result` secret only when the engine honours additionalSecretOutputs.
    const secret = pulumi.secret(password.result);
    const stringData: Record<string, pulumi.Input<string>> = { [m.passwordKey]: secret };
    if ("userKey" in m) stringData[m.userKey] = mysqlUser;
    return new k8s.core.v1.Secret(
      `kubeflow-${m.secret}`,
      { metadata: { name: m.secret, namespace: kubeflowNamespace, labels: { "app.kubernetes.io/part-of": "mlops-platform" } }, type: "Opaque", stringData },
      { parent: args.parent, dependsOn: [args.kubeflowNamespace] },
    );
  };
  return { pipelines: make("pipelines"), katib: make("katib") };
}

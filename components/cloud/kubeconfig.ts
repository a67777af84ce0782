// A kubeconfig whose credentials come from an exec plugin (gke-gcloud-auth-plugin,
// aws eks get-token), so no long-lived token is ever written to state.
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";

export interface ExecKubeconfigArgs {
  name: pulumi.Input<string>;
  /** https URL or bare host of the API server */
  endpoint: pulumi.Input<string>;
  /** base64 PEM of the cluster CA */
  caData: pulumi.Input<string>;
  command: string;
  args: pulumi.Input<string>[];
  installHint: string;
}

export function execKubeconfig(a: ExecKubeconfigArgs): pulumi.Output<string> {
  const doc = pulumi.all([a.name, a.endpoint, a.caData, pulumi.all(a.args)]).apply(([name, endpoint, caData, args]) =>
    stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name, cluster: { server: endpoint.startsWith("https://") ? endpoint : `https://${endpoint}`, "certificate-authority-data": caData } }],
      users: [
        {
          name,
          user: {
            exec: {
              apiVersion: "client.authentication.k8s.io/v1beta1",
              command: a.command,
              args,
              installHint: a.installHint,
              provideClusterInfo: true,
              interactiveMode: "Never",
            },
          },
        },
      ],
      contexts: [{ name, context: { cluster: name, user: name } }],
      "current-context": name,
    }),
  );
  return pulumi.secret(doc);
}

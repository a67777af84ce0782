// The program publishes each team's models (platform:kubeflow.teams[].models): one VirtualService
// per model in the team's namespace, on kubeflow/models-gateway, for the host KServe reports,
// https://<model>-<team>.models.<domain>, to the model's predictor Service. Teams cannot do this
// themselves: at 26.03 kubeflow-edit/-admin grant only read access to Istio routes, on purpose, as a
// team that could bind routes to a shared Gateway could claim another host (kubeflow.<domain>).
//
// Who may call a model: the team. Model hosts take a Dex Bearer token only (GatewayAuth apiHosts),
// and the gateway sets kubeflow-userid from that verified token on every request there. The team
// namespace's policies then decide, as for the team's notebooks: the profile controller's
// ns-owner-access-istio admits the owner, the KFAM-shaped policies (teams.ts) each member, both
// from the ingress gateway's principal. No policy of its own is needed, and none is added: one
// admitting the gateway without the header condition would open the model to every signed-in user.
import type * as pulumi from "@pulumi/pulumi";
import { virtualService } from "../../crds/istio";
import type { UiRoutes } from "../../identity/ui-routes";
import type { TeamModel } from "../../../infra/config/kubeflow";
import { modelsDomain, modelsGatewayRef } from "./kserve";

/** KServe 0.16 Standard mode: Service <isvc>-predictor, port 80 (constants.PredictorServiceName, CommonDefaultHttpPort). */
export const predictorService = (model: string, team: string) => ({ host: `${model}-predictor.${team}.svc.cluster.local`, port: 80 });

/** The host KServe reports for a model (domainTemplate in kserve.ts). */
export const modelHost = (model: string, team: string, domain: string) => `${model}-${team}.${modelsDomain(domain)}`;

export interface ModelRoutesArgs {
  routes: Pick<UiRoutes, "domain" | "dependsOn">;
  team: string;
  models: TeamModel[];
  /** The team's Profile: its namespace must exist. */
  profile: pulumi.Resource;
  parent: pulumi.Resource;
}

export function modelRoutes(args: ModelRoutesArgs) {
  return args.models.map((m) => {
    const backend = predictorService(m.name, args.team);
    return virtualService(
      { name: `model-${m.name}`, namespace: args.team },
      {
        hosts: [modelHost(m.name, args.team, args.routes.domain)],
        gateways: [modelsGatewayRef],
        http: [{ name: "predictor", route: [{ destination: { host: backend.host, port: { number: backend.port } } }] }],
      },
      // Like every route: after istiod and, where DNS is published, external-dns (deleted first on destroy).
      { parent: args.parent, dependsOn: [...args.routes.dependsOn, args.profile] },
    );
  });
}

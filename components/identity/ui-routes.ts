// How a UI joins the platform, written once: a host <ui>.<domain> on the platform gateway. A
// protected host also serves oauth2-proxy's /oauth2/ paths (callback, sign-out) on itself, so the
// SSO round trip ends on the host the user asked for (oauth2-proxy builds its relative callback URL
// from the request's host, and Dex accepts the callbacks of exactly the protected hosts).
import type * as pulumi from "@pulumi/pulumi";
import { authorizationPolicy, virtualService, type HttpRoute } from "../crds/istio";
import { gatewayRef } from "../edge/gateway";
import { ingressGatewayPrincipal } from "../edge/istio";
import { oauth2CallbackPath, oauth2ProxyService } from "./sso";

export interface UiRoutes {
  domain: string;
  /** UIs behind SSO; each gets its callback registered with Dex. */
  protectedUis: readonly string[];
  /**
   * Every route waits for these: istiod (CRDs, validation webhook) and, where DNS is published,
   * external-dns, so that `pulumi destroy` deletes the routes first and external-dns can delete
   * their records before it goes.
   */
  dependsOn: pulumi.Resource[];
}

export const uiHost = (routes: Pick<UiRoutes, "domain">, ui: string) => `${ui}.${routes.domain}`;

/** The callback URLs Dex must accept for the oauth2-proxy client: one per protected host. */
export const ssoCallbacks = (routes: Pick<UiRoutes, "domain" | "protectedUis">) => routes.protectedUis.map((ui) => `https://${uiHost(routes, ui)}${oauth2CallbackPath}`);

export interface RouteArgs {
  /** Namespace of the VirtualService (the UI's own). */
  namespace: string;
  ui: string;
  http: HttpRoute[];
}

const oauth2Route: HttpRoute = {
  name: "oauth2-proxy",
  match: [{ uri: { prefix: "/oauth2/" } }],
  route: [{ destination: { host: oauth2ProxyService.service, port: { number: oauth2ProxyService.port } } }],
};

/** A UI behind SSO: /oauth2/ goes to oauth2-proxy, everything else to the UI's own routes. */
export function protectedRoute(routes: UiRoutes, args: RouteArgs, opts: { parent: pulumi.Resource; dependsOn?: pulumi.Resource[] }) {
  if (!routes.protectedUis.includes(args.ui)) {
    throw new Error(`UI "${args.ui}" is not in the protected UIs (${routes.protectedUis.join(", ")}); add it so Dex accepts its SSO callback`);
  }
  return route(routes, { ...args, http: [oauth2Route, ...args.http] }, opts);
}

/** A host outside SSO (Dex itself). */
export function publicRoute(routes: UiRoutes, args: RouteArgs, opts: { parent: pulumi.Resource; dependsOn?: pulumi.Resource[] }) {
  return route(routes, args, opts);
}

function route(routes: UiRoutes, args: RouteArgs, opts: { parent: pulumi.Resource; dependsOn?: pulumi.Resource[] }) {
  return virtualService(
    { name: args.ui, namespace: args.namespace },
    { hosts: [uiHost(routes, args.ui)], gateways: [gatewayRef], http: args.http },
    { parent: opts.parent, dependsOn: [...routes.dependsOn, ...(opts.dependsOn ?? [])] },
  );
}

/**
 * Under the mesh's default deny, a UI's namespace accepts traffic from the ingress gateway only
 * (every request there has passed SSO). In-cluster clients need an allow of their own.
 */
export function allowFromGateway(namespace: string, opts: { parent: pulumi.Resource; dependsOn: pulumi.Resource[] }) {
  return authorizationPolicy(
    { name: "allow-from-ingressgateway", namespace },
    { action: "ALLOW", rules: [{ from: [{ source: { principals: [ingressGatewayPrincipal] } }] }] },
    opts,
  );
}

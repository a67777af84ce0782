// oauth2-proxy: Dex's OIDC client and Istio's ext_authz authorizer. Users without a
// session are sent to Dex; with one, requests get the ID token as a bearer token.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { helmChart, namespace } from "../helm";
import { charts } from "../../infra/versions";
import { dexService } from "./dex";
import { oauth2CallbackPath, oauth2ProxyClientId, oauth2ProxyNamespace, oauth2ProxyService, sessionRefreshMinutes } from "./sso";
import { allowFromGateway, protectedRoute, uiHost, type UiRoutes } from "./ui-routes";

export interface OAuth2ProxyArgs {
  domain: string;
  routes: UiRoutes;
  dexIssuer: string;
  clientSecret: pulumi.Output<string>;
  sessionLifetime: string;
  emailDomains: string[];
  /** istiod: the namespace is in the mesh, so it and its pods wait for the sidecar injector. */
  istioControlPlane: pulumi.Resource;
  replicas: number;
}

/** oauth2_proxy.cfg is TOML; these values are strings, booleans and string lists, which JSON writes as TOML does. */
function toCfg(settings: Record<string, string | boolean | string[]>): string {
  return Object.entries(settings)
    .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
    .join("\n");
}

export class OAuth2Proxy extends pulumi.ComponentResource {
  public readonly signInUrl: string;

  constructor(name: string, args: OAuth2ProxyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:identity:OAuth2Proxy", name, {}, opts);
    const ns = namespace(oauth2ProxyNamespace, args.istioControlPlane, { parent: this });
    const authHost = uiHost(args.routes, "auth");
    this.signInUrl = `https://${authHost}/oauth2/sign_in`;
    // 32 bytes: AES-256 for the session cookie.
    const cookieSecret = new random.RandomPassword("cookie-secret", { length: 32, special: false }, { parent: this });

    const cfg = toCfg({
      provider: "oidc",
      provider_display_name: "Platform SSO",
      oidc_issuer_url: args.dexIssuer,
      // Discovery would go out through the public load balancer; use Dex's in-cluster endpoints.
      skip_oidc_discovery: true,
      login_url: `${args.dexIssuer}/auth`,
      redeem_url: `${dexService}/token`,
      oidc_jwks_url: `${dexService}/keys`,
      // Relative: completed with the host being signed in (https, as cookies are secure), so the round
      // trip ends on that host and the stored relative redirect resolves there, not on auth.<domain>.
      redirect_url: oauth2CallbackPath,
      scope: "openid profile email groups offline_access",
      email_domains: args.emailDomains,
      upstreams: ["static://200"],
      code_challenge_method: "S256",
      skip_provider_button: true,
      cookie_name: "_platform_sso",
      cookie_secure: true,
      cookie_samesite: "lax",
      cookie_domains: [`.${args.domain}`],
      whitelist_domains: [`.${args.domain}`],
      cookie_expire: args.sessionLifetime,
      cookie_refresh: `${sessionRefreshMinutes}m`,
      // The ID token goes upstream as a bearer token; Istio verifies it (RequestAuthentication).
      set_authorization_header: true,
      set_xauthrequest: true,
      skip_jwt_bearer_tokens: true,
      // API clients get 401, not a login redirect.
      api_routes: ["^/api/", "^/apis/", "^/ml_metadata"],
      // Forwarded headers are trusted only from the local Istio sidecar (the default trusts everyone).
      reverse_proxy: true,
      trusted_proxy_ips: ["127.0.0.1/32", "127.0.0.6/32", "::1/128"],
    });

    helmChart(
      "oauth2-proxy",
      oauth2ProxyNamespace,
      charts.oauth2Proxy,
      {
        replicaCount: args.replicas,
        config: { clientID: oauth2ProxyClientId, clientSecret: args.clientSecret, cookieSecret: pulumi.secret(cookieSecret.result), configFile: cfg },
      },
      { parent: this, dependsOn: [ns] },
    );

    // auth.<domain>: sign-in and sign-out; its root shows who is signed in (oauth2-proxy's userinfo).
    protectedRoute(
      args.routes,
      {
        namespace: oauth2ProxyNamespace,
        ui: "auth",
        http: [
          {
            name: "whoami",
            match: [{ uri: { exact: "/" } }],
            rewrite: { uri: "/oauth2/userinfo" },
            route: [{ destination: { host: oauth2ProxyService.service, port: { number: oauth2ProxyService.port } } }],
          },
        ],
      },
      { parent: this, dependsOn: [ns] },
    );
    // Under the mesh's default-deny, oauth2-proxy accepts ext_authz checks and sign-in traffic from the gateway only.
    allowFromGateway(oauth2ProxyNamespace, { parent: this, dependsOn: [ns] });
    this.registerOutputs({ signInUrl: this.signInUrl });
  }
}

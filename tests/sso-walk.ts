// A browser's walk through the platform's single sign-on, computed from a plan: the gateway's
// listeners and AuthorizationPolicies, the VirtualServices, oauth2-proxy's configuration and Dex's
// registered callbacks. It models the documented behaviour of each piece (Istio ext_authz and
// policy matching, oauth2-proxy's redirect and callback handling, Dex's redirect URI check), so a
// wiring mistake (a callback on the wrong host, a missing route, a policy on the HTTP listener)
// shows up as a failed walk instead of as a 404 after a user's first login.
import type { Plan } from "../tools/mock-runtime";
import { gatewayNamespace } from "../components/edge/istio";

export interface Step {
  url: string;
  /** What answered: "gateway", "oauth2-proxy", "dex", or the routed upstream host. */
  by: string;
  status: number;
  location?: string;
}

interface Route {
  hosts: string[];
  gateways: string[];
  namespace: string;
  http: { match?: { uri?: { prefix?: string; exact?: string } }[]; rewrite?: { uri?: string }; route?: { destination: { host: string } }[] }[];
}

interface Policy {
  action: string;
  ports?: string[];
  hosts?: string[];
  notHosts: string[];
  paths?: string[];
  notPaths: string[];
  needsNoAuthHeader: boolean;
  deniesWithoutPrincipal: boolean;
}

const crInputs = (plan: Plan, kind: string) => plan.resources.filter((r) => r.type.endsWith(`:${kind}`) && (r.inputs as any).kind === kind).map((r) => r.inputs as any);

/** oauth2_proxy.cfg lines are `key = <JSON value>`. */
function parseCfg(cfg: string): Record<string, any> {
  return Object.fromEntries(
    cfg
      .split("\n")
      .filter((l) => l.includes(" = "))
      .map((l) => [l.slice(0, l.indexOf(" = ")), JSON.parse(l.slice(l.indexOf(" = ") + 3))]),
  );
}

/** Istio's host/path glob: a leading or trailing "*". */
function glob(pattern: string, value: string): boolean {
  if (pattern === "*") return true;
  if (pattern.endsWith("*")) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith("*")) return value.endsWith(pattern.slice(1));
  return pattern === value;
}

export class SsoModel {
  readonly routes: Route[];
  readonly policies: Policy[];
  readonly oauth2: Record<string, any>;
  readonly oauth2Service: string;
  readonly dexCallbacks: string[];
  readonly redirectOnHttp: boolean;
  /** Cookies the browser holds, by domain. */
  private readonly cookies = new Map<string, string>();
  private readonly pending = new Map<string, string>();

  constructor(plan: Plan, readonly gatewayRef: string) {
    const [gwNs, gwName] = gatewayRef.split("/");
    // The SSO policies select the ingress gateway's pods, whichever Gateway resource a host is on.
    const gw = crInputs(plan, "Gateway").find((g) => g.metadata.name === gwName && g.metadata.namespace === gwNs);
    if (!gw) throw new Error(`no Gateway ${gatewayRef} in the plan`);
    this.redirectOnHttp = gw.spec.servers.some((s: any) => s.port.number === 80 && s.tls?.httpsRedirect === true);
    this.routes = crInputs(plan, "VirtualService").map((v) => ({ ...v.spec, namespace: v.metadata.namespace }));
    this.policies = crInputs(plan, "AuthorizationPolicy")
      .filter((p) => p.metadata.namespace === gatewayNamespace && p.spec.selector && p.spec.action !== "ALLOW")
      .map((p) => {
        const rule = p.spec.rules[0];
        const op = rule.to?.[0]?.operation ?? {};
        return {
          action: p.spec.action,
          ports: op.ports,
          hosts: op.hosts,
          notHosts: op.notHosts ?? [],
          paths: op.paths,
          notPaths: op.notPaths ?? [],
          needsNoAuthHeader: (rule.when ?? []).some((w: any) => w.key === "request.headers[authorization]" && w.notValues?.includes("*")),
          deniesWithoutPrincipal: (rule.from ?? []).some((f: any) => f.source?.notRequestPrincipals?.includes("*")),
        };
      });
    const charts = plan.resources.filter((r) => r.type === "kubernetes:helm.sh/v4:Chart");
    const proxy = charts.find((c) => (c.inputs as any).chart === "oauth2-proxy")!.inputs as any;
    this.oauth2 = parseCfg(proxy.values.config.configFile);
    this.oauth2Service = `oauth2-proxy.${proxy.namespace}.svc.cluster.local`;
    const dex = charts.find((c) => (c.inputs as any).chart === "dex")!.inputs as any;
    this.dexCallbacks = dex.values.config.staticClients.find((c: any) => c.id === proxy.values.config.clientID).redirectURIs;
  }

  private route(host: string, path: string): { upstream: string; path: string } | undefined {
    for (const r of this.routes.filter((r) => r.hosts.includes(host) && r.gateways.includes(this.gatewayRef))) {
      for (const rule of r.http) {
        const matches = !rule.match || rule.match.some((m) => (m.uri?.prefix ? path.startsWith(m.uri.prefix) : m.uri?.exact ? path === m.uri.exact : true));
        if (matches && rule.route) return { upstream: rule.route[0].destination.host, path: rule.rewrite?.uri ?? path };
      }
    }
    return undefined;
  }

  /**
   * Whether a policy's rule matches. `authority`: the Host header as sent when it names a port other
   * than the listener's (Istio matches hosts as sent, port included; routing ignores the port);
   * otherwise clients may send the host with or without the listener's port, and both are tried.
   */
  private applies(p: Policy, port: number, host: string, path: string, hasAuth: boolean, authority?: string): boolean {
    const sent = authority ? [authority] : [host, `${host}:${port}`];
    if (p.ports && !p.ports.includes(String(port))) return false;
    if (p.hosts && !p.hosts.some((h) => sent.some((s) => glob(h, s)))) return false;
    if (p.notHosts.some((h) => sent.some((s) => glob(h, s)))) return false;
    if (p.paths && !p.paths.some((x) => glob(x, path))) return false;
    if (p.notPaths.some((x) => glob(x, path))) return false;
    if (p.needsNoAuthHeader && hasAuth) return false;
    return true;
  }

  private cookieFor(host: string): string | undefined {
    for (const [domain, value] of this.cookies) if (host === domain.replace(/^\./, "") || host.endsWith(domain)) return value;
    return undefined;
  }

  /**
   * One request, as the gateway and the components behind it answer it. `bearer`: the request carries
   * a valid Dex ID token of oauth2-proxy's (RequestAuthentication verifies it, ext_authz is skipped).
   */
  request(url: string, bearer = false): Step {
    const u = new URL(url);
    // A URL's explicit port is only the Host header's: the gateway still listens on 443 (or 80).
    const port = u.protocol === "https:" ? 443 : 80;
    const host = u.hostname;
    const authority = u.port ? u.host : undefined;
    if (port === 80) {
      // Policies on the HTTP listener would answer before the redirect does (istio/istio#36498).
      const blocking = this.policies.find((p) => this.applies(p, 80, host, u.pathname, false));
      if (blocking) return { url, by: "gateway", status: 403 };
      return this.redirectOnHttp ? { url, by: "gateway", status: 301, location: `https://${host}${u.pathname}${u.search}` } : { url, by: "gateway", status: 404 };
    }
    // Dex itself (login pages, /auth, /callback) is outside SSO.
    if (host === new URL(this.oauth2.login_url).hostname && u.pathname === new URL(this.oauth2.login_url).pathname) return this.dexLogin(u);
    let principal = bearer;
    const custom = this.policies.find((p) => p.action === "CUSTOM" && this.applies(p, port, host, u.pathname, bearer, authority));
    if (custom) {
      const session = this.cookieFor(host);
      if (!session) return this.signIn(u);
      principal = true; // oauth2-proxy hands the gateway the session's ID token as a bearer token
    }
    const deny = this.policies.find((p) => p.action === "DENY" && p.deniesWithoutPrincipal && this.applies(p, port, host, u.pathname, principal, authority));
    if (deny && !principal) return { url, by: "gateway", status: 403 };
    const target = this.route(host, u.pathname);
    if (!target) return { url, by: "gateway", status: 404 };
    if (target.upstream === this.oauth2Service) return this.oauth2Endpoint(u, target.path);
    return { url, by: target.upstream, status: 200 };
  }

  /** oauth2-proxy as ext_authz without a session: a redirect to Dex carrying its callback for this host. */
  private signIn(u: URL): Step {
    if ((this.oauth2.api_routes as string[]).some((r) => new RegExp(r).test(u.pathname))) return { url: u.href, by: "oauth2-proxy", status: 401 };
    const redirectUrl: string = this.oauth2.redirect_url;
    // A relative redirect_url takes the request's host; cookie_secure forces https.
    const callback = redirectUrl.startsWith("/") ? `${this.oauth2.cookie_secure ? "https" : u.protocol.slice(0, -1)}://${u.host}${redirectUrl}` : redirectUrl;
    // ext_authz checks carry no X-Forwarded-Host, so the stored redirect is the path alone.
    const state = `state-${this.pending.size}`;
    this.pending.set(state, `${u.pathname}${u.search}`);
    const login = new URL(this.oauth2.login_url);
    login.searchParams.set("redirect_uri", callback);
    login.searchParams.set("state", state);
    return { url: u.href, by: "oauth2-proxy", status: 302, location: login.href };
  }

  /** Dex: the user signs in upstream; Dex redirects only to a registered callback. */
  private dexLogin(u: URL): Step {
    const callback = u.searchParams.get("redirect_uri")!;
    if (!this.dexCallbacks.includes(callback)) return { url: u.href, by: "dex", status: 400 };
    return { url: u.href, by: "dex", status: 302, location: `${callback}?code=c&state=${u.searchParams.get("state")}` };
  }

  /** oauth2-proxy's own endpoints, reached through a route. */
  private oauth2Endpoint(u: URL, path: string): Step {
    if (path === "/oauth2/callback") {
      const stored = this.pending.get(u.searchParams.get("state") ?? "");
      if (!stored) return { url: u.href, by: "oauth2-proxy", status: 403 };
      for (const d of this.oauth2.cookie_domains as string[]) this.cookies.set(d, "session");
      // A relative redirect resolves against the callback's own URL.
      return { url: u.href, by: "oauth2-proxy", status: 302, location: new URL(stored, u).href };
    }
    if (path === "/oauth2/userinfo") return { url: u.href, by: "oauth2-proxy", status: this.cookieFor(u.hostname) ? 200 : 401 };
    if (path.startsWith("/oauth2/")) return { url: u.href, by: "oauth2-proxy", status: 200 };
    return { url: u.href, by: "oauth2-proxy", status: 200 };
  }

  /** Follows redirects from `url` until a final answer (at most 10 hops). */
  walk(url: string): Step[] {
    const steps: Step[] = [];
    let next: string | undefined = url;
    while (next && steps.length < 10) {
      const step = this.request(next);
      steps.push(step);
      next = step.status >= 300 && step.status < 400 ? step.location : undefined;
    }
    return steps;
  }
}

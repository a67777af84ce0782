// Dex: the platform's OIDC provider at https://dex.<domain>. Upstream identity
// providers come from config; static clients (oauth2-proxy) get generated secrets.
// No secret appears in the chart's values: they reach Dex as environment variables
// from a Secret (secretEnv / $VAR / hashFromEnv).
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import bcrypt from "bcryptjs";
import type { ConnectorInput } from "../../infra/config/schema";
import type { StaticUser } from "../../infra/config/resolve";
import { helmChart, namespace } from "../helm";
import { idTokenLifetimeMinutes } from "./sso";
import { publicRoute, type UiRoutes } from "./ui-routes";
import { charts } from "../../infra/versions";

export const dexNamespace = "auth";
export const dexService = `http://dex.${dexNamespace}.svc.cluster.local:5556`;

export interface DexClient {
  id: string;
  name: string;
  redirectURIs: string[];
}

export interface DexArgs {
  domain: string;
  connectors: ConnectorInput[];
  staticUsers: StaticUser[];
  clients: DexClient[];
  /** Refresh tokens live as long as the SSO session. */
  sessionLifetime: string;
  routes: UiRoutes;
  replicas: number;
}

const envName = (...parts: string[]) => parts.join("_").toUpperCase().replace(/[^A-Z0-9]/g, "_");

/** A bcrypt hash with a salt derived from the user, so the hash (and the plan) is stable between runs. */
export function stableBcrypt(password: string, saltSeed: string): string {
  const saltBytes = [...createHash("sha256").update(saltSeed).digest().subarray(0, 16)];
  return bcrypt.hashSync(password, `$2b$10$${bcrypt.encodeBase64(saltBytes, 16)}`);
}

/** Dex connector config for one configured identity provider; secrets by $ENV reference. */
export function dexConnector(c: ConnectorInput, redirectURI: string): { connector: Record<string, unknown>; secretEnv?: string } {
  const secretEnv = c.type === "saml" ? undefined : envName("connector", c.id, "client_secret");
  const oauth = c.type === "saml" ? {} : { clientID: c.clientId, clientSecret: `$${secretEnv}`, redirectURI };
  const base = { id: c.id, name: c.name };
  switch (c.type) {
    case "google":
      return { secretEnv, connector: { ...base, type: "google", config: { ...oauth, hostedDomains: c.hostedDomains } } };
    case "entra":
      // Entra passes the userPrincipalName's case through; Kubeflow matches emails exactly and config lowercases them.
      return { secretEnv, connector: { ...base, type: "microsoft", config: { ...oauth, tenant: c.tenantId, emailToLowercase: true } } };
    case "cognito":
      return {
        secretEnv,
        connector: {
          ...base,
          type: "oidc",
          config: { ...oauth, issuer: `https://cognito-idp.${c.region}.amazonaws.com/${c.userPoolId}`, scopes: ["openid", "email", "profile"], insecureSkipEmailVerified: true },
        },
      };
    case "oidc":
      return {
        secretEnv,
        connector: { ...base, type: "oidc", config: { ...oauth, issuer: c.issuer, scopes: c.scopes, insecureSkipEmailVerified: c.insecureSkipEmailVerified } },
      };
    case "github":
      return { secretEnv, connector: { ...base, type: "github", config: { ...oauth, orgs: c.orgs, loadAllGroups: false } } };
    case "saml":
      return {
        connector: {
          ...base,
          type: "saml",
          config: { ssoURL: c.ssoURL, caData: Buffer.from(c.caPem).toString("base64"), redirectURI, usernameAttr: c.usernameAttr, emailAttr: c.emailAttr, groupsAttr: c.groupsAttr, entityIssuer: c.entityIssuer },
        },
      };
  }
}

export class Dex extends pulumi.ComponentResource {
  public readonly issuer: string;
  /** Generated client secrets, by client ID (secret Outputs). */
  public readonly clientSecrets: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: DexArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:identity:Dex", name, {}, opts);
    this.issuer = `https://dex.${args.domain}`;
    const callback = `${this.issuer}/callback`;
    // Dex stays outside the mesh: istiod and oauth2-proxy fetch its keys and tokens in-cluster in plain HTTP.
    const ns = namespace(dexNamespace, undefined, { parent: this });

    const env: Record<string, pulumi.Input<string>> = {};
    this.clientSecrets = {};
    const staticClients = args.clients.map((c) => {
      const secret = new random.RandomPassword(`dex-client-${c.id}`, { length: 40, special: false }, { parent: this });
      // Explicitly secret: the provider marks `result` secret only when the engine honours additionalSecretOutputs.
      this.clientSecrets[c.id] = pulumi.secret(secret.result);
      const secretEnv = envName("client", c.id, "secret");
      env[secretEnv] = this.clientSecrets[c.id];
      return { id: c.id, name: c.name, secretEnv, redirectURIs: c.redirectURIs };
    });
    const connectors = args.connectors.map((c) => {
      const { connector, secretEnv } = dexConnector(c, callback);
      if (secretEnv && c.type !== "saml") env[secretEnv] = c.clientSecret;
      return connector;
    });
    const staticPasswords = args.staticUsers.map((u, i) => {
      const hashEnv = envName("static_user", String(i), "hash");
      env[hashEnv] = pulumi.secret(u.password.apply((p) => stableBcrypt(p, `${pulumi.getStack()}/${u.email}`)));
      const userID = createHash("sha256").update(u.email).digest("hex").slice(0, 32);
      return { email: u.email, username: u.username, userID, hashFromEnv: hashEnv };
    });

    const envSecret = new k8s.core.v1.Secret(
      "dex-env",
      { metadata: { name: "dex-env", namespace: dexNamespace }, stringData: pulumi.secret(env) as pulumi.Output<Record<string, string>> },
      { parent: this, dependsOn: [ns] },
    );

    helmChart(
      "dex",
      dexNamespace,
      charts.dex,
      {
        replicaCount: args.replicas,
        envFrom: [{ secretRef: { name: "dex-env" } }],
        // Restart Dex when a secret it reads changes.
        podAnnotations: { "checksum/env": pulumi.secret(envSecret.stringData).apply((d) => createHash("sha256").update(JSON.stringify(d)).digest("hex").slice(0, 16)) },
        config: {
          issuer: this.issuer,
          storage: { type: "kubernetes", config: { inCluster: true } },
          oauth2: { skipApprovalScreen: true, responseTypes: ["code"] },
          expiry: { idTokens: `${idTokenLifetimeMinutes}m`, refreshTokens: { validIfNotUsedFor: args.sessionLifetime, absoluteLifetime: args.sessionLifetime } },
          connectors,
          enablePasswordDB: staticPasswords.length > 0,
          staticPasswords,
          staticClients,
        },
      },
      { parent: this, dependsOn: [ns, envSecret] },
    );

    publicRoute(
      args.routes,
      { namespace: dexNamespace, ui: "dex", http: [{ route: [{ destination: { host: `dex.${dexNamespace}.svc.cluster.local`, port: { number: 5556 } } }] }] },
      { parent: this, dependsOn: [ns] },
    );
    this.registerOutputs({ issuer: this.issuer });
  }
}

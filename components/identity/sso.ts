// Names of the single sign-on wiring that several components share: where oauth2-proxy runs, its
// Dex client, and where its callback lives on every protected host.
export const oauth2ProxyNamespace = "oauth2-proxy";
export const oauth2ProxyClientId = "oauth2-proxy";
export const oauth2ProxyService = { service: `oauth2-proxy.${oauth2ProxyNamespace}.svc.cluster.local`, port: 80 };
/** Lifetime of Dex's ID tokens, which oauth2-proxy forwards to the gateway as bearer tokens. */
export const idTokenLifetimeMinutes = 60;
/**
 * oauth2-proxy refreshes a session (new ID token, new cookie) on the first request after this:
 * shorter than the ID token's lifetime, so the token the gateway verifies has never expired.
 */
export const sessionRefreshMinutes = 45;
/** Relative: oauth2-proxy completes it with the host of the request being signed in. */
export const oauth2CallbackPath = "/oauth2/callback";

/**
 * OpenID Connect as a relying party, with oauth4webapi (Web APIs only, so it runs in workerd): authorization
 * code with PKCE, state and nonce, client_secret_basic. oauth4webapi checks the ID token's iss, aud, azp,
 * exp, iat and nonce when it processes the token response, but does not check its signature there (OpenID
 * Connect lets a client rely on TLS to the token endpoint); we check it anyway, against the issuer's JWKS
 * (validateApplicationLevelSignature), so a token endpoint reached over plain http on this machine, or a
 * compromised one, cannot hand us an identity the provider did not sign. Its JWKS cache refetches after five
 * minutes, and at once for an unknown key id once the cached set is a minute old: a rotated key is picked up.
 */
import * as oauth from "oauth4webapi";
import { isLoopbackUrl, type OidcSettings } from "./settings.ts";

export const SCOPES = "openid email profile";
/** Milliseconds one request to the provider may take. */
const PROVIDER_TIMEOUT_MS = 10_000;

/** What the dashboard learns of a person from the provider. */
export interface Identity {
  issuer: string;
  subject: string;
  /** Lower-cased; undefined when the provider sent none. */
  email?: string;
  emailVerified: boolean;
  name: string;
}

/** What the browser carries between the redirect to the provider and the callback (sealed, flow-cookie.ts). */
export interface SignInFlow {
  state: string;
  nonce: string;
  verifier: string;
  redirectUri: string;
  /** Where to go after signing in (a checked path under /app), or "" for the person's home. */
  next: string;
}

/** Plain http only to an issuer on this machine (tests, `npm run dev`); settings.ts refuses it elsewhere. */
const httpOptions = (s: OidcSettings) => ({
  signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
  ...(isLoopbackUrl(s.issuer) ? { [oauth.allowInsecureRequests]: true } : {}),
});

// Isolate-lifetime memo of the discovery document per issuer: one request per isolate, not per sign-in. It is
// also the key of oauth4webapi's JWKS cache, so keeping the same object keeps the keys. A failure is forgotten.
const discovered = new Map<string, Promise<oauth.AuthorizationServer>>();

function discover(s: OidcSettings): Promise<oauth.AuthorizationServer> {
  const key = s.issuer.href;
  let as = discovered.get(key);
  if (!as) {
    as = oauth.discoveryRequest(s.issuer, { algorithm: "oidc", ...httpOptions(s) })
      .then((r) => oauth.processDiscoveryResponse(s.issuer, r));
    as.catch(() => discovered.delete(key));
    discovered.set(key, as);
  }
  return as;
}

const clientOf = (s: OidcSettings): oauth.Client => ({ client_id: s.clientId });

/** The provider's authorization URL for a new sign-in, and what the callback will need to finish it. */
export async function beginSignIn(s: OidcSettings, redirectUri: string, next: string): Promise<{ url: URL; flow: SignInFlow }> {
  const as = await discover(s);
  if (!as.authorization_endpoint) throw new Error(`the provider at ${s.issuer.href} publishes no authorization_endpoint`);
  const flow: SignInFlow = {
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
    verifier: oauth.generateRandomCodeVerifier(),
    redirectUri,
    next,
  };
  const url = new URL(as.authorization_endpoint);
  url.searchParams.set("client_id", s.clientId);
  url.searchParams.set("redirect_uri", redirectUri);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("scope", SCOPES);
  url.searchParams.set("code_challenge", await oauth.calculatePKCECodeChallenge(flow.verifier));
  url.searchParams.set("code_challenge_method", "S256");
  url.searchParams.set("state", flow.state);
  url.searchParams.set("nonce", flow.nonce);
  return { url, flow };
}

/**
 * Finishes a sign-in from the provider's callback: checks the state, exchanges the code (with the PKCE
 * verifier), checks the ID token (claims and signature) and reads the person's email and name from it, or
 * from the userinfo endpoint when the provider keeps them there. Throws on anything wrong.
 */
export async function finishSignIn(s: OidcSettings, flow: SignInFlow, callback: URL): Promise<Identity> {
  const as = await discover(s);
  const client = clientOf(s);
  const params = oauth.validateAuthResponse(as, client, callback, flow.state);
  const response = await oauth.authorizationCodeGrantRequest(
    as, client, oauth.ClientSecretBasic(s.clientSecret), params, flow.redirectUri, flow.verifier, httpOptions(s),
  );
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: flow.nonce, requireIdToken: true });
  await oauth.validateApplicationLevelSignature(as, response, httpOptions(s));
  const claims = oauth.getValidatedIdTokenClaims(tokens);
  if (!claims) throw new Error("the token response carried no ID token");
  let info: Record<string, unknown> = claims;
  if (typeof claims.email !== "string" && as.userinfo_endpoint) {
    const r = await oauth.userInfoRequest(as, client, tokens.access_token, httpOptions(s));
    info = { ...(await oauth.processUserInfoResponse(as, client, claims.sub, r)), ...claims };
  }
  const email = typeof info.email === "string" ? info.email.trim().toLowerCase() : undefined;
  return {
    issuer: claims.iss,
    subject: claims.sub,
    email,
    // Microsoft Entra ID sends no email_verified; its optional claim xms_edov says the same thing (docs/teams.md).
    emailVerified: info.email_verified === true || info.xms_edov === true,
    name: typeof info.name === "string" ? info.name.slice(0, 200) : "",
  };
}

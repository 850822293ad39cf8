/**
 * A local OpenID provider for `npm run dev` and the tests: the npm package `oidc-provider` (a certified
 * implementation), listening on 127.0.0.1 only, with its development sign-in pages and a few fixed people.
 * It is the same protocol a deployment speaks with Google, Entra ID, Okta or Cloudflare Access: discovery,
 * authorization code with PKCE, ID tokens signed with keys published at its JWKS (docs/teams.md).
 */
import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from "jose";
import Provider, { type ClientMetadata } from "oidc-provider";
import { DEV_PEOPLE, DEV_TEAM_DOMAIN, TAMPER_MODES, type DevLogin, type TamperMode } from "./oidc-people.ts";
import { freePort } from "./ports.ts";

export interface OidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** A second client at the same provider: its ID tokens are validly signed for another audience. */
  otherClient: { clientId: string; clientSecret: string };
  stop(): Promise<void>;
}

export interface OidcProviderOptions {
  /**
   * Where the Worker receives the code: every origin it may be reached on, with /app/login/oidc/callback.
   * When all are http on 127.0.0.1 the client is registered as a native app, whose loopback redirect URIs
   * match on any port (RFC 8252): the browser tests' Worker listens on a port chosen later.
   */
  redirectUris: string[];
  port?: number;
  /**
   * Tests only: POST <issuer>/__tamper?mode=<TamperMode> makes the NEXT token response carry a bad ID token,
   * so the tests can prove the Worker refuses each kind with the real provider in the loop.
   */
  tamper?: boolean;
}

async function signingKey(): Promise<{ jwk: JWK; privateKey: KeyLike }> {
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: `dev-${randomBytes(6).toString("hex")}`, alg: "RS256", use: "sig" };
  return { jwk, privateKey };
}

async function tamperIdToken(idToken: string, mode: TamperMode, real: KeyLike, foreign: KeyLike): Promise<string> {
  const header = decodeProtectedHeader(idToken);
  const claims = decodeJwt(idToken);
  const now = Math.floor(Date.now() / 1000);
  if (mode === "audience") claims.aud = "another-app";
  if (mode === "nonce") claims.nonce = "not-the-nonce-of-this-sign-in";
  if (mode === "expired") Object.assign(claims, { iat: now - 7200, exp: now - 3600 });
  return new SignJWT(claims).setProtectedHeader({ alg: header.alg!, kid: header.kid, typ: header.typ }).sign(mode === "forged" ? foreign : real);
}

/**
 * The Worker settings for single sign-on through this provider, as `npm run dev` and `npm test` both use it:
 * anyone of DEV_TEAM_DOMAIN (grace) may join as an editor; ada comes in by invitation.
 */
export const oidcBindings = (p: OidcProvider) => ({
  OIDC_ISSUER: p.issuer,
  OIDC_CLIENT_ID: p.clientId,
  OIDC_CLIENT_SECRET: p.clientSecret,
  OIDC_ALLOWED_DOMAINS: DEV_TEAM_DOMAIN,
  OIDC_DEFAULT_ROLE: "editor",
  OIDC_PROVIDER_NAME: "the development provider",
});

export async function startOidcProvider(opts: OidcProviderOptions): Promise<OidcProvider> {
  const port = opts.port ?? (await freePort());
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = "eatmyurl";
  const clientSecret = randomBytes(24).toString("base64url");
  const otherClient = { clientId: "another-app", clientSecret: randomBytes(24).toString("base64url") };
  const loopbackOnly = opts.redirectUris.every((u) => /^http:\/\/127\.0\.0\.1[:/]/.test(u));
  const client = (id: string, secret: string): ClientMetadata => ({
    application_type: loopbackOnly ? "native" : "web",
    client_id: id,
    client_secret: secret,
    redirect_uris: opts.redirectUris,
    grant_types: ["authorization_code"],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_basic",
  });
  const key = await signingKey();
  const foreign = await signingKey();
  const provider = new Provider(issuer, {
    jwks: { keys: [key.jwk] },
    clients: [client(clientId, clientSecret), client(otherClient.clientId, otherClient.clientSecret)],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    pkce: { required: () => true },
    // Lifetimes set explicitly (the defaults print a notice each): a sign-in is short, a session a working day.
    ttl: { AuthorizationCode: 60, Interaction: 600, Session: 86_400, Grant: 86_400, AccessToken: 3600, IdToken: 3600 },
    // Random per run: nothing signed by one run is accepted by another.
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx, id) {
      const person = DEV_PEOPLE[id as DevLogin];
      if (!person) return undefined;
      return { accountId: id, claims: () => ({ sub: id, email: person.email, email_verified: true, name: person.name }) };
    },
  });
  // The development interactions warn once per start that they are for development: that is what this is.
  provider.on("server_error", (_ctx, e) => console.error("oidc-provider:", e));
  if (opts.tamper) {
    let pending: TamperMode | undefined;
    provider.use(async (ctx, next) => {
      if (ctx.path === "/__tamper" && ctx.method === "POST") {
        const mode = TAMPER_MODES.find((m) => m === ctx.query.mode);
        ctx.status = mode ? 204 : 400;
        pending = mode;
        return;
      }
      await next();
      const body = ctx.body as { id_token?: string } | undefined;
      if (ctx.path === "/token" && pending && typeof body?.id_token === "string") {
        ctx.body = { ...body, id_token: await tamperIdToken(body.id_token, pending, key.privateKey, foreign.privateKey) };
        pending = undefined;
      }
    });
  }
  const server: Server = await new Promise((resolve, reject) => {
    const s = provider.listen(port, "127.0.0.1", () => resolve(s));
    s.once("error", reject);
  });
  return {
    issuer,
    clientId,
    clientSecret,
    otherClient,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

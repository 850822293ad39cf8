/**
 * A local OpenID provider for `npm run dev` and the tests: the npm package `oidc-provider` (a certified
 * implementation), listening on 127.0.0.1 only, with its development sign-in pages and a few fixed people.
 * It is the same protocol a deployment speaks with Google, Entra ID, Okta or Cloudflare Access: discovery,
 * authorization code with PKCE, ID tokens signed with keys published at its JWKS (docs/teams.md).
 */
import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import Provider, { type ClientMetadata } from "oidc-provider";
import { freePort } from "./ports.ts";

/** The people the provider knows: the login typed on its sign-in page is the key here. */
export const DEV_PEOPLE = {
  ada: { email: "ada@team.eatmyurl.test", name: "Ada Lovelace" },
  grace: { email: "grace@team.eatmyurl.test", name: "Grace Hopper" },
  /** Outside the development team's email domain: self-sign-up refuses her unless invited. */
  mallory: { email: "mallory@elsewhere.test", name: "Mallory" },
} as const;
export type DevLogin = keyof typeof DEV_PEOPLE;

/** The email domain `npm run dev` lets join by themselves (OIDC_ALLOWED_DOMAINS). */
export const DEV_TEAM_DOMAIN = "team.eatmyurl.test";

export interface OidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** A second client at the same provider: its ID tokens are validly signed for another audience. */
  otherClient: { clientId: string; clientSecret: string };
  stop(): Promise<void>;
}

export interface OidcProviderOptions {
  /** Where the Worker receives the code: every origin it may be reached on, with /app/login/oidc/callback. */
  redirectUris: string[];
  port?: number;
}

export async function startOidcProvider(opts: OidcProviderOptions): Promise<OidcProvider> {
  const port = opts.port ?? (await freePort());
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = "eatmyurl";
  const clientSecret = randomBytes(24).toString("base64url");
  const otherClient = { clientId: "another-app", clientSecret: randomBytes(24).toString("base64url") };
  const client = (id: string, secret: string): ClientMetadata => ({
    client_id: id,
    client_secret: secret,
    redirect_uris: opts.redirectUris,
    grant_types: ["authorization_code"],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_basic",
  });
  const provider = new Provider(issuer, {
    clients: [client(clientId, clientSecret), client(otherClient.clientId, otherClient.clientSecret)],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    pkce: { required: () => true },
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

/**
 * The local identity provider's fixed people and its test-only tamper modes (dev/oidc-provider.ts), apart
 * from the provider itself so tests inside workerd can name them without importing a Node server.
 */

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

/**
 * forged: signed with a key the provider never published (same key id); audience: issued to another client;
 * nonce: another nonce; expired: an exp in the past. The last three are signed with the provider's real key.
 */
export const TAMPER_MODES = ["forged", "audience", "nonce", "expired"] as const;
export type TamperMode = (typeof TAMPER_MODES)[number];


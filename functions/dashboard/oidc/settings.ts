/**
 * The single sign-on settings of the environment (merged into functions/shared/env.ts; docs/teams.md says
 * what each provider needs). Sign-in through the identity provider is offered when OIDC_ISSUER is set; the
 * client id and secret must then be set too.
 */
import { z } from "zod";

/** Hosts on which a plain-http issuer is accepted: the machine itself (`npm run dev`, the tests). */
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

export const isLoopbackUrl = (url: URL) => LOOPBACK_HOSTS.has(url.hostname);

export const oidcEnv = {
  /**
   * The provider's issuer identifier, e.g. https://accounts.google.com: its discovery document is read from
   * <issuer>/.well-known/openid-configuration. https only, except on this machine (127.0.0.1, localhost).
   */
  OIDC_ISSUER: z
    .url({ protocol: /^https?$/ })
    .refine((s) => s.startsWith("https:") || isLoopbackUrl(new URL(s)), "must be https (plain http only for 127.0.0.1 or localhost)")
    .optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /**
   * Email domains whose people may join by themselves (comma-separated, e.g. "example.com,example.org"):
   * their first sign-in makes them a person with OIDC_DEFAULT_ROLE. Empty: only invited people sign in.
   */
  OIDC_ALLOWED_DOMAINS: z
    .string()
    .default("")
    .transform((s) => s.split(",").map((d) => d.trim().toLowerCase().replace(/^@/, "")).filter(Boolean)),
  /** The role of people who join by themselves; never owner (an owner is invited by one). */
  OIDC_DEFAULT_ROLE: z.enum(["admin", "editor", "viewer"]).default("viewer"),
  /** How the sign-in page names the provider: "Sign in with <name>". */
  OIDC_PROVIDER_NAME: z.string().min(1).max(60).default("single sign-on"),
};

export interface OidcSettings {
  issuer: URL;
  clientId: string;
  clientSecret: string;
  allowedDomains: readonly string[];
  defaultRole: "admin" | "editor" | "viewer";
  providerName: string;
}

type OidcRaw = z.output<z.ZodObject<typeof oidcEnv>>;

/** The issuer, client id and secret go together: one set without the others is a configuration error. */
export function checkOidcTogether(s: OidcRaw, ctx: z.RefinementCtx) {
  const given = (["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"] as const).filter((k) => s[k] !== undefined);
  if (given.length === 0 || given.length === 3) return;
  for (const k of ["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"] as const) {
    if (s[k] === undefined) ctx.addIssue({ code: "custom", path: [k], message: `is not set (it goes with ${given.join(", ")})` });
  }
}

/** The sign-in settings, or undefined when single sign-on is not configured. */
export function oidcSettings(config: OidcRaw): OidcSettings | undefined {
  if (!config.OIDC_ISSUER || !config.OIDC_CLIENT_ID || !config.OIDC_CLIENT_SECRET) return undefined;
  return {
    issuer: new URL(config.OIDC_ISSUER),
    clientId: config.OIDC_CLIENT_ID,
    clientSecret: config.OIDC_CLIENT_SECRET,
    allowedDomains: config.OIDC_ALLOWED_DOMAINS,
    defaultRole: config.OIDC_DEFAULT_ROLE,
    providerName: config.OIDC_PROVIDER_NAME,
  };
}

import { describe, expect, it } from "vitest";
import { envSchema } from "../../shared/env.ts";
import { oidcSettings } from "./settings.ts";

const base = {
  UPSTASH_REDIS_REST_URL: "http://127.0.0.1:1",
  UPSTASH_REDIS_REST_TOKEN: "t",
  DATABASE_URL: "postgres://u@h/db",
  ADMIN_API_KEY: "0123456789abcdef0123456789abcdef",
};
const sso = { OIDC_ISSUER: "https://idp.example", OIDC_CLIENT_ID: "id", OIDC_CLIENT_SECRET: "secret" };
const issues = (raw: Record<string, string>) => envSchema.safeParse({ ...base, ...raw }).error?.issues.map((i) => i.path.join(".")) ?? [];

describe("single sign-on settings", () => {
  it("are off when none is set, and read whole when all three are", () => {
    expect(oidcSettings(envSchema.parse(base))).toBeUndefined();
    const s = oidcSettings(envSchema.parse({ ...base, ...sso, OIDC_ALLOWED_DOMAINS: " Example.com, @example.org ,," }));
    expect(s).toMatchObject({ clientId: "id", allowedDomains: ["example.com", "example.org"], defaultRole: "viewer", providerName: "single sign-on" });
  });

  it("name what is missing when only some are set", () => {
    expect(issues({ OIDC_ISSUER: sso.OIDC_ISSUER })).toEqual(["OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"]);
  });

  it("take plain http only from an issuer on this machine, and never owner as the role of people who join", () => {
    expect(issues({ ...sso, OIDC_ISSUER: "http://idp.example" })).toEqual(["OIDC_ISSUER"]);
    expect(issues({ ...sso, OIDC_ISSUER: "http://127.0.0.1:8790" })).toEqual([]);
    expect(issues({ ...sso, OIDC_DEFAULT_ROLE: "owner" })).toEqual(["OIDC_DEFAULT_ROLE"]);
  });
});

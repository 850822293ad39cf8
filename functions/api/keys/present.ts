/** A key's restrictions as the API shows them: hostnames (the default domain under its current host). */
import type { Context } from "hono";
import type { ApiKeyRow } from "../../../db/schema.ts";
import { DEFAULT_DOMAIN_ROW } from "../../../db/schema.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { hostnameOf } from "../domains/resolve.ts";

export function restrictionsOf(c: Context<AppEnv>, row: Pick<ApiKeyRow, "domains" | "ownLinksOnly">) {
  return {
    domains: row.domains?.map((d) => hostnameOf(c, d === DEFAULT_DOMAIN_ROW ? null : d)) ?? null,
    ownLinksOnly: row.ownLinksOnly,
  };
}

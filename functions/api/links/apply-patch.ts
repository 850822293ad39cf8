/**
 * Changing one link: policy checks, the update, and the write-through to the link cache. The links API's
 * PATCH and the Shlink face's edits (functions/api/shlink/) both come here, so they cannot disagree.
 */
import type { Context } from "hono";
import { isForeignKeyViolation, isUniqueViolation, selectLinkBySlug, updateLink } from "../../../db/queries/links.ts";
import type { LinkRow } from "../../../db/schema.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError, problemError } from "../../shared/errors.ts";
import { writeThrough } from "../../redirect/link-cache/index.ts";
import { redisKeys } from "../../shared/redis-keys.ts";
import { linkScopeOf, resolveDomainRef, type DomainRef } from "../domains/resolve.ts";
import { clickCounts } from "./present.ts";
import { policyErrors, toValues, writesDestination } from "./rules.ts";
import { servedAndBlocked } from "./served-hosts.ts";
import { blockRulesFor, destinationsOf, screenDestinations } from "../../abuse/destination-checks.ts";
import type { PatchLinkInput } from "./schemas.ts";

/**
 * The link `slug` on `domain` after `input` (a body its schema accepted); 422 for a refused change, 404 when
 * the key sees no such link (or the target domain), 409 when the new slug is taken there.
 */
export async function applyLinkPatch(c: Context<AppEnv>, domain: DomainRef, slug: string, input: PatchLinkInput): Promise<LinkRow> {
  // Moving to a domain the key may not use is refused as if that domain did not exist.
  const destinations = destinationsOf(input);
  const [target, { served, blocked }] = await Promise.all([
    input.domain === undefined ? domain : resolveDomainRef(c, input.domain),
    writesDestination(input) ? servedAndBlocked(c, blockRulesFor([destinations])) : { served: new Set<string>(), blocked: new Set<string>() },
  ]);
  const errors = policyErrors(input, served);
  if (errors.length) throw new ApiError(422, "The change cannot be made: see errors.", { errors });
  const [screened] = destinations.length ? await screenDestinations(c.var.config, [destinations], blocked) : [{ problem: null, recheck: false }];
  if (screened.problem) throw problemError(screened.problem);

  const values = await toValues(input, c.var.config.PASSWORD_ITERATIONS);
  // Safe Browsing did not answer: the change is made, and the link's health check (which asks again) is due now.
  if (screened.recheck) values.healthDueAt = new Date();
  if (input.domain !== undefined) values.domain = target;
  const db = c.var.db();
  const scope = linkScopeOf(c.var.principal);
  let row;
  try {
    row = Object.keys(values).length ? await updateLink(db, domain, slug, values, scope, { actor: c.var.principal ?? null, action: "link.updated" }) : await selectLinkBySlug(db, domain, slug, scope);
  } catch (e) {
    if (isForeignKeyViolation(e)) throw new ApiError(404, "The domain was removed meanwhile.", { errors: [{ path: "domain", message: "is not a domain of this service" }] });
    if (!isUniqueViolation(e)) throw e;
    throw new ApiError(409, `The slug "${input.slug ?? slug}" is taken on that domain.`, { errors: [{ path: "slug", message: "is taken" }] });
  }
  if (!row) throw new ApiError(404, `No link has the slug "${slug}".`);

  const moved = row.slug !== slug || row.domain !== domain;
  if (Object.keys(values).length) await writeThrough(c.var.redis, c.executionCtx, [row], moved ? [{ slug, domain, row }] : []);
  if (input.maxClicks !== undefined) await seedClaims(c, row);
  return row;
}

/**
 * A limit counts the human clicks a link has served, but only links with a limit keep a claim counter
 * (functions/redirect/click-limit.ts): a limit set now starts from the link's human clicks so far (ingested
 * and waiting), unless its counter already runs; a limit removed drops the counter, so a later one starts anew.
 */
async function seedClaims(c: Context<AppEnv>, row: LinkRow): Promise<void> {
  const key = redisKeys.clickClaims(row.id);
  if (row.maxClicks === null) await c.var.redis.del(key);
  else await c.var.redis.set(key, (await clickCounts(c, [row]))[0], { nx: true });
}

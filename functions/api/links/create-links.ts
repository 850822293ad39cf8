/** Creating links, one or a thousand: checks, slug assignment (random ones retried on collision), write-through. */
import type { Context } from "hono";
import { insertLinks, isForeignKeyViolation, type NewLink } from "../../../db/queries/links.ts";
import type { AuditBy } from "../../../db/queries/audit.ts";
import type { LinkRow } from "../../../db/schema.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import type { Db } from "../../../db/client.ts";
import { ApiError, problem, type Problem } from "../../shared/errors.ts";
import { randomSlug } from "../../shared/slugs.ts";
import { writeThrough } from "../../redirect/link-cache/index.ts";
import { hostnameOf, lookupDomains, unknownDomain } from "../domains/resolve.ts";
import { policyErrors, toValues } from "./rules.ts";
import { servedAndBlocked } from "./served-hosts.ts";
import { blockRulesFor, destinationsOf, screenDestinations } from "../../abuse/destination-checks.ts";
import type { CreateLinkInput } from "./schemas.ts";

export type CreateOutcome = { ok: true; row: LinkRow } | { ok: false; problem: Problem };

/** A row ready to insert; `custom` says whether its slug was chosen by the client (then it may not change). */
export interface Draft {
  row: NewLink & { id: string; slug: string };
  custom: boolean;
}

/** Rounds of fresh random slugs before giving up; one collision in 3.5e12 makes a second round already rare. */
const SLUG_ATTEMPTS = 5;

/**
 * Inserts drafts in one statement per round. A draft whose random slug collided gets a new one and goes
 * into the next round; a draft whose custom slug is taken yields null (the caller answers 409). With `audit`,
 * each link inserted is logged in its round's statement.
 */
export async function insertDrafts(
  db: Db, drafts: Draft[], newSlug: () => string = randomSlug, audit?: AuditBy,
): Promise<(LinkRow | null)[]> {
  const out = new Map<string, LinkRow | null>();
  let pending = drafts;
  for (let round = 0; pending.length && round < SLUG_ATTEMPTS; round++) {
    const inserted = await insertLinks(db, pending.map((d) => d.row), audit);
    for (const row of inserted) out.set(row.id, row);
    const retry: Draft[] = [];
    for (const d of pending) {
      if (out.has(d.row.id)) continue;
      if (d.custom) out.set(d.row.id, null);
      else retry.push({ ...d, row: { ...d.row, slug: newSlug() } });
    }
    pending = retry;
  }
  if (pending.length) throw new Error(`no free random slug after ${SLUG_ATTEMPTS} attempts`);
  return drafts.map((d) => out.get(d.row.id) ?? null);
}

/**
 * Validated bodies in, one outcome per body out (same order). Writes Postgres, then the link cache. A body
 * naming a domain that is not one of this service's, or one the key is restricted from, is a 404.
 * `newSlug` makes the random slugs (Shlink's shortCodeLength asks for other lengths).
 */
export async function createLinks(
  c: Context<AppEnv>, inputs: CreateLinkInput[], newSlug: () => string = randomSlug,
): Promise<CreateOutcome[]> {
  const destinations = inputs.map(destinationsOf);
  const [domains, { served, blocked }] = await Promise.all([
    lookupDomains(c, inputs.map((i) => i.domain)),
    servedAndBlocked(c, blockRulesFor(destinations)),
  ]);
  const creator = c.var.principal?.id;
  const createdBy = creator && creator !== "admin" ? creator : null;
  const outcomes: (CreateOutcome | undefined)[] = inputs.map(() => undefined);
  const checked: { index: number; input: CreateLinkInput; domain: string | null }[] = [];

  for (const [index, input] of inputs.entries()) {
    const domain = domains.get(input.domain);
    if (domain === undefined) {
      const p = unknownDomain(input.domain ?? hostnameOf(c, null)).toProblem();
      outcomes[index] = { ok: false, problem: p };
      continue;
    }
    const errors = policyErrors(input, served);
    if (errors.length) outcomes[index] = { ok: false, problem: problem(422, "The link cannot be created: see errors.", errors) };
    else checked.push({ index, input, domain });
  }

  // The destinations of every link that passed the rules above, checked together (docs/abuse.md).
  const screened = await screenDestinations(c.var.config, checked.map((k) => destinations[k.index]), blocked);
  const recheck = new Set<number>();
  const claimed = new Set<string>();
  const accepted: typeof checked = [];
  for (const [k, item] of checked.entries()) {
    const { index, input, domain } = item;
    const claim = `${domain ?? ""}/${input.slug}`;
    if (screened[k].problem) {
      outcomes[index] = { ok: false, problem: screened[k].problem };
    } else if (input.slug !== undefined && claimed.has(claim)) {
      outcomes[index] = { ok: false, problem: problem(409, `The slug "${input.slug}" appears earlier in this request.`) };
    } else {
      if (input.slug !== undefined) claimed.add(claim);
      if (screened[k].recheck) recheck.add(index);
      accepted.push(item);
    }
  }

  // Password hashing is the slow part (PBKDF2); WebCrypto runs the hashes side by side.
  const drafts = await Promise.all(
    accepted.map(async ({ index, input, domain }) => {
      const values = await toValues(input, c.var.config.PASSWORD_ITERATIONS);
      const row = { ...values, url: values.url!, id: crypto.randomUUID(), slug: input.slug ?? newSlug(), domain, createdBy };
      // Safe Browsing did not answer: the link is made, and its health check (which asks again) is due now.
      if (recheck.has(index)) row.healthDueAt = new Date();
      return { index, draft: { row, custom: input.slug !== undefined } };
    }),
  );

  let rows: (LinkRow | null)[];
  try {
    rows = await insertDrafts(c.var.db(), drafts.map((d) => d.draft), newSlug, { actor: c.var.principal ?? null, action: "link.created" });
  } catch (e) {
    // A domain removed between the lookup above and the insert.
    if (isForeignKeyViolation(e)) throw new ApiError(404, "A domain named in the request was removed meanwhile; try again.");
    throw e;
  }
  const created: LinkRow[] = [];
  for (const [i, { index, draft }] of drafts.entries()) {
    const row = rows[i];
    if (row) created.push(row);
    outcomes[index] = row
      ? { ok: true, row }
      : { ok: false, problem: problem(409, `The slug "${draft.row.slug}" is taken.`, [{ path: "slug", message: "is taken" }]) };
  }
  await writeThrough(c.var.redis, c.executionCtx, created);
  return outcomes as CreateOutcome[];
}

/** A page of raw visits (newest first) in Shlink's shape: what every /rest visits route answers. */
import type { Context } from "hono";
import type { SQL } from "drizzle-orm";
import { pageClicks } from "../../../db/queries/clicks.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { shortOrigin } from "../links/rules.ts";
import { pagination, toVisit } from "./present.ts";
import { MAX_ITEMS_PER_PAGE, type ShlinkVisit, type VisitsQuery } from "./schemas.ts";
import type { Pagination } from "./schemas.ts";

/** `of` is a condition on links (whose clicks); the caller has already applied the key's restrictions to it. */
export async function visitsPage(c: Context<AppEnv>, of: SQL | undefined, q: VisitsQuery): Promise<{ visits: { data: ShlinkVisit[]; pagination: Pagination } }> {
  // -1 (Shlink's "all") is bounded like the rest: a client pages past MAX_ITEMS_PER_PAGE.
  const perPage = q.itemsPerPage === undefined || q.itemsPerPage === -1 ? MAX_ITEMS_PER_PAGE : q.itemsPerPage;
  const { rows, total } = await pageClicks(c.var.db(), {
    of,
    from: q.startDate,
    to: q.endDate,
    humansOnly: q.excludeBots,
    offset: (q.page - 1) * perPage,
    limit: perPage,
  });
  const data = rows.map((r) => toVisit(r, shortOrigin(c, r.domain)));
  return { visits: { data, pagination: pagination(q.page, perPage, data.length, total) } };
}

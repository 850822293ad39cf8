import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { selectLinksWithUrl } from "../../../db/queries/link-pages.ts";
import type { LinkRow } from "../../../db/schema.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { randomSlug } from "../../shared/slugs.ts";
import { problemError } from "../../shared/errors.ts";
import { UNSAFE_DESTINATION } from "../../abuse/destination-checks.ts";
import { linkScopeOf } from "../domains/resolve.ts";
import { createLinks } from "../links/create-links.ts";
import { MAX_LINK_BODY_BYTES } from "../links/create.ts";
import type { CreateLinkInput } from "../links/schemas.ts";
import { limitBody } from "../openapi.ts";
import { shlinkSecured } from "./auth.ts";
import { domainNotFound, invalidData, nonUniqueSlug } from "./errors.ts";
import { findDomain } from "./lookup.ts";
import { presentShortUrls } from "./present.ts";
import { SHLINK_TAG, shlinkJson, shlinkProblems } from "./route-docs.ts";
import { CreateShortUrlInput, ShortUrl } from "./schemas.ts";
import { toCreateLinkInput } from "./short-url-input.ts";

export const shlinkCreateShortUrlRoute = createRoute({
  method: "post",
  path: "/rest/v3/short-urls",
  tags: [SHLINK_TAG],
  summary: "Create a short URL (the same link as POST /api/v1/links makes)",
  description: "`findIfExists: true` answers an existing short URL with the same long URL and the same options given, if there is one.",
  ...shlinkSecured("links:write", limitBody(MAX_LINK_BODY_BYTES)),
  request: { body: { required: true, content: { "application/json": { schema: CreateShortUrlInput } } } },
  responses: { 200: shlinkJson(ShortUrl, "The short URL, live at once"), ...shlinkProblems(400, 404, 422) },
});

const sameInstant = (a: Date | null, b: string | null | undefined) => (b == null ? true : a !== null && a.getTime() === Date.parse(b));

/** Whether `row` is what `input` asks for, in every option the client gave (Shlink's findIfExists). */
function matches(row: LinkRow, input: CreateLinkInput): boolean {
  const tags = input.tags ? [...new Set(input.tags)].sort() : null;
  return (
    (input.slug === undefined || row.slug === input.slug) &&
    (tags === null || JSON.stringify([...row.tags].sort()) === JSON.stringify(tags)) &&
    (input.title == null || row.title === input.title) &&
    (input.maxClicks == null || row.maxClicks === input.maxClicks) &&
    sameInstant(row.validSince, input.validSince) &&
    sameInstant(row.expiresAt, input.expiresAt)
  );
}

async function findExisting(c: Context<AppEnv>, domain: string | null, input: CreateLinkInput): Promise<LinkRow | undefined> {
  const rows = await selectLinksWithUrl(c.var.db(), domain, new URL(input.url).href, linkScopeOf(c.var.principal));
  return rows.find((r) => matches(r, input));
}

export function registerShlinkCreateShortUrl(app: OpenAPIHono<AppEnv>) {
  app.openapi(shlinkCreateShortUrlRoute, async (c) => {
    const body = c.req.valid("json");
    const domain = await findDomain(c, body.domain);
    if (domain === undefined) throw domainNotFound(body.domain ?? "");
    const input = toCreateLinkInput(body, domain);
    if (body.findIfExists) {
      const found = await findExisting(c, domain, input);
      if (found) return c.json((await presentShortUrls(c, [found]))[0], 200);
    }
    const length = body.shortCodeLength;
    const [outcome] = await createLinks(c, [input], length ? () => randomSlug(length) : randomSlug);
    if (!outcome.ok) {
      const p = outcome.problem;
      if (p.status === 409) throw nonUniqueSlug(input.slug ?? "", body.domain);
      if (p.status === 404) throw domainNotFound(body.domain ?? "");
      // An unsafe destination keeps its own type (no Shlink client mistakes it for one of Shlink's).
      if (p.type === UNSAFE_DESTINATION) throw problemError(p);
      throw invalidData(p.errors ?? [], p.detail);
    }
    const [shortUrl] = await presentShortUrls(c, [outcome.row], true);
    return c.json(shortUrl, 200);
  });
}

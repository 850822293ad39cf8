import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Link } from "../../api/links/schemas.ts";
import { namesNothing } from "../components/not-found.tsx";
import type { Dash, DashEnv } from "../dash-env.ts";
import { domainQuery, pageDomain } from "../link-paths.ts";
import { qrPng, qrSvg } from "../qr-code.ts";

/** The QR code encodes the link's shortUrl as the API reports it, so it needs the same scope as reading it. */
async function shortUrl(c: Context<DashEnv>): Promise<string | Response> {
  const res = await c.var.api.call<Link>("GET", `/api/v1/links/${encodeURIComponent(c.req.param("slug")!)}`, { query: domainQuery(pageDomain(c)) });
  if (!res.ok) return c.text(namesNothing(res.status) ? "No such link." : res.problem.detail, res.status as ContentfulStatusCode);
  return res.data.shortUrl;
}

export function registerQr(dash: Dash) {
  dash.get("/links/:slug/qr.svg", async (c) => {
    const url = await shortUrl(c);
    if (url instanceof Response) return url;
    return c.body(qrSvg(url), 200, { "content-type": "image/svg+xml; charset=utf-8", "cache-control": "private, no-cache" });
  });

  dash.get("/links/:slug/qr.png", async (c) => {
    const url = await shortUrl(c);
    if (url instanceof Response) return url;
    return c.body(qrPng(url) as Uint8Array<ArrayBuffer>, 200, { "content-type": "image/png", "cache-control": "private, no-cache" });
  });
}

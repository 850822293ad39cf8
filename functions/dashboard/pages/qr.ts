/**
 * The QR code files of a link's page (/app/links/{slug}/qr.png and qr.svg, with the page's choices in the
 * query): the API's QR route called with the session's key, so its scopes and rules apply once, there.
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Problem } from "../../shared/errors.ts";
import { SessionRejected } from "../api-client.ts";
import type { Dash } from "../dash-env.ts";
import { pageDomain } from "../link-paths.ts";
import { qrApiQuery, readQrForm } from "../qr-choices.ts";

export function registerQr(dash: Dash) {
  for (const format of ["png", "svg"] as const) {
    dash.get(`/links/:slug/qr.${format}`, async (c) => {
      const slug = c.req.param("slug");
      const query = { ...qrApiQuery(readQrForm(c), pageDomain(c)), format };
      const res = await c.var.api.raw("GET", `/api/v1/links/${encodeURIComponent(slug)}/qr`, { query, accept: "*/*" });
      if (res.status === 401) throw new SessionRejected("The API refused the session's key.");
      if (!res.ok) {
        const problem = (await res.json().catch(() => null)) as Problem | null;
        // A refused choice is named (the page's form shows these beside its fields); a bad slug names no link.
        const why = problem?.errors?.map((e) => `${e.path}: ${e.message}`).join("\n") ?? problem?.detail ?? "";
        const noLink = res.status === 404 || problem?.errors?.some((e) => e.path === "slug");
        return c.text(noLink ? "No such link." : why, (noLink ? 404 : res.status) as ContentfulStatusCode);
      }
      return c.body(await res.arrayBuffer(), 200, { "content-type": res.headers.get("content-type")!, "cache-control": "private, no-cache" });
    });
  }
}

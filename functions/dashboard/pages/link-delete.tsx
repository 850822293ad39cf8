import type { Link } from "../../api/links/schemas.ts";
import { FormError, Layout, page } from "../components/layout.tsx";
import { namesNothing, notFoundPage } from "../components/not-found.tsx";
import type { Dash } from "../dash-env.ts";
import { withNotice } from "../notices.ts";
import { domainQuery, linkPage, pageDomain } from "../link-paths.ts";

/** Deleting asks first, on a page of its own: works without script and by keyboard. */
export function registerLinkDelete(dash: Dash) {
  const Confirm = (p: { slug: string; domain?: string; error?: string }) => (
    <section class="card narrow">
      <h1>Delete <code>{p.slug}</code>{p.domain && <> on {p.domain}</>}?</h1>
      <FormError message={p.error} />
      <p>The short link stops working at once (visitors get 404) and cannot be brought back. Its analytics are kept.</p>
      <form method="post" action={linkPage(p.slug, p.domain, "/delete")} class="buttons">
        <button type="submit" class="danger">Delete {p.slug}</button>
        <a href={linkPage(p.slug, p.domain)}>Cancel</a>
      </form>
    </section>
  );

  dash.get("/links/:slug/delete", async (c) => {
    const domain = pageDomain(c);
    const res = await c.var.api.call<Link>("GET", `/api/v1/links/${encodeURIComponent(c.req.param("slug"))}`, { query: domainQuery(domain) });
    if (!res.ok) return namesNothing(res.status) ? notFoundPage(c, "link") : page(c, <Layout title="Delete" session={c.var.session} nav="links"><FormError message={res.problem.detail} /></Layout>, res.status);
    return page(c, <Layout title={`Delete ${res.data.slug}`} session={c.var.session} nav="links"><Confirm slug={res.data.slug} domain={domain} /></Layout>);
  });

  dash.post("/links/:slug/delete", async (c) => {
    const slug = c.req.param("slug");
    const domain = pageDomain(c);
    const res = await c.var.api.call("DELETE", `/api/v1/links/${encodeURIComponent(slug)}`, { query: domainQuery(domain) });
    if (res.ok) return c.redirect(withNotice("/app/links", "link-deleted"), 303);
    return page(c, <Layout title={`Delete ${slug}`} session={c.var.session} nav="links"><Confirm slug={slug} domain={domain} error={res.problem.detail} /></Layout>, res.status);
  });
}

import type { Link } from "../../api/links/schemas.ts";
import { isTimeZone } from "../../analytics/zoned-time.ts";
import { FormError, Layout, page } from "../components/layout.tsx";
import { LinkForm } from "../components/link-form.tsx";
import { namesNothing, notFoundPage } from "../components/not-found.tsx";
import type { Dash } from "../dash-env.ts";
import { withNotice } from "../notices.ts";
import { formErrors, linkFields, linkToForm, patchBody, readLinkForm, readForm } from "../forms.ts";
import { domainQuery, linkPage, pageDomain } from "../link-paths.ts";
import { routingErrors } from "../routing-form.ts";

export function registerLinkEdit(dash: Dash) {
  dash.get("/links/:slug/edit", async (c) => {
    const slug = c.req.param("slug");
    const domain = pageDomain(c);
    const res = await c.var.api.call<Link>("GET", `/api/v1/links/${encodeURIComponent(slug)}`, { query: domainQuery(domain) });
    if (!res.ok && namesNothing(res.status)) return notFoundPage(c, "link");
    return page(c, (
      <Layout title={`Edit ${slug}`} session={c.var.session} nav="links">
        <h1>Edit <code>{slug}</code></h1>
        {res.ok
          ? <LinkForm mode="edit" action={linkPage(slug, domain, "/edit")} cancel={linkPage(slug, domain)} values={linkToForm(res.data, c.var.tz)} hasPassword={res.data.hasPassword} tz={c.var.tz} host={res.data.domain} />
          : <FormError message={res.problem.detail} />}
      </Layout>
    ), res.ok ? 200 : res.status);
  });

  dash.post("/links/:slug/edit", async (c) => {
    const slug = c.req.param("slug");
    const domain = pageDomain(c);
    const form = await readForm(c);
    const tz = typeof form.tz === "string" && isTimeZone(form.tz) ? form.tz : c.var.tz;
    const values = { ...readLinkForm(form), slug };
    const res = await c.var.api.call<Link>("PATCH", `/api/v1/links/${encodeURIComponent(slug)}`, { body: patchBody(values, tz), query: domainQuery(domain) });
    if (res.ok) return c.redirect(withNotice(linkPage(slug, domain), "link-saved"), 303);
    // Whether it has a password decides which password controls are shown again; ask rather than guess.
    const current = await c.var.api.call<Link>("GET", `/api/v1/links/${encodeURIComponent(slug)}`, { query: domainQuery(domain) });
    return page(c, (
      <Layout title={`Edit ${slug}`} session={c.var.session} nav="links">
        <h1>Edit <code>{slug}</code></h1>
        <LinkForm mode="edit" action={linkPage(slug, domain, "/edit")} cancel={linkPage(slug, domain)} values={values} errors={formErrors(res.problem, linkFields)}
          routingErrors={routingErrors(res.problem)} hasPassword={current.ok && current.data.hasPassword} tz={tz}
          host={current.ok ? current.data.domain : new URL(c.req.url).hostname} />
      </Layout>
    ), res.status);
  });
}

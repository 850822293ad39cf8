import type { Link } from "../../api/links/schemas.ts";
import { isTimeZone } from "../../analytics/zoned-time.ts";
import { Layout, page } from "../components/layout.tsx";
import { LinkForm } from "../components/link-form.tsx";
import type { Dash } from "../dash-env.ts";
import { createBody, formErrors, linkFields, readLinkForm, type LinkFormValues, readForm } from "../forms.ts";
import { routingErrors } from "../routing-form.ts";

const empty: LinkFormValues = {
  url: "", slug: "", title: "", tags: "", expiresAt: "", maxClicks: "", fallbackUrl: "", redirectType: "302", password: "", removePassword: "",
  rules: [], variants: [],
};

export function registerLinkNew(dash: Dash) {
  dash.get("/create", (c) =>
    page(c, (
      <Layout title="New link" session={c.var.session} nav="links">
        <h1>New link</h1>
        <LinkForm mode="create" action="/app/create" values={{ ...empty, url: c.req.query("url") ?? "" }} tz={c.var.tz} />
      </Layout>
    )));

  dash.post("/create", async (c) => {
    const form = await readForm(c);
    const tz = typeof form.tz === "string" && isTimeZone(form.tz) ? form.tz : c.var.tz;
    const values = readLinkForm(form);
    const res = await c.var.api.call<Link>("POST", "/api/v1/links", { body: createBody(values, tz) });
    if (res.ok) return c.redirect(`/app/links/${res.data.slug}?created=1`, 303);
    return page(c, (
      <Layout title="New link" session={c.var.session} nav="links">
        <h1>New link</h1>
        <LinkForm mode="create" action="/app/create" values={values} errors={formErrors(res.problem, linkFields)}
          routingErrors={routingErrors(res.problem)} tz={tz} />
      </Layout>
    ), res.status);
  });
}

import type { Link } from "../../api/links/schemas.ts";
import { isTimeZone } from "../../analytics/zoned-time.ts";
import { Layout, page } from "../components/layout.tsx";
import { LinkForm } from "../components/link-form.tsx";
import type { Dash } from "../dash-env.ts";
import { withNotice } from "../notices.ts";
import { createBody, formErrors, linkFields, readLinkForm, type LinkFormValues, readForm } from "../forms.ts";
import { domainOfLink, linkPage } from "../link-paths.ts";
import { routingErrors } from "../routing-form.ts";
import { domainChoices } from "./domains.tsx";

const empty: LinkFormValues = {
  url: "", slug: "", domain: "", title: "", tags: "", validSince: "", expiresAt: "", noForwardQuery: "", crawlable: "", maxClicks: "", fallbackUrl: "", redirectType: "302", password: "", removePassword: "",
  rules: [], variants: [], previewTitle: "", previewDescription: "", previewImage: "",
};

/** The domains to offer, and the default domain's host (the first of them, else the dashboard's own). */
async function choicesAndHost(c: Parameters<typeof domainChoices>[0]): Promise<{ domains?: string[]; host: string }> {
  const domains = await domainChoices(c);
  return { domains, host: domains?.[0] ?? new URL(c.req.url).hostname };
}

export function registerLinkNew(dash: Dash) {
  dash.get("/create", async (c) =>
    page(c, (
      <Layout title="New link" session={c.var.session} nav="links">
        <h1>New link</h1>
        <LinkForm mode="create" action="/app/create" values={{ ...empty, url: c.req.query("url") ?? "", domain: c.req.query("domain") ?? "" }}
          tz={c.var.tz} {...await choicesAndHost(c)} />
      </Layout>
    )));

  dash.post("/create", async (c) => {
    const form = await readForm(c);
    const tz = typeof form.tz === "string" && isTimeZone(form.tz) ? form.tz : c.var.tz;
    const values = readLinkForm(form);
    const res = await c.var.api.call<Link>("POST", "/api/v1/links", { body: createBody(values, tz) });
    if (res.ok) {
      const domain = domainOfLink(c, res.data);
      return c.redirect(withNotice(linkPage(res.data.slug, domain), "link-created"), 303);
    }
    return page(c, (
      <Layout title="New link" session={c.var.session} nav="links">
        <h1>New link</h1>
        <LinkForm mode="create" action="/app/create" values={values} errors={formErrors(res.problem, linkFields)}
          routingErrors={routingErrors(res.problem)} tz={tz} {...await choicesAndHost(c)} />
      </Layout>
    ), res.status);
  });
}

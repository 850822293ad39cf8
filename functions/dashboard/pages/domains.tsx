/**
 * The domains page (admins): add a domain, remove it; its edit page (domain-edit.tsx) sets its redirects,
 * app-association files and QR logo. Through the API.
 */
import type { Context } from "hono";
import type { Domain, DomainDetails, DomainList } from "../../api/domains/schemas.ts";
import type { z } from "@hono/zod-openapi";
import { Field } from "../components/field.tsx";
import { FormError, Layout, page } from "../components/layout.tsx";
import { notFoundPage } from "../components/not-found.tsx";
import type { Dash, DashEnv } from "../dash-env.ts";
import { noticeOf, withNotice } from "../notices.ts";
import { formErrors, type FormErrors, readForm } from "../forms.ts";
import { isAdminSession } from "../link-paths.ts";
import { formatInstant } from "../wall-time.ts";
import { formText, RedirectFields, redirectsOf, registerDomainEdit } from "./domain-edit.tsx";

type Domains = z.infer<typeof DomainList>;
const FIELDS = ["hostname", "rootRedirect", "notFoundRedirect"] as const;

/** Hostnames a link can be created on, the default first; undefined when the key cannot list them (not admin). */
export async function domainChoices(c: Context<DashEnv>): Promise<string[] | undefined> {
  if (!isAdminSession(c)) return undefined;
  const res = await c.var.api.call<Domains>("GET", "/api/v1/domains");
  return res.ok ? res.data.data.map((d) => d.hostname) : undefined;
}

/** What the domain serves besides its links, in a few words. */
const extras = (d: Domain) =>
  [d.hasAppleAppSiteAssociation && "iOS", d.hasAssetLinks && "Android", d.hasQrLogo && "QR logo"].filter(Boolean).join(", ") || "none";

async function domainsPage(c: Context<DashEnv>, opts: { errors?: FormErrors; values?: Partial<Domain>; notice?: string; status?: number } = {}) {
  const res = await c.var.api.call<Domains>("GET", "/api/v1/domains");
  const errors = opts.errors ?? {};
  const tz = c.var.tz;
  return page(c, (
    <Layout title="Domains" session={c.var.session} nav="domains" notice={opts.notice}>
      <h1>Domains</h1>
      {!res.ok ? <FormError message={res.problem.detail} /> : (
        <>
          <div class="table-wrap">
            <table class="stack">
              <thead><tr><th scope="col">Domain</th><th scope="col">Root redirect</th><th scope="col">Not-found redirect</th><th scope="col">App links, logo</th><th scope="col" class="num">Links</th><th scope="col">Added</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
              <tbody>
                {res.data.data.map((d) => (
                  <tr>
                    <td data-label="Domain" class="domain"><a href={`/app/links?domain=${encodeURIComponent(d.hostname)}`}>{d.hostname}</a>{d.isDefault && <span class="sub">default</span>}</td>
                    <td data-label="Root redirect" class="url">{d.rootRedirect ?? (d.isDefault ? "the dashboard" : "404")}</td>
                    <td data-label="Not-found redirect" class="url">{d.notFoundRedirect ?? "404"}</td>
                    <td data-label="App links, logo">{extras(d)}</td>
                    <td data-label="Links" class="num">{d.links}</td>
                    <td data-label="Added">{formatInstant(d.createdAt, tz)}</td>
                    <td class="actions">
                      <a href={`/app/domains/${encodeURIComponent(d.hostname)}/edit`}>Edit</a>
                      {!d.isDefault && <a href={`/app/domains/${encodeURIComponent(d.hostname)}/remove`}>Remove</a>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <form method="post" action="/app/domains" class="card form" novalidate>
            <h2>Add a domain</h2>
            <p class="hint">Point the domain at this Worker first (docs/domains.md in the repository); links can be made on it at once.</p>
            <FormError message={errors[""]} />
            <Field name="hostname" label="Hostname" value={opts.values?.hostname ?? ""} required error={errors.hostname} placeholder="go.example.com" />
            <RedirectFields values={opts.values ?? {}} errors={errors} />
            <button type="submit" class="primary">Add domain</button>
          </form>
        </>
      )}
    </Layout>
  ), !res.ok ? res.status : opts.status ?? (opts.errors ? 400 : 200));
}

export function registerDomains(dash: Dash) {
  dash.get("/domains", (c) =>
    domainsPage(c, { notice: noticeOf(c) }));

  dash.post("/domains", async (c) => {
    const form = await readForm(c);
    const hostname = formText(form, "hostname");
    const body = { hostname, ...redirectsOf(form) };
    const res = await c.var.api.call<DomainDetails>("POST", "/api/v1/domains", { body });
    if (res.ok) return c.redirect(withNotice("/app/domains", "domain-added"), 303);
    return domainsPage(c, { errors: formErrors(res.problem, FIELDS), values: body });
  });

  /**
   * The domain a page's address names, or the domains page saying there is none. The address is never
   * echoed: a page names only a domain that exists, so no link can make ours show a sentence of its choosing.
   */
  const served = async (c: Context<DashEnv>, then: (d: Domain) => Response | Promise<Response>) => {
    const res = await c.var.api.call<Domains>("GET", "/api/v1/domains");
    const found = res.ok ? res.data.data.find((d) => d.hostname === c.req.param("hostname")) : undefined;
    if (found) return then(found);
    return res.ok ? notFoundPage(c, "domain") : domainsPage(c, { errors: { "": res.problem.detail }, status: res.status });
  };

  registerDomainEdit(dash);

  const Confirm = (p: { hostname: string; error?: string }) => (
    <section class="card narrow">
      <h1>Remove <code>{p.hostname}</code>?</h1>
      <FormError message={p.error} />
      <p>Short links are no longer made on it, and its address is served as the default domain. A domain that still has links cannot be removed.</p>
      <form method="post" action={`/app/domains/${encodeURIComponent(p.hostname)}/remove`} class="buttons">
        <button type="submit" class="danger">Remove {p.hostname}</button>
        <a href="/app/domains">Cancel</a>
      </form>
    </section>
  );

  dash.get("/domains/:hostname/remove", (c) =>
    served(c, (d) => page(c, <Layout title={`Remove ${d.hostname}`} session={c.var.session} nav="domains"><Confirm hostname={d.hostname} /></Layout>)));

  dash.post("/domains/:hostname/remove", async (c) => {
    const hostname = c.req.param("hostname");
    const res = await c.var.api.call("DELETE", `/api/v1/domains/${encodeURIComponent(hostname)}`);
    if (res.ok) return c.redirect(withNotice("/app/domains", "domain-removed"), 303);
    return page(c, <Layout title={`Remove ${hostname}`} session={c.var.session} nav="domains"><Confirm hostname={hostname} error={res.problem.detail} /></Layout>, res.status);
  });
}

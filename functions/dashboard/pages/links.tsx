import { HaltBadge } from "../components/halt-badge.tsx";
import type { z } from "@hono/zod-openapi";
import type { LinkPage } from "../../api/links/schemas.ts";
import { Field, Select } from "../components/field.tsx";
import { FormError, Layout, page } from "../components/layout.tsx";
import { Pager } from "../components/pager.tsx";
import { CopyButton } from "../components/copy.tsx";
import type { Dash } from "../dash-env.ts";
import { noticeOf } from "../notices.ts";
import { domainOfLink, linkPage } from "../link-paths.ts";
import { formatInstant } from "../wall-time.ts";
import { domainChoices } from "./domains.tsx";
import { HealthBadge } from "../components/health-badge.tsx";

const HEALTH_CHOICES = [["ok", "OK"], ["broken", "Broken"], ["unsafe", "Unsafe"], ["unchecked", "Not checked yet"]] as const;

const PAGE_SIZE = "25";

export function registerLinks(dash: Dash) {
  dash.get("/links", async (c) => {
    const q = c.req.query("q") ?? "";
    const tag = c.req.query("tag") ?? "";
    const domain = c.req.query("domain") ?? "";
    const createdBy = c.req.query("createdBy") ?? "";
    const health = c.req.query("health") ?? "";
    const cursor = c.req.query("cursor");
    const [res, domains] = await Promise.all([
      c.var.api.call<z.infer<typeof LinkPage>>("GET", "/api/v1/links", { query: { limit: PAGE_SIZE, q, tag, domain, createdBy, health, cursor } }),
      domainChoices(c),
    ]);
    const tz = c.var.tz;
    const qs = (extra: Record<string, string>) => "?" + new URLSearchParams({ ...(q && { q }), ...(tag && { tag }), ...(domain && { domain }), ...(createdBy && { createdBy }), ...(health && { health }), ...extra }).toString();
    const canWrite = c.var.session.scopes.some((s) => s === "links:write" || s === "admin");
    return page(
      c,
      <Layout title="Links" session={c.var.session} nav="links" notice={noticeOf(c)}>
        <div class="page-head">
          <h1>Links</h1>
          <div class="filter-actions">
            <a class="button" href={`/app/export${qs({ format: "csv" })}`} download>Export CSV</a>
            {canWrite && <a class="button" href="/app/import">Import</a>}
            {canWrite && <a class="button primary" href="/app/create">New link</a>}
          </div>
        </div>
        <form method="get" action="/app/links" class="filters" role="search">
          <Field name="q" label="Search" type="search" value={q} placeholder="slug, URL or title" />
          <Field name="tag" label="Tag" value={tag} placeholder="any tag" />
          {domains ? (
            <Select name="domain" label="Domain">
              <option value="" selected={!domain}>any domain</option>
              {domains.map((d) => <option value={d} selected={domain === d}>{d}</option>)}
            </Select>
          ) : (
            <Field name="domain" label="Domain" value={domain} placeholder="any domain" />
          )}
          <Select name="health" label="Health">
            <option value="" selected={!health}>any health</option>
            {HEALTH_CHOICES.map(([v, label]) => <option value={v} selected={health === v}>{label}</option>)}
          </Select>
          {createdBy && <input type="hidden" name="createdBy" value={createdBy} />}
          <div class="filter-actions">
            <button type="submit">Filter</button>
            {(q || tag || domain || createdBy || health) && <a href="/app/links">Clear</a>}
          </div>
        </form>
        {!res.ok ? (
          <FormError message={res.problem.detail} />
        ) : res.data.data.length === 0 ? (
          <p class="empty">{q || tag || domain || createdBy || health || cursor ? "No links match." : "No links yet."}</p>
        ) : (
          <>
            <div class="table-wrap">
              <table class="stack links">
                <colgroup>
                  <col class="link" /><col class="domain" /><col class="tags" /><col class="clicks" /><col class="created" /><col class="actions" />
                </colgroup>
                <thead>
                  <tr><th scope="col">Short link</th><th scope="col">Domain</th><th scope="col">Tags</th><th scope="col" class="num">Clicks</th><th scope="col">Created</th><th scope="col"><span class="sr-only">Actions</span></th></tr>
                </thead>
                <tbody>
                  {res.data.data.map((l) => {
                    const d = domainOfLink(c, l);
                    return (
                    <tr>
                      <td data-label="Short link" class="slug">
                        <div>
                          <a href={linkPage(l.slug, d)}>{l.slug}</a><HaltBadge link={l} />
                          {l.title && <span class="sub" title={l.title}>{l.title}</span>}
                          <span class="dest" title={l.url}><span class="sr-only">Destination: </span>{l.url}</span>
                          <span class="health-line"><span class="sr-only">Health: </span><HealthBadge health={l.health} tz={tz} /></span>
                        </div>
                      </td>
                      <td data-label="Domain" class="domain"><a href={`/app/links?domain=${encodeURIComponent(l.domain)}`} title={l.domain}>{l.domain}</a></td>
                      <td data-label="Tags" class="tags"><div>{l.tags.map((t) => <a class="tag" href={`/app/links?tag=${encodeURIComponent(t)}`} title={t}>{t}</a>)}</div></td>
                      <td data-label="Clicks" class="num">{l.clicks}</td>
                      <td data-label="Created" class="created">
                        <time datetime={l.createdAt}>{formatInstant(l.createdAt, tz)}</time>
                        {l.createdBy && <> <a class="made-by" href={`/app/links?createdBy=${encodeURIComponent(l.createdBy.id)}`}>by {l.createdBy.name}</a></>}
                      </td>
                      <td class="actions">
                        <div>
                          <CopyButton text={l.shortUrl} label={`Copy ${l.shortUrl}`} />
                          <a href={linkPage(l.slug, d, "/stats")}>Analytics</a>
                          {canWrite && <a href={linkPage(l.slug, d, "/edit")}>Edit</a>}
                        </div>
                      </td>
                    </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <Pager page={(c) => `/app/links${qs(c ? { cursor: c } : {})}`} cursor={cursor} next={res.data.nextCursor} />
          </>
        )}
      </Layout>,
      res.status,
    );
  });
}

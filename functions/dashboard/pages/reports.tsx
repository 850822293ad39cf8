/**
 * The reports queue for admins: what people reported (the link, its destination, the reason and their
 * details, all escaped by JSX), newest first, filtered by status, with Disable link and Dismiss on each open one.
 */
import type { z } from "@hono/zod-openapi";
import { REPORT_STATUSES, type Report, type ReportPage } from "../../api/reports/schemas.ts";
import { Select } from "../components/field.tsx";
import { FormError, Layout, page } from "../components/layout.tsx";
import { Pager } from "../components/pager.tsx";
import type { Dash } from "../dash-env.ts";
import { readForm } from "../forms.ts";
import { domainOfLink, linkPage } from "../link-paths.ts";
import { noticeOf, withNotice } from "../notices.ts";
import { formatInstant } from "../wall-time.ts";

const PAGE_SIZE = "50";

const LinkCell = ({ r, domain }: { r: Report; domain?: string }) =>
  r.link ? (
    <div>
      <a href={linkPage(r.link.slug, domain)}>{r.link.shortUrl}</a>
      {r.link.disabled && <span class="badge disabled">disabled</span>}
      <span class="dest"><span class="sr-only">Destination: </span>{r.link.url}</span>
    </div>
  ) : (
    <div><span>{r.target}</span> <span class="sub">no link of this service</span></div>
  );

export function registerReportsPage(dash: Dash) {
  dash.get("/reports", async (c) => {
    const wanted = c.req.query("status");
    const status = wanted === "all" ? undefined : REPORT_STATUSES.find((s) => s === wanted) ?? "open";
    const cursor = c.req.query("cursor");
    const res = await c.var.api.call<z.infer<typeof ReportPage>>("GET", "/api/v1/reports", { query: { limit: PAGE_SIZE, cursor, status } });
    const tz = c.var.tz;
    const shownStatus = status ?? "all";
    return page(
      c,
      <Layout title="Reports" session={c.var.session} nav="reports" notice={noticeOf(c)}>
        <h1>Reports</h1>
        <p>Links people reported through <a href="/report">the report form</a> or the API. Nothing a reporter sends changes a link: disabling is yours to decide.</p>
        <form method="get" action="/app/reports" class="filters" role="search">
          <Select name="status" label="Status">
            {["open", "disabled", "dismissed", "all"].map((s) => <option value={s} selected={shownStatus === s}>{s}</option>)}
          </Select>
          <div class="filter-actions"><button type="submit">Filter</button></div>
        </form>
        {!res.ok ? (
          <FormError message={res.problem.detail} />
        ) : res.data.data.length === 0 ? (
          <p class="empty">{shownStatus === "open" ? "No open reports." : "No reports match."}</p>
        ) : (
          <>
            <div class="table-wrap">
              <table class="stack reports">
                <thead>
                  <tr><th scope="col">Reported</th><th scope="col">Link</th><th scope="col">Reason</th><th scope="col">Details</th><th scope="col">Status</th></tr>
                </thead>
                <tbody>
                  {res.data.data.map((r) => (
                    <tr>
                      <td data-label="Reported"><time datetime={r.createdAt}>{formatInstant(r.createdAt, tz)}</time></td>
                      <td data-label="Link" class="slug"><LinkCell r={r} domain={r.link ? domainOfLink(c, r.link) : undefined} /></td>
                      <td data-label="Reason">{r.reason}</td>
                      <td data-label="Details" class="details">{r.details ?? "—"}{r.email && <span class="sub">from {r.email}</span>}</td>
                      <td data-label="Status">
                        {r.status !== "open" ? r.status : (
                          <div class="buttons">
                            {r.link && (
                              <form method="post" action={`/app/reports/${r.id}/resolve`}>
                                <input type="hidden" name="action" value="disable" />
                                <label class="sr-only" for={`reason-${r.id}`}>Reason shown to visitors</label>
                                <input id={`reason-${r.id}`} name="reason" maxlength={500} placeholder="reason shown to visitors" value={`Reported as ${r.reason}`} />
                                <button type="submit" class="danger">Disable link</button>
                              </form>
                            )}
                            <form method="post" action={`/app/reports/${r.id}/resolve`}>
                              <input type="hidden" name="action" value="dismiss" />
                              <button type="submit">Dismiss</button>
                            </form>
                          </div>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager page={(next) => `/app/reports?${new URLSearchParams({ status: shownStatus, ...(next ? { cursor: next } : {}) })}`} cursor={cursor} next={res.data.nextCursor} />
          </>
        )}
      </Layout>,
      res.status,
    );
  });

  dash.post("/reports/:id/resolve", async (c) => {
    const form = await readForm(c);
    const action = form.action === "disable" ? "disable" : "dismiss";
    const reason = typeof form.reason === "string" && form.reason.trim() ? form.reason.trim() : null;
    const id = c.req.param("id");
    const res = await c.var.api.call<Report>("POST", `/api/v1/reports/${encodeURIComponent(id)}/resolve`, {
      body: action === "disable" ? { action, reason } : { action },
    });
    if (res.ok) return c.redirect(withNotice("/app/reports", action === "disable" ? "report-disabled" : "report-dismissed"), 303);
    return page(c, <Layout title="Reports" session={c.var.session} nav="reports"><h1>Reports</h1><FormError message={res.problem.detail} /><p><a href="/app/reports">Back to the reports</a></p></Layout>, res.status);
  });
}

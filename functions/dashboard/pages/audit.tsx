/** The audit log for admins: who changed what, newest first, filtered by actor, action, target and days. */
import type { z } from "@hono/zod-openapi";
import { AUDIT_ACTIONS, type AuditPage } from "../../api/audit/schemas.ts";
import { Field, Select } from "../components/field.tsx";
import { FormError, Layout, page } from "../components/layout.tsx";
import { Pager } from "../components/pager.tsx";
import type { Dash } from "../dash-env.ts";
import { formatInstant, parseWallTime } from "../wall-time.ts";

const PAGE_SIZE = "50";

/** The day after a "YYYY-MM-DD" date, as the same kind of text. */
const nextDay = (date: string) => {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
};

/** A change's JSON, compact, for the details of a row. */
const shown = (v: unknown) => (v === null || v === undefined ? "—" : JSON.stringify(v, null, 1));

export function registerAuditPage(dash: Dash) {
  dash.get("/audit", async (c) => {
    const tz = c.var.tz;
    const f = { actor: c.req.query("actor") ?? "", action: c.req.query("action") ?? "", target: c.req.query("target") ?? "", from: c.req.query("from") ?? "", to: c.req.query("to") ?? "" };
    const cursor = c.req.query("cursor");
    // Days are the person's own (tz): from the start of `from` to the end of `to`.
    const from = f.from ? parseWallTime(f.from, tz) : null;
    const to = f.to && /^\d{4}-\d{2}-\d{2}$/.test(f.to) ? parseWallTime(nextDay(f.to), tz) : null;
    const res = await c.var.api.call<z.infer<typeof AuditPage>>("GET", "/api/v1/audit", {
      query: { limit: PAGE_SIZE, cursor, actor: f.actor, action: f.action, target: f.target, from: from?.toISOString(), to: to?.toISOString() },
    });
    const filtered = Object.values(f).some(Boolean);
    const qs = (extra: Record<string, string>) =>
      "?" + new URLSearchParams({ ...Object.fromEntries(Object.entries(f).filter(([, v]) => v)), ...extra }).toString();
    return page(
      c,
      <Layout title="Audit log" session={c.var.session} nav="audit">
        <h1>Audit log</h1>
        <form method="get" action="/app/audit" class="filters" role="search">
          <Field name="actor" label="Actor" value={f.actor} placeholder="a person's or key's id" />
          <Select name="action" label="Action">
            <option value="" selected={!f.action}>any action</option>
            {AUDIT_ACTIONS.map((a) => <option value={a} selected={f.action === a}>{a}</option>)}
          </Select>
          <Field name="target" label="Target" value={f.target} placeholder="link:<id>, domain:<hostname>…" />
          <Field name="from" label="From day" type="date" value={f.from} />
          <Field name="to" label="To day" type="date" value={f.to} />
          <div class="filter-actions">
            <button type="submit">Filter</button>
            {filtered && <a href="/app/audit">Clear</a>}
          </div>
        </form>
        {!res.ok ? (
          <FormError message={res.problem.detail} />
        ) : res.data.data.length === 0 ? (
          <p class="empty">{filtered || cursor ? "No entries match." : "Nothing has been recorded yet."}</p>
        ) : (
          <>
            <div class="table-wrap">
              <table class="stack audit">
                <thead>
                  <tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Target</th><th scope="col">Change</th></tr>
                </thead>
                <tbody>
                  {res.data.data.map((e) => (
                    <tr>
                      <td data-label="When"><time datetime={e.at}>{formatInstant(e.at, tz)}</time></td>
                      <td data-label="Who" class="actor">
                        {e.actor ? <a href={`/app/audit${qs({ actor: e.actor.id })}`} title={`${e.actor.type} ${e.actor.id}`}>{e.actor.name || e.actor.id}</a> : "unknown"}
                      </td>
                      <td data-label="Action"><code>{e.action}</code></td>
                      <td data-label="Target" class="target">{e.target && <a href={`/app/audit${qs({ target: e.target })}`}>{e.target}</a>}</td>
                      <td data-label="Change">
                        <details>
                          <summary>Before and after</summary>
                          <pre class="change">{`before: ${shown(e.before)}\nafter: ${shown(e.after)}`}</pre>
                        </details>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager page={(c) => `/app/audit${qs(c ? { cursor: c } : {})}`} cursor={cursor} next={res.data.nextCursor} />
          </>
        )}
      </Layout>,
      res.status,
    );
  });
}

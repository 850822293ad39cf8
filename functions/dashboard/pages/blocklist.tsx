import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { listBlocklistRoute } from "../../api/blocklist/list.ts";
import type { BlockedHost } from "../../api/blocklist/schemas.ts";
import { Field } from "../components/field.tsx";
import { FormError, Layout, page } from "../components/layout.tsx";
import type { Dash, DashEnv } from "../dash-env.ts";
import { noticeOf, withNotice } from "../notices.ts";
import { formErrors, type FormErrors, readForm } from "../forms.ts";
import { formatInstant } from "../wall-time.ts";

/** GET /api/v1/blocklist's page, read off the route so the two cannot drift apart. */
type BlocklistPage = z.infer<(typeof listBlocklistRoute)["responses"][200]["content"]["application/json"]["schema"]>;

async function blocklistPage(c: Context<DashEnv>, opts: { errors?: FormErrors; host?: string; notice?: string } = {}) {
  const cursor = c.req.query("cursor");
  const query = cursor ? `?cursor=${encodeURIComponent(cursor)}` : "";
  const res = await c.var.api.call<BlocklistPage>("GET", `/api/v1/blocklist${query}`);
  const errors = opts.errors ?? {};
  const tz = c.var.tz;
  const status = !res.ok ? res.status : opts.errors ? 400 : 200;
  return page(c, (
    <Layout title="Blocklist" session={c.var.session} nav="blocklist" notice={opts.notice}>
      <h1>Blocklist</h1>
      <p>No link may be made or changed to point at these hosts (its URL, fallback, rules or variants). Links that point there already stay as they are.</p>
      {!res.ok ? <FormError message={res.problem.detail} /> : (
        <>
          <form method="post" action="/app/blocklist" class="card form" novalidate>
            <h2>Block a host</h2>
            <FormError message={errors[""]} />
            <Field
              name="host" label="Host" value={opts.host ?? ""} required error={errors.host}
              hint="A host (evil.example, an IP address), or *.evil.example for every name under evil.example (add evil.example too to block the name itself)."
            />
            <button type="submit" class="primary">Block</button>
          </form>
          {res.data.data.length === 0 ? <p>{cursor ? "No more hosts." : "No host is blocked."}</p> : (
            <div class="table-wrap">
              <table class="stack">
                <thead><tr><th scope="col">Host</th><th scope="col">Matches</th><th scope="col">Added by</th><th scope="col">Added</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
                <tbody>
                  {res.data.data.map((e: z.infer<typeof BlockedHost>) => (
                    <tr>
                      <td data-label="Host"><code>{e.host}</code></td>
                      <td data-label="Matches">{e.kind === "suffix" ? "every name under it" : "this host"}</td>
                      <td data-label="Added by">{e.createdBy?.name ?? "admin key"}</td>
                      <td data-label="Added">{formatInstant(e.createdAt, tz)}</td>
                      <td class="actions">
                        <form method="post" action="/app/blocklist/remove" class="inline">
                          <input type="hidden" name="host" value={e.host} />
                          <button type="submit" class="link-button" aria-label={`Unblock ${e.host}`}>Unblock</button>
                        </form>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {res.data.nextCursor && <p><a href={`/app/blocklist?cursor=${encodeURIComponent(res.data.nextCursor)}`}>Next page</a></p>}
        </>
      )}
    </Layout>
  ), status);
}

export function registerBlocklistPage(dash: Dash) {
  dash.get("/blocklist", (c) => blocklistPage(c, { notice: noticeOf(c) }));

  dash.post("/blocklist", async (c) => {
    const form = await readForm(c);
    const host = typeof form.host === "string" ? form.host : "";
    const res = await c.var.api.call("POST", "/api/v1/blocklist", { body: { host } });
    if (res.ok) return c.redirect(withNotice("/app/blocklist", "host-blocked"), 303);
    return blocklistPage(c, { errors: formErrors(res.problem, ["host"]), host });
  });

  dash.post("/blocklist/remove", async (c) => {
    const form = await readForm(c);
    const host = typeof form.host === "string" ? form.host : "";
    const res = await c.var.api.call("DELETE", `/api/v1/blocklist/${encodeURIComponent(host)}`);
    if (res.ok) return c.redirect(withNotice("/app/blocklist", "host-unblocked"), 303);
    return blocklistPage(c, { errors: { "": res.problem.detail } });
  });
}

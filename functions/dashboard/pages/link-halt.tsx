/**
 * An admin's switches on a link page: disable it (410, with a reason shown to visitors), enable it again, and
 * clear a warning. Plain forms, CSRF-checked like every dashboard POST; the API enforces the admin scope.
 */
import type { FC } from "hono/jsx";
import type { Link } from "../../api/links/schemas.ts";
import { HALT_TEXT_MAX } from "../../api/links/schemas.ts";
import { FormError, Layout, page } from "../components/layout.tsx";
import type { Dash } from "../dash-env.ts";
import { readForm } from "../forms.ts";
import { domainQuery, linkPage, pageDomain } from "../link-paths.ts";
import { withNotice, type NoticeCode } from "../notices.ts";
import { formatInstant } from "../wall-time.ts";

/** The state and, for an admin, the switches (on the link's own page). */
export const HaltControls: FC<{ link: Link; domain?: string; admin: boolean; tz: string }> = ({ link: l, domain, admin, tz }) => (
  <section class="card" aria-labelledby="halt-title">
    <h2 id="halt-title">Status</h2>
    <dl class="facts">
      <dt>Redirect</dt>
      <dd>{l.disabled ? <>disabled{l.disabledAt && <> since <time datetime={l.disabledAt}>{formatInstant(l.disabledAt, tz)}</time></>}: visitors get 410</> : "active"}</dd>
      {l.disabled && <><dt>Reason</dt><dd>{l.disabledReason ?? "none given"}</dd></>}
      <dt>Warning</dt><dd>{l.warning ?? "none"}</dd>
    </dl>
    {admin && (
      <div class="buttons">
        {l.disabled ? (
          <form method="post" action={linkPage(l.slug, domain, "/enable")}><button type="submit">Enable link</button></form>
        ) : (
          <form method="post" action={linkPage(l.slug, domain, "/disable")}>
            <label for="disable-reason">Reason shown to visitors (optional)</label>
            <input id="disable-reason" name="reason" maxlength={HALT_TEXT_MAX} />
            <button type="submit" class="danger">Disable link</button>
          </form>
        )}
        {l.warning !== null && <form method="post" action={linkPage(l.slug, domain, "/clear-warning")}><button type="submit">Clear the warning</button></form>}
      </div>
    )}
  </section>
);

export function registerLinkHalt(dash: Dash) {
  const act = (suffix: string, body: (form: Record<string, unknown>) => Record<string, unknown>, done: NoticeCode) =>
    dash.post(`/links/:slug/${suffix}`, async (c) => {
      const slug = c.req.param("slug");
      const domain = pageDomain(c);
      const form = await readForm(c);
      const res = await c.var.api.call<Link>("PATCH", `/api/v1/links/${encodeURIComponent(slug)}`, { query: domainQuery(domain), body: body(form) });
      if (res.ok) return c.redirect(withNotice(linkPage(slug, domain), done), 303);
      return page(c, <Layout title={slug} session={c.var.session} nav="links"><h1><code>{slug}</code></h1><FormError message={res.problem.detail} /><p><a href={linkPage(slug, domain)}>Back to the link</a></p></Layout>, res.status);
    });
  act("disable", (f) => {
    const reason = typeof f.reason === "string" ? f.reason.trim() : "";
    return { disabled: true, disabledReason: reason || null };
  }, "link-disabled");
  act("enable", () => ({ disabled: false }), "link-enabled");
  act("clear-warning", () => ({ warning: null }), "warning-cleared");
}

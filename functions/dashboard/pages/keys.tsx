import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { listKeysRoute } from "../../api/keys/list.ts";
import type { CreatedKey } from "../../api/keys/schemas.ts";
import { scopes } from "../../shared/auth/scopes.ts";
import { ShownOnce } from "../components/copy.tsx";
import { CheckboxGroup, Field } from "../components/field.tsx";
import { FormError, Layout, page } from "../components/layout.tsx";
import type { Dash, DashEnv } from "../dash-env.ts";
import { noticeOf, withNotice } from "../notices.ts";
import { formErrors, type FormErrors, readForm } from "../forms.ts";
import { formatInstant } from "../wall-time.ts";
import { domainChoices } from "./domains.tsx";

/** GET /api/v1/keys answers `{data: ApiKey[]}`: the type is read off the route, so the two cannot drift apart. */
type KeyList = z.infer<(typeof listKeysRoute)["responses"][200]["content"]["application/json"]["schema"]>;
/** POST /api/v1/keys: the key's fields plus the key itself, shown this once. */
type MintedKey = z.infer<typeof CreatedKey>;

/** The restrictions chosen on the form: domains ticked (none: every domain) and own links only. */
interface Restrictions {
  domains: string[];
  ownLinksOnly: boolean;
}

async function keysPage(
  c: Context<DashEnv>,
  opts: { minted?: MintedKey; errors?: FormErrors; name?: string; checked?: string[]; restrictions?: Restrictions; notice?: string } = {},
) {
  const [res, domains] = await Promise.all([c.var.api.call<KeyList>("GET", "/api/v1/keys"), domainChoices(c)]);
  const restrictions = opts.restrictions ?? { domains: [], ownLinksOnly: false };
  const tz = c.var.tz;
  const checked = opts.checked ?? ["links:read", "links:write", "analytics:read"];
  const errors = opts.errors ?? {};
  const status = !res.ok ? res.status : opts.errors ? 400 : opts.minted ? 201 : 200;
  return page(c, (
    <Layout title="API keys" session={c.var.session} nav="keys" notice={opts.notice}>
      <h1>API keys</h1>
      {opts.minted && (
        <ShownOnce
          id="minted-key" title={`Key "${opts.minted.name}" created`} label="The new API key" value={opts.minted.key} copyLabel="Copy the new key"
          note={<><strong>Copy it now: it is shown only this once.</strong> Only its hash is stored.</>}
        />
      )}
      {!res.ok ? <FormError message={res.problem.detail} /> : (
        <>
          <form method="post" action="/app/keys" class="card form" novalidate>
            <h2>New key</h2>
            <FormError message={errors[""]} />
            <Field name="name" label="Name" value={opts.name ?? ""} required error={errors.name} hint="Who or what uses it, e.g. “CI pipeline”." />
            <CheckboxGroup name="scopes" legend="Scopes" idPrefix="scope" options={scopes} checked={checked} error={errors.scopes} />
            <fieldset aria-describedby={errors.domains || errors.ownLinksOnly ? "f-restrictions-error" : "f-restrictions-hint"}>
              <legend>Restrictions</legend>
              <p class="hint" id="f-restrictions-hint">
                Tick domains to limit the key to their links (none ticked: every domain). Not for admin keys.
              </p>
              {(domains ?? []).map((d) => (
                <div class="check">
                  <input type="checkbox" id={`domain-${d}`} name="domains" value={d} checked={restrictions.domains.includes(d)} />
                  <label for={`domain-${d}`}>{d}</label>
                </div>
              ))}
              <div class="check">
                <input type="checkbox" id="f-ownLinksOnly" name="ownLinksOnly" value="on" checked={restrictions.ownLinksOnly} />
                <label for="f-ownLinksOnly">Only the links this key creates</label>
              </div>
              {(errors.domains || errors.ownLinksOnly) && (
                <p class="field-error" id="f-restrictions-error">{[errors.domains, errors.ownLinksOnly].filter(Boolean).join(" ")}</p>
              )}
            </fieldset>
            <button type="submit" class="primary">Create key</button>
          </form>
          <div class="table-wrap">
            <table class="stack">
              <thead><tr><th scope="col">Name</th><th scope="col">Prefix</th><th scope="col">Scopes</th><th scope="col">Restrictions</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
              <tbody>
                {res.data.data.map((k) => (
                  <tr class={k.revokedAt ? "revoked" : undefined}>
                    <td data-label="Name">{k.name}</td>
                    <td data-label="Prefix"><code>{k.prefix}…</code></td>
                    <td data-label="Scopes">{k.scopes.join(", ")}</td>
                    <td data-label="Restrictions">
                      {[k.domains ? `domains: ${k.domains.join(", ")}` : "", k.ownLinksOnly ? "own links only" : ""].filter(Boolean).join("; ") || "none"}
                    </td>
                    <td data-label="Created">{formatInstant(k.createdAt, tz)}</td>
                    <td data-label="Last used">{k.lastUsedAt ? formatInstant(k.lastUsedAt, tz) : "never"}</td>
                    <td class="actions">{k.revokedAt ? `Revoked ${formatInstant(k.revokedAt, tz)}` : <a href={`/app/keys/${encodeURIComponent(k.id)}/revoke`}>Revoke</a>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Layout>
  ), status);
}

export function registerKeys(dash: Dash) {
  dash.get("/keys", (c) => keysPage(c, { notice: noticeOf(c) }));

  dash.post("/keys", async (c) => {
    const form = await readForm(c, { all: true });
    const name = typeof form.name === "string" ? form.name.trim() : "";
    const strings = (v: unknown) => ([] as unknown[]).concat(v ?? []).filter((s): s is string => typeof s === "string");
    const checked = strings(form.scopes);
    const restrictions = { domains: strings(form.domains), ownLinksOnly: form.ownLinksOnly === "on" };
    const body = {
      name,
      scopes: checked,
      ...(restrictions.domains.length ? { domains: restrictions.domains } : {}),
      ...(restrictions.ownLinksOnly ? { ownLinksOnly: true } : {}),
    };
    const res = await c.var.api.call<MintedKey>("POST", "/api/v1/keys", { body });
    if (res.ok) return keysPage(c, { minted: res.data });
    return keysPage(c, { errors: formErrors(res.problem, ["name", "scopes", "domains", "ownLinksOnly"]), name, checked, restrictions });
  });

  dash.get("/keys/:id/revoke", (c) => {
    const id = c.req.param("id");
    return page(c, (
      <Layout title="Revoke key" session={c.var.session} nav="keys">
        <section class="card narrow">
          <h1>Revoke this key?</h1>
          <p>Every call made with it, and every dashboard session signed in with it, is refused from now on. This cannot be undone.</p>
          <form method="post" action={`/app/keys/${encodeURIComponent(id)}/revoke`} class="buttons">
            <button type="submit" class="danger">Revoke key</button>
            <a href="/app/keys">Cancel</a>
          </form>
        </section>
      </Layout>
    ));
  });

  dash.post("/keys/:id/revoke", async (c) => {
    const res = await c.var.api.call("DELETE", `/api/v1/keys/${encodeURIComponent(c.req.param("id"))}`);
    if (res.ok) return c.redirect(withNotice("/app/keys", "key-revoked"), 303);
    return keysPage(c, { errors: { "": res.problem.detail } });
  });
}

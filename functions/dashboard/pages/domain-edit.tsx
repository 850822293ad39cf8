/**
 * A domain's edit page (admins): its redirects, its app-association files (two JSON textareas) and its QR
 * logo (a file, sent to the API as a data: URL), through PATCH /api/v1/domains/{hostname}. The API judges
 * every value; its refusals are shown beside the field they name, as on every form.
 */
import type { Context } from "hono";
import type { Domain, DomainDetails } from "../../api/domains/schemas.ts";
import { MAX_QR_LOGO_BYTES, qrLogoDataUrl } from "../../shared/qr-logo.ts";
import { Field } from "../components/field.tsx";
import { FormError, Layout, page } from "../components/layout.tsx";
import { namesNothing, notFoundPage } from "../components/not-found.tsx";
import type { Dash, DashEnv } from "../dash-env.ts";
import { formErrors, type FormErrors, readForm } from "../forms.ts";
import { withNotice } from "../notices.ts";

const FIELDS = ["rootRedirect", "notFoundRedirect", "appleAppSiteAssociation", "assetLinks", "qrLogo"] as const;

export const formText = (form: Record<string, unknown>, k: string) => (typeof form[k] === "string" ? (form[k] as string).trim() : "");

/** Empty clears a redirect (null); anything else goes as typed, for the API to judge. */
export const redirectsOf = (form: Record<string, unknown>) => ({
  rootRedirect: formText(form, "rootRedirect") || null,
  notFoundRedirect: formText(form, "notFoundRedirect") || null,
});

export const RedirectFields = (p: { values: Partial<Domain>; errors: FormErrors }) => (
  <>
    <Field name="rootRedirect" label="Root redirect" type="url" inputmode="url" value={p.values.rootRedirect ?? ""} error={p.errors.rootRedirect}
      hint="Where the domain's own address (/) sends visitors. Empty: the dashboard on the default domain, 404 on the others." />
    <Field name="notFoundRedirect" label="Not-found redirect" type="url" inputmode="url" value={p.values.notFoundRedirect ?? ""} error={p.errors.notFoundRedirect}
      hint="Where an unknown short link on the domain sends visitors. Empty: 404." />
  </>
);

/** What the form shows: the textareas' text as typed (or the stored JSON, indented), the current logo. */
interface EditValues {
  rootRedirect: string | null;
  notFoundRedirect: string | null;
  appleAppSiteAssociation: string;
  assetLinks: string;
  qrLogo: string | null;
}

const indented = (v: unknown) => (v === null ? "" : JSON.stringify(v, null, 2));
const toValues = (d: DomainDetails): EditValues => ({
  rootRedirect: d.rootRedirect, notFoundRedirect: d.notFoundRedirect, appleAppSiteAssociation: indented(d.appleAppSiteAssociation),
  assetLinks: indented(d.assetLinks), qrLogo: d.qrLogo,
});

const JsonArea = (p: { name: "appleAppSiteAssociation" | "assetLinks"; label: string; value: string; error?: string; hint: string }) => {
  const id = `f-${p.name}`;
  return (
    <div class={p.error ? "field invalid" : "field"}>
      <label for={id}>{p.label}</label>
      <textarea id={id} name={p.name} class="json" rows={8} spellcheck={false} aria-invalid={p.error ? "true" : undefined}
        aria-describedby={[`${id}-hint`, p.error && `${id}-error`].filter(Boolean).join(" ")}>{p.value}</textarea>
      <p class="hint" id={`${id}-hint`}>{p.hint}</p>
      {p.error && <p class="field-error" id={`${id}-error`}>{p.error}</p>}
    </div>
  );
};

function editPage(c: Context<DashEnv>, hostname: string, v: EditValues, errors: FormErrors = {}, status = 200) {
  return page(c, (
    <Layout title={`Edit ${hostname}`} session={c.var.session} nav="domains">
      <h1>Edit <code>{hostname}</code></h1>
      <form method="post" action={`/app/domains/${encodeURIComponent(hostname)}/edit`} enctype="multipart/form-data" class="card form" novalidate>
        <FormError message={errors[""]} />
        <h2>Redirects</h2>
        <RedirectFields values={v} errors={errors} />
        <h2>App links</h2>
        <p class="hint">Served on this domain as <code>/.well-known/apple-app-site-association</code> and <code>/.well-known/assetlinks.json</code>, so links open your iOS and Android apps (docs/app-links.md in the repository). Empty removes a file.</p>
        <JsonArea name="appleAppSiteAssociation" label="Apple app site association (JSON object)" value={v.appleAppSiteAssociation} error={errors.appleAppSiteAssociation}
          hint='For iOS universal links, e.g. {"applinks":{"details":[{"appIDs":["TEAMID.com.example.app"],"components":[{"/":"/*"}]}]}}. At most 64 KB.' />
        <JsonArea name="assetLinks" label="Android asset links (JSON array)" value={v.assetLinks} error={errors.assetLinks}
          hint="For Android app links: the statements of assetlinks.json, an array. At most 64 KB." />
        <h2>QR logo</h2>
        {v.qrLogo && (
          <div class="logo-current">
            <img src={v.qrLogo} alt="The current QR logo" class="logo-preview" id="qr-logo-preview" />
            <div class="check">
              <input type="checkbox" id="f-removeQrLogo" name="removeQrLogo" value="on" />
              <label for="f-removeQrLogo">Remove the logo</label>
            </div>
          </div>
        )}
        <div class={errors.qrLogo ? "field invalid" : "field"}>
          <label for="f-qrLogo">{v.qrLogo ? "Replace the logo" : "Logo"}</label>
          <input id="f-qrLogo" name="qrLogo" type="file" accept="image/png,image/svg+xml" aria-invalid={errors.qrLogo ? "true" : undefined}
            aria-describedby={["f-qrLogo-hint", errors.qrLogo && "f-qrLogo-error"].filter(Boolean).join(" ")} />
          <p class="hint" id="f-qrLogo-hint">Put in the middle of this domain's QR codes. PNG (at most 1,024 px a side) or SVG (a plain drawing: no scripts or links), at most 64 KB.</p>
          {errors.qrLogo && <p class="field-error" id="f-qrLogo-error">{errors.qrLogo}</p>}
        </div>
        <div class="buttons">
          <button type="submit" class="primary">Save</button>
          <a href="/app/domains">Cancel</a>
        </div>
      </form>
    </Layout>
  ), status);
}

/** A textarea's text as the JSON value it holds; text that is not JSON goes as typed, for the API to refuse. */
function jsonOf(text: string): { value: unknown; parseError?: string } {
  if (!text) return { value: null };
  try {
    return { value: JSON.parse(text) };
  } catch (e) {
    return { value: text, parseError: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * The chosen file as a data: URL of its type; a file past the size limit is cut one byte past it, so the
 * API refuses it for its size (naming the field) without the dashboard posting megabytes to it.
 */
async function logoOf(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.slice(0, MAX_QR_LOGO_BYTES + 1).arrayBuffer());
  // A browser that knows no type for the file leaves it empty: its extension says what it claims to be.
  const byName = /\.svg$/i.test(file.name) ? "image/svg+xml" : /\.png$/i.test(file.name) ? "image/png" : "application/octet-stream";
  return qrLogoDataUrl(file.type || byName, bytes);
}

const domainsError = (c: Context<DashEnv>, detail: string, status: number) =>
  page(c, <Layout title="Domains" session={c.var.session} nav="domains"><h1>Domains</h1><FormError message={detail} /></Layout>, status);

export function registerDomainEdit(dash: Dash) {
  dash.get("/domains/:hostname/edit", async (c) => {
    const res = await c.var.api.call<DomainDetails>("GET", `/api/v1/domains/${encodeURIComponent(c.req.param("hostname"))}`);
    if (res.ok) return editPage(c, res.data.hostname, toValues(res.data));
    // The address is never echoed: a page names only a domain that exists.
    return namesNothing(res.status) ? notFoundPage(c, "domain") : domainsError(c, res.problem.detail, res.status);
  });

  dash.post("/domains/:hostname/edit", async (c) => {
    const hostname = c.req.param("hostname");
    const form = await readForm(c);
    const aasa = jsonOf(typeof form.appleAppSiteAssociation === "string" ? form.appleAppSiteAssociation.trim() : "");
    const links = jsonOf(typeof form.assetLinks === "string" ? form.assetLinks.trim() : "");
    const file = form.qrLogo instanceof File && form.qrLogo.size > 0 ? form.qrLogo : undefined;
    const body: Record<string, unknown> = { ...redirectsOf(form), appleAppSiteAssociation: aasa.value, assetLinks: links.value };
    if (file) body.qrLogo = await logoOf(file);
    else if (form.removeQrLogo === "on") body.qrLogo = null;
    const res = await c.var.api.call<DomainDetails>("PATCH", `/api/v1/domains/${encodeURIComponent(hostname)}`, { body });
    if (res.ok) return c.redirect(withNotice("/app/domains", "domain-saved"), 303);
    // The page is drawn again for the domain as the API names it (the address is never echoed), with the
    // current logo: a refused replacement leaves it as it was.
    const current = await c.var.api.call<DomainDetails>("GET", `/api/v1/domains/${encodeURIComponent(hostname)}`);
    if (!current.ok) return namesNothing(current.status) ? notFoundPage(c, "domain") : domainsError(c, current.problem.detail, current.status);
    const errors = formErrors(res.problem, FIELDS);
    // Say why the API saw a string where a JSON value belongs.
    for (const [field, parsed] of [["appleAppSiteAssociation", aasa], ["assetLinks", links]] as const) {
      if (errors[field] && parsed.parseError) errors[field] = `${errors[field]} (it is not valid JSON: ${parsed.parseError})`;
    }
    const values: EditValues = {
      ...redirectsOf(form),
      appleAppSiteAssociation: typeof form.appleAppSiteAssociation === "string" ? form.appleAppSiteAssociation : "",
      assetLinks: typeof form.assetLinks === "string" ? form.assetLinks : "",
      qrLogo: current.data.qrLogo,
    };
    return editPage(c, current.data.hostname, values, errors, res.status);
  });
}

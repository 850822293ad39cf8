import type { FC } from "hono/jsx";
import type { FormErrors, LinkFormValues } from "../forms.ts";
import { Field, Select } from "./field.tsx";
import { FormError } from "./layout.tsx";
import { RoutingEditor } from "./routing-editor.tsx";
import { PreviewEditor } from "./preview-card.tsx";

interface Props {
  mode: "create" | "edit";
  action: string;
  values: LinkFormValues;
  errors?: FormErrors;
  /** Edit: whether the link has a password now. */
  hasPassword?: boolean;
  /** The API's errors about rules and variants, by full path (routing-form.ts routingErrors). */
  routingErrors?: Record<string, string>;
  tz: string;
  /** Create: the domains to offer (hostnames, the default first); absent: a free hostname field. */
  domains?: string[];
  /** Where Cancel goes (edit: the link's page). */
  cancel?: string;
  /** The short URL's host (create: the default domain's, until another is picked), for the card's mock-up. */
  host: string;
}

const REDIRECTS = [
  ["302", "302 Found (temporary, every click reaches us)"],
  ["301", "301 Moved Permanently (browsers may cache it)"],
  ["307", "307 Temporary Redirect (keeps the method)"],
  ["308", "308 Permanent Redirect (keeps the method)"],
] as const;

/** Create and edit share one form; the API's errors land beside their fields. */
export const LinkForm: FC<Props> = ({ mode, action, values: v, errors = {}, hasPassword, routingErrors = {}, tz, domains, cancel, host }) => (
  <form method="post" action={action} class="card form" novalidate>
    <FormError message={errors[""]} />
    <input type="hidden" name="tz" value={tz} data-tz />
    <Field name="url" label="Destination URL" type="url" inputmode="url" value={v.url} required error={errors.url}
      placeholder="https://example.com/a/long/page" />
    {mode === "create" && (domains ? (
      <Select name="domain" label="Domain" error={errors.domain} hint="The host of the short URL.">
        {domains.map((d, i) => <option value={i === 0 ? "" : d} selected={v.domain === d || (i === 0 && !v.domain)}>{d}</option>)}
      </Select>
    ) : (
      <Field name="domain" label="Domain" value={v.domain} error={errors.domain} hint="The host of the short URL. Empty: the default domain." />
    ))}
    {mode === "create" ? (
      <Field name="slug" label="Custom slug" value={v.slug} error={errors.slug}
        hint="Letters, digits, - and _. Leave empty for a random 7-character slug." />
    ) : (
      <Field name="slug" label="Slug" value={v.slug} readonly hint="A slug cannot change: printed QR codes and shared links keep working." />
    )}
    <Field name="title" label="Title" value={v.title} error={errors.title} />
    <Field name="tags" label="Tags" value={v.tags} error={errors.tags} hint="Separated by commas." />
    <div class="row">
      <Field name="validSince" label="Valid from" type="datetime-local" value={v.validSince} error={errors.validSince}
        hint={`Before it the link answers 404. Your time zone: ${tz}. Empty: at once.`} />
      <Field name="expiresAt" label="Expires at" type="datetime-local" value={v.expiresAt} error={errors.expiresAt}
        hint={`Your time zone: ${tz}. Empty: never.`} />
      <Field name="maxClicks" label="Click limit" type="number" inputmode="numeric" min="1" value={v.maxClicks}
        error={errors.maxClicks} hint="Human clicks; empty: unlimited." />
    </div>
    <div class="check">
      <input type="checkbox" id="f-noForwardQuery" name="noForwardQuery" checked={v.noForwardQuery === "on"} />
      <label for="f-noForwardQuery">Do not forward the visitor's query string to the destination</label>
    </div>
    <div class="check">
      <input type="checkbox" id="f-crawlable" name="crawlable" checked={v.crawlable === "on"} />
      <label for="f-crawlable">Let search engines crawl it (listed as allowed in robots.txt)</label>
    </div>
    <Field name="fallbackUrl" label="Fallback URL" type="url" inputmode="url" value={v.fallbackUrl} error={errors.fallbackUrl}
      hint="Where visitors go once the link has expired or reached its limit. Empty: they see 410 Gone." />
    <Select name="redirectType" label="Redirect type" error={errors.redirectType}>
      {REDIRECTS.map(([value, label]) => <option value={value} selected={(v.redirectType || "302") === value}>{label}</option>)}
    </Select>
    <Field name="password" label={mode === "edit" && hasPassword ? "New password" : "Password"} type="password"
      autocomplete="new-password" value="" error={errors.password}
      hint={mode === "edit" && hasPassword ? "This link has a password. Leave empty to keep it." : "Visitors must type it before being redirected. Empty: none."} />
    {mode === "edit" && hasPassword && (
      <div class="check">
        <input type="checkbox" id="f-removePassword" name="removePassword" checked={v.removePassword === "on"} />
        <label for="f-removePassword">Remove the password</label>
      </div>
    )}
    <PreviewEditor values={v} errors={errors} host={v.domain || host} fallbackTitle={`${v.domain || host}/${v.slug || "…"}`} />
    <RoutingEditor values={v} errors={routingErrors} />
    <div class="buttons">
      <button type="submit" class="primary">{mode === "create" ? "Create link" : "Save changes"}</button>
      <a href={cancel ?? (mode === "create" ? "/app/links" : `/app/links/${v.slug}`)}>Cancel</a>
    </div>
  </form>
);

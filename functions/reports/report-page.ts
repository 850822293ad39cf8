/**
 * GET /report, a public form anyone can use to report a short link, and POST /report, where it is sent: the
 * same service as POST /api/v1/reports (file-report.ts). Served on every domain; plain HTML with no script,
 * nothing loaded (CSP default-src 'none'), never framed. The POST is refused unless it comes from a page of the
 * same origin (the dashboard's CSRF rule: Origin, else Sec-Fetch-Site), so no other site can file reports in
 * its visitors' names. Every value interpolated is escaped by hono/html.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { csrf } from "hono/csrf";
import { html } from "hono/html";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../shared/app-env.ts";
import { ApiError } from "../shared/errors.ts";
import { SLUG_PATTERN } from "../shared/slugs.ts";
import { fieldErrors } from "../shared/validation.ts";
import { limitBody } from "../api/openapi.ts";
import { MAX_REPORT_BODY_BYTES, MAX_REPORT_DETAILS, REPORT_REASONS, ReportInput } from "../api/reports/schemas.ts";
import { PAGE_HEADERS, pageHead } from "../redirect/protected-pages.ts";
import { fileReport } from "./file-report.ts";

export const REPORT_PATH = "/report";

const HEADERS = {
  ...PAGE_HEADERS,
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

const LABELS: Record<(typeof REPORT_REASONS)[number], string> = {
  phishing: "Phishing (it imitates another site to steal logins or payments)",
  malware: "Malware (it downloads harmful software)",
  spam: "Spam",
  broken: "Broken (it leads nowhere useful)",
  other: "Something else",
};

interface FormValues { link: string; reason: string; details: string; email: string }
type Errors = Partial<Record<keyof FormValues | "form", string>>;

const STYLE = `main{width:min(32rem,92vw)}select,textarea{width:100%;box-sizing:border-box;padding:.6rem;font:inherit;border:1px solid #8a939e;border-radius:6px}
textarea{min-height:7rem}.hint{color:#4a525c;font-size:.9rem;margin:.25rem 0 0}`;

function page(title: string, body: ReturnType<typeof html>): string {
  return html`${pageHead(title, STYLE)}
<body>
<main>
${body}
</main>
</body>
</html>
`.toString();
}

const invalid = (e: Errors, f: keyof FormValues) => (e[f] ? html` aria-invalid="true" aria-describedby="${f}-error"` : "");
const message = (e: Errors, f: keyof FormValues) => (e[f] ? html`<p id="${f}-error" class="error" role="alert">${e[f]}</p>` : "");

export function reportForm(v: FormValues, e: Errors = {}): string {
  return page("Report a link", html`<h1>Report a short link</h1>
<p>Tell us about a short link of this service that leads somewhere harmful or broken. An administrator will look at it.</p>
${e.form ? html`<p class="error" role="alert">${e.form}</p>` : ""}
<form method="post" action="${REPORT_PATH}">
<label for="link">Short link</label>
<input id="link" name="link" required maxlength="2048" value="${v.link}" placeholder="https://…/abc123 or abc123"${invalid(e, "link")}>
${message(e, "link")}
<label for="reason">What is wrong</label>
<select id="reason" name="reason" required${invalid(e, "reason")}>
${REPORT_REASONS.map((r) => html`<option value="${r}"${v.reason === r ? " selected" : ""}>${LABELS[r]}</option>`)}
</select>
${message(e, "reason")}
<label for="details">Details (optional)</label>
<textarea id="details" name="details" maxlength="${MAX_REPORT_DETAILS}"${invalid(e, "details")}>${v.details}</textarea>
<p class="hint">At most ${MAX_REPORT_DETAILS} characters.</p>
${message(e, "details")}
<label for="email">Your email (optional)</label>
<input id="email" name="email" type="email" maxlength="254" autocomplete="email" value="${v.email}"${invalid(e, "email")}>
<p class="hint">Only if you want to be reachable about this report.</p>
${message(e, "email")}
<button type="submit">Send the report</button>
</form>`);
}

const THANKS = page("Thank you", html`<h1>Thank you</h1>
<p>Your report was received. An administrator will look at the link.</p>`);

/** The form's fields as the API's body: a bare slug as `slug`, anything else as `url`. */
function toInput(v: FormValues): Record<string, unknown> {
  const link = v.link.trim();
  return {
    ...(SLUG_PATTERN.test(link) ? { slug: link } : { url: link }),
    reason: v.reason,
    ...(v.details.trim() ? { details: v.details } : {}),
    ...(v.email.trim() ? { email: v.email.trim() } : {}),
  };
}

const respond = (c: Context<AppEnv>, body: string, status: number, extra: Record<string, string> = {}) =>
  new Response(c.req.method === "HEAD" ? null : body, { status, headers: { ...HEADERS, ...extra } });

export function registerReportPage(app: OpenAPIHono<AppEnv>) {
  app.get(REPORT_PATH, (c) => {
    const link = (c.req.query("url") ?? "").slice(0, 2048);
    return respond(c, reportForm({ link, reason: "", details: "", email: "" }), 200);
  });
  const sameOrigin = csrf();
  app.post(REPORT_PATH, limitBody(MAX_REPORT_BODY_BYTES), async (c, next) => {
    try {
      return await sameOrigin(c, next);
    } catch (e) {
      if (e instanceof HTTPException && e.status === 403) {
        return respond(c, page("Refused", html`<h1>Refused</h1><p>This form was not sent from this site's own report page, so nothing was sent. Open the report page and try again.</p>`), 403);
      }
      throw e;
    }
  }, async (c) => {
    let form: Record<string, unknown>;
    try {
      form = await c.req.parseBody();
    } catch {
      form = {};
    }
    const field = (k: string) => (typeof form[k] === "string" ? (form[k] as string) : "");
    const values: FormValues = { link: field("link"), reason: field("reason"), details: field("details"), email: field("email") };
    const parsed = ReportInput.safeParse(toInput(values));
    if (!parsed.success) {
      const errors: Errors = {};
      for (const { path, message } of fieldErrors(parsed.error.issues)) {
        const f = path === "url" || path === "slug" || path === "domain" ? "link" : path;
        if (f in values && !errors[f as keyof FormValues]) errors[f as keyof FormValues] = message;
        else errors.form ??= message;
      }
      if (!values.link.trim()) errors.link = "Enter the short link you are reporting.";
      return respond(c, reportForm(values, errors), 400);
    }
    try {
      await fileReport(c, parsed.data);
    } catch (e) {
      if (e instanceof ApiError && e.status === 429) {
        const retry = e.options.headers?.["retry-after"];
        return respond(c, reportForm(values, { form: e.detail }), 429, retry ? { "retry-after": retry } : {});
      }
      throw e;
    }
    return respond(c, THANKS, 200);
  });
}

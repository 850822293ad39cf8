/**
 * The import page: pick a file, see the format it was read as and a dry run's report, then import it and
 * follow the job's progress. Through the API (POST /api/v1/links/import, GET /api/v1/imports/{id}). Works
 * without script (a dry run then asks for the file again); app.js keeps the file picked and swaps in each
 * report, polling a running job until it is done. Also the export download of the links page.
 */
import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ImportReport } from "../../api/imports/schemas.ts";
import { importFormats } from "../../imports/formats.ts";
import { Select } from "../components/field.tsx";
import { FormError, Layout, page } from "../components/layout.tsx";
import type { Dash, DashEnv } from "../dash-env.ts";
import { withNotice } from "../notices.ts";
import { readForm } from "../forms.ts";
import { domainChoices } from "./domains.tsx";

type Report = z.infer<typeof ImportReport>;

const FORMAT_NAMES: Record<string, string> = {
  auto: "Detect from the header row", bitly: "Bitly", shlink: "Shlink", kutt: "Kutt (JSON)", dub: "Dub", yourls: "YOURLS",
  csv: "EatMyURL CSV", json: "EatMyURL JSON",
};

interface Choices {
  format: string;
  onConflict: string;
  domain: string;
}

const ReportView = ({ r }: { r: Report }) => {
  const pct = r.total ? Math.floor((r.processed / r.total) * 100) : 100;
  return (
    <section id="import-report" class="card" aria-live="polite" data-import-poll={r.status === "running" ? `/app/imports/${r.id}` : undefined}>
      <h2>{r.dryRun ? "Dry run" : "Import"}: {r.status === "running" ? "running" : r.status}</h2>
      <p>Detected format: <strong id="import-format">{FORMAT_NAMES[r.format] ?? r.format}</strong></p>
      <label for="import-progress">Progress: {r.processed.toLocaleString("en-US")} of {r.total.toLocaleString("en-US")} rows ({pct}%)</label>
      <progress id="import-progress" max={r.total || 1} value={r.total ? r.processed : 1}>{pct}%</progress>
      <dl class="import-counts">
        <dt>{r.dryRun ? "Would create" : "Created"}</dt><dd id="import-created">{r.created}</dd>
        <dt>{r.dryRun ? "Would update" : "Updated"}</dt><dd>{r.updated}</dd>
        <dt>Skipped</dt><dd>{r.skipped}</dd>
        <dt>Failed</dt><dd id="import-failed">{r.failed}</dd>
      </dl>
      {r.message && <FormError message={r.message} />}
      {r.errors.length > 0 && (
        <details open>
          <summary>Rows that failed{r.failed > r.errors.length ? ` (the first ${r.errors.length} of ${r.failed})` : ""}</summary>
          <ul class="import-errors">{r.errors.map((e) => <li>Line {e.line}: {e.message}</li>)}</ul>
        </details>
      )}
      {r.dryRun && r.status === "done" && <p>Nothing was written. Press Import to apply it{" "}(without script, pick the file again).</p>}
      {!r.dryRun && r.status === "done" && <p><a href="/app/links">See your links</a></p>}
    </section>
  );
};

async function importPage(c: Context<DashEnv>, opts: { report?: Report; error?: string; choices?: Choices } = {}, status = 200) {
  const domains = await domainChoices(c);
  const ch = opts.choices ?? { format: "auto", onConflict: "skip", domain: "" };
  return page(c, (
    <Layout title="Import links" session={c.var.session} nav="links">
      <h1>Import links</h1>
      <p class="hint">A file from Bitly, Shlink, Kutt, Dub or YOURLS, or an export of this service (CSV or JSON, up to 4 MiB here; larger files through the API, docs/import-export.md). Run it dry first: the report names each row that would fail, by its line.</p>
      <form method="post" action="/app/import" enctype="multipart/form-data" class="card form" id="import-form">
        <FormError message={opts.error} />
        <div class="field">
          <label for="f-file">File</label>
          <input id="f-file" name="file" type="file" accept=".csv,.json,text/csv,application/json" required />
        </div>
        <Select name="format" label="Format">
          {importFormats.map((f) => <option value={f} selected={ch.format === f}>{FORMAT_NAMES[f]}</option>)}
        </Select>
        <Select name="onConflict" label="When a slug is taken">
          <option value="skip" selected={ch.onConflict === "skip"}>Keep the existing link</option>
          <option value="update" selected={ch.onConflict === "update"}>Update it from the file</option>
        </Select>
        <Select name="domain" label="Domain">
          <option value="" selected={!ch.domain}>As in the file</option>
          {(domains ?? []).map((d) => <option value={d} selected={ch.domain === d}>{d}</option>)}
        </Select>
        <div class="filter-actions">
          <button type="submit" name="mode" value="dry">Dry run</button>
          <button type="submit" name="mode" value="import" class="primary">Import</button>
        </div>
      </form>
      {opts.report && <ReportView r={opts.report} />}
    </Layout>
  ), status);
}

export function registerImport(dash: Dash) {
  dash.get("/import", (c) => importPage(c));

  dash.post("/import", async (c) => {
    const form = await readForm(c);
    const file = form.file;
    const str = (k: string) => (typeof form[k] === "string" ? (form[k] as string) : "");
    const choices = { format: str("format") || "auto", onConflict: str("onConflict") || "skip", domain: str("domain") };
    if (!(file instanceof File) || file.size === 0) return importPage(c, { error: "Pick a file to import.", choices }, 400);
    const json = file.type === "application/json" || file.name.toLowerCase().endsWith(".json") || choices.format === "json" || choices.format === "kutt";
    const res = await c.var.api.call<Report | { id: string }>("POST", "/api/v1/links/import", {
      query: { ...choices, dryRun: str("mode") === "dry" ? "true" : "false" },
      upload: { body: file, type: json ? "application/json" : "text/csv" },
    });
    if (!res.ok) return importPage(c, { error: res.problem.errors?.[0]?.message ?? res.problem.detail, choices }, res.status);
    if (res.status === 202) return c.redirect(`/app/imports/${(res.data as { id: string }).id}`, 303);
    return importPage(c, { report: res.data as Report, choices });
  });

  dash.get("/imports/:id", async (c) => {
    const res = await c.var.api.call<Report>("GET", `/api/v1/imports/${encodeURIComponent(c.req.param("id"))}`);
    if (!res.ok) return importPage(c, { error: res.problem.detail }, res.status);
    return importPage(c, { report: res.data });
  });

  // The links page's export button: the API's stream, passed through as it comes.
  dash.get("/export", async (c) => {
    const query = { format: c.req.query("format") ?? "csv", q: c.req.query("q"), tag: c.req.query("tag"), domain: c.req.query("domain") };
    const res = await c.var.api.raw("GET", "/api/v1/links/export", { query, accept: "*/*" });
    if (res.status === 401) return c.redirect(withNotice("/app/login", "session-expired"), 303);
    return new Response(res.body, { status: res.status, headers: res.headers });
  });
}

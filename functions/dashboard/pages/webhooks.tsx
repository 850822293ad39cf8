/**
 * Webhooks (admin): endpoints with their events and state, create (the secret shown once), enable/disable,
 * a test send, and each endpoint's delivery log with status, attempts, last error and a retry button.
 * Everything goes through the API (functions/api/webhooks/), like every other page.
 */
import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { CreatedWebhook, Delivery, DeliveryPage, RotatedSecret, Webhook, WebhookList } from "../../api/webhooks/schemas.ts";
import { EVENT_TYPES } from "../../webhooks/payloads.ts";
import { ShownOnce } from "../components/copy.tsx";
import { CheckboxGroup, Field } from "../components/field.tsx";
import { FormError, Layout, page } from "../components/layout.tsx";
import type { Dash, DashEnv } from "../dash-env.ts";
import { noticeOf, withNotice } from "../notices.ts";
import { formErrors, type FormErrors, readForm } from "../forms.ts";
import { formatInstant } from "../wall-time.ts";

type Created = z.infer<typeof CreatedWebhook>;

const path = (id: string) => `/app/webhooks/${encodeURIComponent(id)}`;

function state(w: Webhook): string {
  if (w.enabled) return w.failingSince ? "enabled, failing" : "enabled";
  return w.disabledReason === "gone" ? "disabled: the receiver answered 410" : w.disabledReason === "failing" ? "disabled: failed for a day" : "disabled";
}

async function listPage(c: Context<DashEnv>, opts: { created?: Created; errors?: FormErrors; url?: string; events?: string[]; linkIds?: string; notice?: string } = {}) {
  const res = await c.var.api.call<z.infer<typeof WebhookList>>("GET", "/api/v1/webhooks");
  const tz = c.var.tz;
  const errors = opts.errors ?? {};
  const events = opts.events ?? [...EVENT_TYPES];
  const status = !res.ok ? res.status : opts.errors ? 400 : opts.created ? 201 : 200;
  return page(c, (
    <Layout title="Webhooks" session={c.var.session} nav="webhooks" notice={opts.notice}>
      <h1>Webhooks</h1>
      {opts.created && (
        <ShownOnce
          id="webhook-secret" title="Webhook created" label="The signing secret" value={opts.created.secret} copyLabel="Copy the signing secret"
          note={<><strong>Copy its signing secret now: it is shown only this once.</strong> Verify requests with it (docs/webhooks.md).</>}
        />
      )}
      {!res.ok ? <FormError message={res.problem.detail} /> : (
        <>
          <form method="post" action="/app/webhooks" class="card form" novalidate>
            <h2>New webhook</h2>
            <FormError message={errors[""]} />
            <Field name="url" label="URL" type="url" value={opts.url ?? ""} required error={errors.url} hint="https on a public host; signed as Standard Webhooks." />
            <CheckboxGroup name="events" legend="Events" idPrefix="event" options={EVENT_TYPES} checked={events} error={errors.events} />
            <Field name="linkIds" label="Only these links" value={opts.linkIds ?? ""} error={errors.linkIds} hint="Link ids, separated by commas or spaces; empty for every link." />
            <button type="submit" class="primary">Create webhook</button>
          </form>
          <div class="table-wrap">
            <table class="stack">
              <thead><tr><th scope="col">URL</th><th scope="col">Events</th><th scope="col">State</th><th scope="col">Created</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
              <tbody>
                {res.data.data.map((w) => (
                  <tr class={w.enabled ? undefined : "revoked"}>
                    <td data-label="URL"><a href={path(w.id)}><code>{w.url}</code></a></td>
                    <td data-label="Events">{w.events.join(", ")}{w.linkIds ? ` (${w.linkIds.length} links)` : ""}</td>
                    <td data-label="State">{state(w)}</td>
                    <td data-label="Created">{formatInstant(w.createdAt, tz)}</td>
                    <td class="actions">
                      <a href={path(w.id)}>Deliveries</a>
                      <form method="post" action={`${path(w.id)}/test`} class="inline"><button type="submit" class="link-button" disabled={!w.enabled}>Send test</button></form>
                      <form method="post" action={`${path(w.id)}/${w.enabled ? "disable" : "enable"}`} class="inline">
                        <button type="submit" class="link-button">{w.enabled ? "Disable" : "Enable"}</button>
                      </form>
                    </td>
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

async function logPage(c: Context<DashEnv>, id: string, notice?: string, rotated?: z.infer<typeof RotatedSecret>) {
  const tz = c.var.tz;
  const cursor = c.req.query("cursor");
  const [hook, log] = await Promise.all([
    c.var.api.call<Webhook>("GET", `/api/v1/webhooks/${encodeURIComponent(id)}`),
    c.var.api.call<z.infer<typeof DeliveryPage>>("GET", `/api/v1/webhooks/${encodeURIComponent(id)}/deliveries`, { query: { cursor, limit: "50" } }),
  ]);
  if (!hook.ok || !log.ok) {
    const problem = !hook.ok ? hook.problem : !log.ok ? log.problem : undefined;
    return page(c, <Layout title="Webhook" session={c.var.session} nav="webhooks"><h1>Webhook</h1><FormError message={problem?.detail} /></Layout>, hook.status >= 400 ? hook.status : log.status);
  }
  const w = hook.data;
  const row = (d: Delivery) => (
    <tr class={`delivery ${d.status}`} data-delivery={d.id}>
      <td data-label="Event">{d.type}{d.clickCount ? ` (${d.clickCount})` : ""}</td>
      <td data-label="Status" class="delivery-status">{d.status}</td>
      <td data-label="Attempts">{d.attempts}</td>
      <td data-label="Last answer">{d.lastStatus ?? "none"}</td>
      <td data-label="Last error">{d.lastError ?? ""}</td>
      <td data-label="Created">{formatInstant(d.createdAt, tz)}</td>
      <td data-label="Next attempt">{d.nextAttemptAt ? formatInstant(d.nextAttemptAt, tz) : ""}</td>
      <td class="actions">
        {d.status !== "succeeded" && (
          <form method="post" action={`${path(w.id)}/deliveries/${encodeURIComponent(d.id)}/retry`} class="inline">
            <button type="submit" class="link-button">Retry</button>
          </form>
        )}
      </td>
    </tr>
  );
  return page(c, (
    <Layout title="Webhook deliveries" session={c.var.session} nav="webhooks" notice={notice}>
      <p><a href="/app/webhooks">← Webhooks</a></p>
      <h1>Deliveries to <code>{w.url}</code></h1>
      <p>{state(w)} · events: {w.events.join(", ")}</p>
      {rotated && (
        <ShownOnce
          id="webhook-secret" title="Signing secret rotated" label="The new signing secret" value={rotated.secret} copyLabel="Copy the new signing secret"
          note={<><strong>Copy it now: it is shown only this once.</strong> The old secret also signs until {formatInstant(rotated.previousSecretValidUntil, tz)}, so receivers can switch over.</>}
        />
      )}
      <div class="buttons">
        <form method="post" action={`${path(w.id)}/test`} class="inline"><button type="submit" disabled={!w.enabled}>Send test</button></form>
        <form method="post" action={`${path(w.id)}/${w.enabled ? "disable" : "enable"}`} class="inline"><button type="submit">{w.enabled ? "Disable" : "Enable"}</button></form>
        <form method="post" action={`${path(w.id)}/rotate-secret`} class="inline"><button type="submit">Rotate secret</button></form>
        <a href={path(w.id)}>Refresh</a>
      </div>
      <div class="table-wrap">
        <table class="stack" id="deliveries">
          <thead><tr><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Last answer</th><th scope="col">Last error</th><th scope="col">Created</th><th scope="col">Next attempt</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
          <tbody>{log.data.data.map(row)}</tbody>
        </table>
      </div>
      {log.data.data.length === 0 && <p>No deliveries yet.</p>}
      {log.data.nextCursor && <p><a href={`${path(w.id)}?cursor=${encodeURIComponent(log.data.nextCursor)}`}>Older deliveries</a></p>}
    </Layout>
  ));
}

export function registerWebhooksPage(dash: Dash) {
  dash.get("/webhooks", (c) => listPage(c));

  dash.post("/webhooks", async (c) => {
    const form = await readForm(c, { all: true });
    const url = typeof form.url === "string" ? form.url.trim() : "";
    const events = ([] as unknown[]).concat(form.events ?? []).filter((s): s is string => typeof s === "string");
    const linkIds = typeof form.linkIds === "string" ? form.linkIds : "";
    const ids = linkIds.split(/[\s,]+/).filter(Boolean);
    const res = await c.var.api.call<Created>("POST", "/api/v1/webhooks", { body: { url, events, ...(ids.length ? { linkIds: ids } : {}) } });
    if (res.ok) return listPage(c, { created: res.data });
    return listPage(c, { errors: formErrors(res.problem, ["url", "events", "linkIds"]), url, events, linkIds });
  });

  dash.get("/webhooks/:id", (c) => logPage(c, c.req.param("id"), noticeOf(c)));

  for (const [action, enabled] of [["enable", true], ["disable", false]] as const) {
    dash.post(`/webhooks/:id/${action}`, async (c) => {
      const id = c.req.param("id");
      const res = await c.var.api.call("PATCH", `/api/v1/webhooks/${encodeURIComponent(id)}`, { body: { enabled } });
      if (!res.ok) return listPage(c, { errors: { "": res.problem.detail } });
      return c.redirect("/app/webhooks", 303);
    });
  }

  dash.post("/webhooks/:id/test", async (c) => {
    const id = c.req.param("id");
    const res = await c.var.api.call("POST", `/api/v1/webhooks/${encodeURIComponent(id)}/test`);
    if (!res.ok) return listPage(c, { errors: { "": res.problem.detail } });
    return c.redirect(withNotice(path(id), "webhook-test-sent"), 303);
  });

  dash.post("/webhooks/:id/rotate-secret", async (c) => {
    const id = c.req.param("id");
    const res = await c.var.api.call<z.infer<typeof RotatedSecret>>("POST", `/api/v1/webhooks/${encodeURIComponent(id)}/rotate-secret`);
    if (!res.ok) return logPage(c, id, res.problem.detail);
    // Answered here, not redirected: the new secret is shown on this answer only.
    return logPage(c, id, undefined, res.data);
  });

  dash.post("/webhooks/:id/deliveries/:deliveryId/retry", async (c) => {
    const id = c.req.param("id");
    const res = await c.var.api.call("POST", `/api/v1/webhooks/${encodeURIComponent(id)}/deliveries/${encodeURIComponent(c.req.param("deliveryId"))}/retry`);
    if (!res.ok) return logPage(c, id, res.problem.detail);
    return c.redirect(withNotice(path(id), "delivery-retried"), 303);
  });
}

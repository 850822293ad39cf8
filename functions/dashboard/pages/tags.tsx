/**
 * The tags page: every tag of the links the key sees, with its links and clicks, a link to those links, a
 * rename form and a removal that asks first. Through the API (functions/api/tags/), like every other page:
 * a restricted key's rename or removal is refused there (403) and the refusal shown here.
 */
import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { RenamedTag, TagList, TagStats } from "../../api/tags/schemas.ts";
import { FormError, Layout, page } from "../components/layout.tsx";
import type { Dash, DashEnv } from "../dash-env.ts";
import { noticeOf, withNotice } from "../notices.ts";
import { formErrors, readForm } from "../forms.ts";

const linksWith = (tag: string) => `/app/links?tag=${encodeURIComponent(tag)}`;
const apiPath = (tag: string) => `/api/v1/tags/${encodeURIComponent(tag)}`;
const formText = (form: Record<string, unknown>, k: string) => (typeof form[k] === "string" ? (form[k] as string) : "");
const canWrite = (c: Context<DashEnv>) => c.var.session.scopes.some((s) => s === "links:write" || s === "admin");

/** A refused rename: which tag it was for, what was typed, and the API's words. */
interface RenameError {
  tag: string;
  name: string;
  message: string;
}

const RenameForm = (p: { t: TagStats; i: number; error?: RenameError }) => {
  const id = `rename-${p.i}`;
  const error = p.error?.tag === p.t.tag ? p.error : undefined;
  return (
    <form method="post" action="/app/tags/rename" class="rename">
      <input type="hidden" name="tag" value={p.t.tag} />
      <label for={id} class="sr-only">New name for {p.t.tag}</label>
      <input
        type="text" id={id} name="name" value={error?.name ?? p.t.tag} required maxlength={50}
        aria-invalid={error ? "true" : undefined} aria-describedby={error ? `${id}-error` : undefined}
      />
      <button type="submit">Rename</button>
      {error && <p class="field-error" id={`${id}-error`}>{error.message}</p>}
    </form>
  );
};

async function tagsPage(c: Context<DashEnv>, opts: { error?: RenameError; status?: number } = {}) {
  const res = await c.var.api.call<z.infer<typeof TagList>>("GET", "/api/v1/tags");
  const write = canWrite(c);
  return page(c, (
    <Layout title="Tags" session={c.var.session} nav="tags" notice={noticeOf(c)}>
      <h1>Tags</h1>
      <FormError message={!res.ok ? res.problem.detail : opts.error?.message} />
      {res.ok && (res.data.data.length === 0 ? <p class="empty">No tags yet: give links tags when you create or edit them.</p> : (
        <div class="table-wrap">
          <table class="stack" id="tags">
            <thead><tr><th scope="col">Tag</th><th scope="col" class="num">Links</th><th scope="col" class="num">Clicks</th><th scope="col" class="num">With bots</th>{write && <th scope="col"><span class="sr-only">Actions</span></th>}</tr></thead>
            <tbody>
              {res.data.data.map((t, i) => (
                <tr data-tag={t.tag}>
                  <td data-label="Tag"><a class="tag" href={linksWith(t.tag)}>{t.tag}</a></td>
                  <td data-label="Links" class="num"><a href={linksWith(t.tag)}>{t.links}</a></td>
                  <td data-label="Clicks" class="num">{t.humans}</td>
                  <td data-label="With bots" class="num">{t.clicks}</td>
                  {write && (
                    <td class="actions">
                      <RenameForm t={t} i={i} error={opts.error} />
                      <a href={`/app/tags/delete?tag=${encodeURIComponent(t.tag)}`}>Delete</a>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
      <p class="hint">Renaming or deleting a tag changes every link that carries it. Renaming to a tag already in use is refused: tags are not merged.</p>
    </Layout>
  ), !res.ok ? res.status : (opts.status ?? 200));
}

export function registerTagsPage(dash: Dash) {
  dash.get("/tags", (c) => tagsPage(c));

  dash.post("/tags/rename", async (c) => {
    const form = await readForm(c);
    const tag = formText(form, "tag");
    const name = formText(form, "name");
    const res = await c.var.api.call<z.infer<typeof RenamedTag>>("PATCH", apiPath(tag), { body: { name } });
    if (res.ok) {
      return c.redirect(withNotice("/app/tags", "tag-renamed"), 303);
    }
    // The API names the field (`name`, or `tag` for the path); either way the message belongs to this row.
    return tagsPage(c, { error: { tag, name, message: formErrors(res.problem, [])[""] }, status: res.status });
  });

  const Confirm = (p: { tag: string; error?: string }) => (
    <section class="card narrow">
      <h1>Delete the tag <code>{p.tag}</code>?</h1>
      <FormError message={p.error} />
      <p>It is taken off every link that carries it. The links themselves stay, with their other tags and their analytics.</p>
      <form method="post" action="/app/tags/delete" class="buttons">
        <input type="hidden" name="tag" value={p.tag} />
        <button type="submit" class="danger">Delete the tag {p.tag}</button>
        <a href="/app/tags">Cancel</a>
      </form>
    </section>
  );

  // The page names only a tag the key can see, never the address's text.
  dash.get("/tags/delete", async (c) => {
    const res = await c.var.api.call<z.infer<typeof TagList>>("GET", "/api/v1/tags");
    const tag = res.ok ? res.data.data.find((t) => t.tag === c.req.query("tag"))?.tag : undefined;
    if (tag === undefined) return tagsPage(c, { error: { tag: "", name: "", message: res.ok ? "No such tag on your links." : res.problem.detail }, status: res.ok ? 404 : res.status });
    return page(c, <Layout title={`Delete ${tag}`} session={c.var.session} nav="tags"><Confirm tag={tag} /></Layout>);
  });

  dash.post("/tags/delete", async (c) => {
    const tag = formText(await readForm(c), "tag");
    const res = await c.var.api.call("DELETE", apiPath(tag));
    if (res.ok) return c.redirect(withNotice("/app/tags", "tag-deleted"), 303);
    return page(c, <Layout title={`Delete ${tag}`} session={c.var.session} nav="tags"><Confirm tag={tag} error={res.problem.detail} /></Layout>, res.status);
  });
}

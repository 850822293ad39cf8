/**
 * People (admins): invite by email with a role and restrictions, change a person's role, restrictions or
 * disabled state, remove them. Every rule (only an owner makes or changes owners, the last owner stays) is the
 * API's: the page shows its refusals.
 */
import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { User, UserList } from "../../api/users/schemas.ts";
import { roles } from "../../shared/auth/roles.ts";
import { Field, Select } from "../components/field.tsx";
import { FormError, Layout, page } from "../components/layout.tsx";
import type { Dash, DashEnv } from "../dash-env.ts";
import { formErrors, type FormErrors, readForm } from "../forms.ts";
import { noticeOf, withNotice } from "../notices.ts";
import { formatInstant } from "../wall-time.ts";
import { domainChoices } from "./domains.tsx";

type Person = z.infer<typeof User>;
const FIELDS = ["email", "name", "role", "domains", "ownLinksOnly", "disabled"];
const path = (id: string) => `/app/people/${encodeURIComponent(id)}`;

/** What the invite and edit forms hold, as typed. */
interface PersonForm {
  email: string;
  name: string;
  role: string;
  domains: string[];
  ownLinksOnly: boolean;
  disabled: boolean;
}

function readPerson(form: Record<string, unknown>): PersonForm {
  const text = (k: string) => (typeof form[k] === "string" ? (form[k] as string).trim() : "");
  const domains = ([] as unknown[]).concat(form.domains ?? []).filter((s): s is string => typeof s === "string");
  return { email: text("email"), name: text("name"), role: text("role"), domains, ownLinksOnly: form.ownLinksOnly === "on", disabled: form.disabled === "on" };
}

const status = (p: Person) => (p.disabled ? "disabled" : p.lastSeenAt ? "active" : "invited");

const PersonFields = (p: { v: PersonForm; errors: FormErrors; domains: string[]; edit: boolean }) => (
  <>
    {!p.edit && <Field name="email" label="Email" type="email" value={p.v.email} required error={p.errors.email} hint="They join at their first sign-in with this address." />}
    <Field name="name" label="Name" value={p.v.name} error={p.errors.name} />
    <Select name="role" label="Role" error={p.errors.role} hint="Only an owner makes or changes owners.">
      {roles.map((r) => <option value={r} selected={p.v.role === r}>{r}</option>)}
    </Select>
    <fieldset aria-describedby="f-restrictions-hint">
      <legend>Restrictions</legend>
      <p class="hint" id="f-restrictions-hint">Tick domains to limit them to their links (none ticked: every domain). Not for owners and admins.</p>
      {p.domains.map((d) => (
        <div class="check">
          <input type="checkbox" id={`domain-${d}`} name="domains" value={d} checked={p.v.domains.includes(d)} />
          <label for={`domain-${d}`}>{d}</label>
        </div>
      ))}
      <div class="check">
        <input type="checkbox" id="f-ownLinksOnly" name="ownLinksOnly" value="on" checked={p.v.ownLinksOnly} />
        <label for="f-ownLinksOnly">Only the links they create</label>
      </div>
      {(p.errors.domains || p.errors.ownLinksOnly) && <p class="field-error">{[p.errors.domains, p.errors.ownLinksOnly].filter(Boolean).join(" ")}</p>}
    </fieldset>
    {p.edit && (
      <div class="check">
        <input type="checkbox" id="f-disabled" name="disabled" value="on" checked={p.v.disabled} />
        <label for="f-disabled">Disabled: signed out at once, and cannot sign in</label>
      </div>
    )}
  </>
);

async function peoplePage(c: Context<DashEnv>, opts: { errors?: FormErrors; form?: PersonForm; notice?: string } = {}) {
  const [res, domains] = await Promise.all([c.var.api.call<z.infer<typeof UserList>>("GET", "/api/v1/users"), domainChoices(c)]);
  const errors = opts.errors ?? {};
  const v = opts.form ?? { email: "", name: "", role: "editor", domains: [], ownLinksOnly: false, disabled: false };
  const tz = c.var.tz;
  return page(c, (
    <Layout title="People" session={c.var.session} nav="people" notice={opts.notice}>
      <h1>People</h1>
      {!res.ok ? <FormError message={res.problem.detail} /> : (
        <>
          <form method="post" action="/app/people" class="card form" novalidate>
            <h2>Invite someone</h2>
            <FormError message={errors[""]} />
            <PersonFields v={v} errors={errors} domains={domains ?? []} edit={false} />
            <button type="submit" class="primary">Invite</button>
          </form>
          <div class="table-wrap">
            <table class="stack" id="people">
              <thead><tr><th scope="col">Email</th><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Restrictions</th><th scope="col">Status</th><th scope="col">Last seen</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
              <tbody>
                {res.data.data.map((p) => (
                  <tr class={p.disabled ? "revoked" : undefined}>
                    <td data-label="Email">{p.email}</td>
                    <td data-label="Name">{p.name}</td>
                    <td data-label="Role">{p.role}</td>
                    <td data-label="Restrictions">{[p.domains ? `domains: ${p.domains.join(", ")}` : "", p.ownLinksOnly ? "own links only" : ""].filter(Boolean).join("; ") || "none"}</td>
                    <td data-label="Status">{status(p)}</td>
                    <td data-label="Last seen">{p.lastSeenAt ? formatInstant(p.lastSeenAt, tz) : "never"}</td>
                    <td class="actions"><a href={path(p.id)} aria-label={`Edit ${p.email}`}>Edit</a></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Layout>
  ), !res.ok ? res.status : opts.errors ? 400 : 200);
}

async function findPerson(c: Context<DashEnv>, id: string): Promise<Person | undefined> {
  const res = await c.var.api.call<z.infer<typeof UserList>>("GET", "/api/v1/users");
  return res.ok ? res.data.data.find((p) => p.id === id) : undefined;
}

async function editPage(c: Context<DashEnv>, person: Person, opts: { errors?: FormErrors; form?: PersonForm } = {}) {
  const domains = (await domainChoices(c)) ?? [];
  const errors = opts.errors ?? {};
  const v = opts.form ?? { email: person.email, name: person.name, role: person.role, domains: person.domains ?? [], ownLinksOnly: person.ownLinksOnly, disabled: person.disabled };
  return page(c, (
    <Layout title={`Edit ${person.email}`} session={c.var.session} nav="people">
      <form method="post" action={path(person.id)} class="card form narrow" novalidate>
        <h1>{person.email}</h1>
        <FormError message={errors[""]} />
        <PersonFields v={v} errors={errors} domains={domains} edit />
        <div class="buttons">
          <button type="submit" class="primary">Save</button>
          <a href="/app/people">Cancel</a>
          <a href={`${path(person.id)}/remove`}>Remove…</a>
        </div>
      </form>
    </Layout>
  ), opts.errors ? 400 : 200);
}

const notFound = (c: Context<DashEnv>) =>
  page(c, <Layout title="Not found" session={c.var.session} nav="people"><h1>No such person</h1><p><a href="/app/people">Back to people</a></p></Layout>, 404);

export function registerPeople(dash: Dash) {
  dash.get("/people", (c) => peoplePage(c, { notice: noticeOf(c) }));

  dash.post("/people", async (c) => {
    const form = readPerson(await readForm(c, { all: true }));
    const body = { email: form.email, role: form.role, ...(form.name ? { name: form.name } : {}), ...(form.domains.length ? { domains: form.domains } : {}), ...(form.ownLinksOnly ? { ownLinksOnly: true } : {}) };
    const res = await c.var.api.call("POST", "/api/v1/users", { body });
    if (res.ok) return c.redirect(withNotice("/app/people", "person-invited"), 303);
    return peoplePage(c, { errors: formErrors(res.problem, FIELDS), form });
  });

  dash.get("/people/:id", async (c) => {
    const person = await findPerson(c, c.req.param("id"));
    return person ? editPage(c, person) : notFound(c);
  });

  dash.post("/people/:id", async (c) => {
    const person = await findPerson(c, c.req.param("id"));
    if (!person) return notFound(c);
    const form = readPerson(await readForm(c, { all: true }));
    const body = { name: form.name, role: form.role, domains: form.domains.length ? form.domains : null, ownLinksOnly: form.ownLinksOnly, disabled: form.disabled };
    const res = await c.var.api.call("PATCH", `/api/v1/users/${encodeURIComponent(person.id)}`, { body });
    if (res.ok) return c.redirect(withNotice("/app/people", "person-saved"), 303);
    return editPage(c, person, { errors: formErrors(res.problem, FIELDS), form: { ...form, email: person.email } });
  });

  dash.get("/people/:id/remove", async (c) => {
    const person = await findPerson(c, c.req.param("id"));
    if (!person) return notFound(c);
    return page(c, (
      <Layout title="Remove person" session={c.var.session} nav="people">
        <section class="card narrow">
          <h1>Remove {person.email}?</h1>
          <p>They are signed out at once and cannot sign in again unless invited anew. The links they made stay.</p>
          <form method="post" action={`${path(person.id)}/remove`} class="buttons">
            <button type="submit" class="danger">Remove</button>
            <a href="/app/people">Cancel</a>
          </form>
        </section>
      </Layout>
    ));
  });

  dash.post("/people/:id/remove", async (c) => {
    const res = await c.var.api.call("DELETE", `/api/v1/users/${encodeURIComponent(c.req.param("id"))}`);
    if (res.ok) return c.redirect(withNotice("/app/people", "person-removed"), 303);
    return peoplePage(c, { errors: { "": res.problem.detail } });
  });
}

/**
 * The page for a link or domain an address names that the API did not find (or that this key may not see:
 * the API answers both with 404). It never repeats the address: a page names only what exists, so a crafted
 * link cannot make ours show a sentence of its choosing. The API's own problem detail does quote the slug,
 * which is right for an API client and wrong for a page.
 */
import type { Context } from "hono";
import type { DashEnv } from "../dash-env.ts";
import { FormError, Layout, page } from "./layout.tsx";

const WHAT = {
  link: { title: "No such link", message: "No link at that address is yours to see.", back: ["/app/links", "Back to your links"] },
  domain: { title: "No such domain", message: "No such domain is served here.", back: ["/app/domains", "Back to domains"] },
} as const;

/**
 * Does this API status mean the address names nothing? 404, or 400 where the address's text cannot even be
 * a slug or hostname (the API's detail would quote it).
 */
export const namesNothing = (status: number) => status === 404 || status === 400;

export function notFoundPage(c: Context<DashEnv>, what: keyof typeof WHAT) {
  const w = WHAT[what];
  return page(c, (
    <Layout title={w.title} session={c.var.session} nav={what === "link" ? "links" : "domains"}>
      <h1>{w.title}</h1>
      <FormError message={w.message} />
      <p><a href={w.back[0]}>{w.back[1]}</a></p>
    </Layout>
  ), 404);
}

/**
 * The rules and variants editor of the link form, between HTML fields and API bodies. Fields are named by
 * their place in the API body (`rules.0.url`, `rules.0.conditions.1.matchValue`, `variants.0.weight`), so
 * the API's error paths point at them. The form always offers one empty rule, one empty condition per rule
 * and empty variant rows; rows left empty are dropped before sending. Values are not judged here: the API
 * does that, with the same rules for everyone.
 */
import type { Rule, Variant } from "../api/links/routing-schemas.ts";
import type { Problem } from "../shared/errors.ts";

/** A condition row as typed: strings only. */
export interface ConditionRow {
  type: string;
  matchKey: string;
  matchValue: string;
}
export interface RuleRow {
  url: string;
  conditions: ConditionRow[];
}
export interface VariantRow {
  url: string;
  weight: string;
}
export interface RoutingFormValues {
  rules: RuleRow[];
  variants: VariantRow[];
}

const RULE_FIELD = /^rules\.(\d{1,2})\.(?:url|conditions\.(\d{1,2})\.(type|matchKey|matchValue))$/;
const VARIANT_FIELD = /^variants\.(\d{1,2})\.(url|weight)$/;

/** Rows in index order, gaps closed (a form can skip an index; the API cannot). */
const dense = <T>(sparse: T[]) => sparse.filter((x) => x !== undefined);

export function readRoutingForm(body: Record<string, unknown>): RoutingFormValues {
  const rules: RuleRow[] = [];
  const variants: VariantRow[] = [];
  for (const [key, raw] of Object.entries(body)) {
    if (typeof raw !== "string") continue;
    const value = raw.trim();
    let m = RULE_FIELD.exec(key);
    if (m) {
      const rule = (rules[Number(m[1])] ??= { url: "", conditions: [] });
      if (m[2] === undefined) rule.url = value;
      else (rule.conditions[Number(m[2])] ??= { type: "", matchKey: "", matchValue: "" })[m[3] as keyof ConditionRow] = value;
      continue;
    }
    m = VARIANT_FIELD.exec(key);
    if (m) (variants[Number(m[1])] ??= { url: "", weight: "" })[m[2] as keyof VariantRow] = value;
  }
  return {
    rules: dense(rules).map((r) => ({ url: r.url, conditions: dense(r.conditions).filter((c) => c.type || c.matchKey || c.matchValue) }))
      .filter((r) => r.url || r.conditions.length),
    variants: dense(variants).filter((v) => v.url || v.weight),
  };
}

export function routingToForm(link: { rules: readonly Rule[]; variants: readonly Variant[] | null }): RoutingFormValues {
  return {
    rules: link.rules.map((r) => ({
      url: r.url,
      conditions: r.conditions.map((c) => ({ type: c.type, matchKey: c.matchKey ?? "", matchValue: c.matchValue ?? "" })),
    })),
    variants: (link.variants ?? []).map((v) => ({ url: v.url, weight: String(v.weight) })),
  };
}

/** Whole numbers become numbers; anything else goes as typed, for the API to explain. */
const num = (s: string) => (/^-?\d+$/.test(s) ? Number(s) : s);

/** The API's `rules` and `variants` (empty fields as null: unused by a condition's type, or for the API to refuse). */
export function routingBody(f: RoutingFormValues): { rules: unknown[]; variants: unknown[] | null } {
  return {
    rules: f.rules.map((r) => ({
      url: r.url,
      conditions: r.conditions.map((c) => ({ type: c.type, matchKey: c.matchKey || null, matchValue: c.matchValue || null })),
    })),
    variants: f.variants.length ? f.variants.map((v) => ({ url: v.url, weight: num(v.weight) })) : null,
  };
}

export const emptyRouting = (): RoutingFormValues => ({ rules: [], variants: [] });

/** The API's errors about rules and variants by their full path (`rules.0.conditions.1.matchValue`), for the rows. */
export function routingErrors(problem: Problem): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of problem.errors ?? []) {
    if (/^(rules|variants)(\.|$)/.test(e.path)) out[e.path] = out[e.path] ? `${out[e.path]} ${e.message}` : e.message;
  }
  return out;
}

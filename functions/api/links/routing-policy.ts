/**
 * The 422-class check of rules and variants that their schemas cannot make: a destination on this service's own
 * host would make the short link redirect to itself (or to another short link) forever, as for a link's `url`.
 * `pointsHere` is the links' own test (ownHosts in ./rules.ts), passed in so there is one definition of "here".
 */
import type { FieldError } from "../../shared/errors.ts";
import type { Rule, Variant } from "./routing-schemas.ts";

const LOOP = "must not point at this service's own domain: the short link would loop";

export function routingPolicyErrors(
  input: { rules?: readonly Rule[] | null; variants?: readonly Variant[] | null },
  pointsHere: (url: string) => boolean,
): FieldError[] {
  const errors: FieldError[] = [];
  input.rules?.forEach((r, i) => {
    if (pointsHere(r.url)) errors.push({ path: `rules.${i}.url`, message: LOOP });
  });
  input.variants?.forEach((v, i) => {
    if (pointsHere(v.url)) errors.push({ path: `variants.${i}.url`, message: LOOP });
  });
  return errors;
}

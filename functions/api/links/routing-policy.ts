/**
 * The 422-class check of rules and variants that their schemas cannot make: a destination at a short link of
 * this deployment would make the link redirect to itself or to another short link, maybe forever, as for a
 * link's `url`. `pointsHere` is the links' own test (pointsAtShortLink in ./served-hosts.ts), passed in so
 * there is one definition of "here".
 */
import type { FieldError } from "../../shared/errors.ts";
import type { Rule, Variant } from "./routing-schemas.ts";
import { SHORT_LINK_LOOP as LOOP } from "./served-hosts.ts";

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

/**
 * Names no other test uses, neither in this run nor in an earlier one against a kept database. Pure, so the
 * browser tests (Node) share it with the workerd ones.
 */
export function uniqueSlug(tag = "t"): string {
  return `${tag}-${crypto.randomUUID().slice(0, 13)}`;
}

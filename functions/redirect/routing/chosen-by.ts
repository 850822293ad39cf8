/**
 * What chose a visit's destination, and its text form for click events and the clicks table. Apart from the
 * evaluation (choose.ts) so the ingest can read it without loading the routing engine.
 */
export type ChosenBy = { kind: "rule"; index: number } | { kind: "variant"; index: number } | { kind: "url" };

/** ChosenBy as one short text (`rule:2`, `variant:0`, `url`), for a click event field or a text column. */
export function formatChosenBy(c: ChosenBy): string {
  return c.kind === "url" ? "url" : `${c.kind}:${c.index}`;
}

/** The inverse of formatChosenBy; null for anything it did not write (the ingest reads events it must not trust). */
export function parseChosenBy(s: unknown): ChosenBy | null {
  if (s === "url") return { kind: "url" };
  const m = typeof s === "string" ? /^(rule|variant):(\d{1,2})$/.exec(s) : null;
  return m ? { kind: m[1] as "rule" | "variant", index: Number(m[2]) } : null;
}

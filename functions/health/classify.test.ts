/** The verdicts of health checks, check after check, and the hop rule on any spelling of a loopback address. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { StoredHealth } from "../../db/schema.ts";
import type { CheckOutcome } from "./check.ts";
import { hopProblem } from "./check.ts";
import { judgeHealth } from "./classify.ts";

const now = new Date("2026-12-01T12:00:00Z");
const HOUR = 3_600_000;
const run = (outcomes: CheckOutcome[]) => {
  let h: StoredHealth | null = null;
  const out = [];
  for (const o of outcomes) {
    const v = judgeHealth(h, o, now, 7, 0.5);
    h = v.health;
    out.push({ status: h?.status ?? null, due: v.dueInMs });
  }
  return out;
};
const fail = { kind: "server-error", httpStatus: 503 } as const;
const timeout = { kind: "timeout", httpStatus: null } as const;
const refused = { kind: "unreachable", httpStatus: null, reason: "refused" } as const;
const ok = { kind: "ok", httpStatus: 200 } as const;

describe("judgeHealth", () => {
  it("breaks on a 5xx only at the 3rd in a row, re-checking after 1 h and 6 h meanwhile", () => {
    const r = run([fail, fail, fail]);
    expect(r.map((x) => x.status)).toEqual(["ok", "ok", "broken"]);
    expect(r[0].due).toBeCloseTo(1.05 * HOUR, -3);
    expect(r[1].due).toBeCloseTo(6.3 * HOUR, -3);
    expect(r[2].due).toBe(Math.round(7 * 24 * HOUR * 1.125));
  });
  it("breaks on no connection at the 2nd, on timeouts at the 3rd, and an ok in between starts again", () => {
    expect(run([refused, refused]).map((x) => x.status)).toEqual(["ok", "broken"]);
    expect(run([timeout, timeout, ok, timeout, timeout]).map((x) => x.status)).toEqual(["ok", "ok", "ok", "ok", "ok"]);
    expect(run([timeout, timeout, timeout]).at(-1)!.status).toBe("broken");
  });
  it("a broken link that answers again is ok", () => {
    expect(run([{ kind: "gone", httpStatus: 404 }, ok]).map((x) => x.status)).toEqual(["broken", "ok"]);
  });
  it("a private host leaves the status as it was, never-checked included", () => {
    const priv = { kind: "private-host", httpStatus: null, host: "10.0.0.1" } as const;
    expect(run([priv]).map((x) => x.status)).toEqual([null]);
    const v = judgeHealth({ status: "broken", httpStatus: 404, checkedAt: "x", reason: "404", failures: 0 }, priv, now, 7);
    expect(v.health).toMatchObject({ status: "broken", httpStatus: 404, reason: "private-host" });
  });
});

describe("hopProblem", () => {
  it("refuses every spelling of a 127/8 address in production", () => {
    const spellings = (a: number, b: number, c: number) => [
      `127.${a}.${b}.${c}`, String(((127 << 24) >>> 0) + (a << 16) + (b << 8) + c), `0177.${a.toString(8).padStart(4, "0")}.${b}.${c}`,
      `0x7f.${a}.${b}.${c}`, `[::ffff:127.${a}.${b}.${c}]`, `127.${a}.${b}.${c}.`,
    ];
    fc.assert(fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), (a, b, c) => {
      for (const host of spellings(a, b, c)) expect(hopProblem(new URL(`http://${host}/`), "false"), host).not.toBeNull();
    }));
  });
  it("admits loopback only when allowed, and nothing else in \"only\"", () => {
    expect(hopProblem(new URL("http://127.0.0.1:8/"), "only")).toBeNull();
    expect(hopProblem(new URL("https://example.com/"), "only")).not.toBeNull();
    expect(hopProblem(new URL("https://example.com/"), "false")).toBeNull();
    expect(hopProblem(new URL("ftp://example.com/"), "false")).not.toBeNull();
  });
});

/**
 * The ingest's CPU estimate (cpu.ts) and the plan's defaults built on it (functions/shared/plan.ts): chunks fit
 * the budget they are sized from, reads are sized so a run does not overspend, and the free plan's figures hold.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseEnv } from "../shared/env.ts";
import { PLAN_DEFAULTS } from "../shared/plan.ts";
import { bindings } from "../../test/helpers/env.ts";
import { clicksPerChunk, CpuMeter, itemsMs, MEASURED_CPU, type CpuModel } from "./cpu.ts";

const model = fc.record<CpuModel>({
  clickUs: fc.double({ min: 1, max: 1000, noNaN: true }),
  byteUs: fc.double({ min: 0, max: 1, noNaN: true }),
  chunkMs: fc.double({ min: 0, max: 5, noNaN: true }),
  runMs: fc.double({ min: 0, max: 5, noNaN: true }),
  coldMs: fc.double({ min: 0, max: 50, noNaN: true }),
});

describe("clicksPerChunk", () => {
  it("gives the most clicks whose estimate fits the budget with the run's and the chunk's own cost, at least one", () => {
    fc.assert(fc.property(model, fc.double({ min: 0.1, max: 20_000, noNaN: true }), fc.integer({ min: 0, max: 10_000 }), (m, budget, bytes) => {
      const n = clicksPerChunk(m, budget, bytes);
      expect(n).toBeGreaterThanOrEqual(1);
      const cost = (k: number) => m.runMs + m.chunkMs + itemsMs(m, k, k * bytes);
      if (n > 1) expect(cost(n)).toBeLessThanOrEqual(budget + 1e-9);
      expect(cost(n + 1)).toBeGreaterThan(budget - 1e-9);
    }));
  });

  it("grows with the budget and shrinks with the clicks' size", () => {
    fc.assert(fc.property(fc.double({ min: 1, max: 1000, noNaN: true }), fc.double({ min: 0, max: 1000, noNaN: true }), fc.integer({ min: 0, max: 5000 }), (budget, more, bytes) => {
      expect(clicksPerChunk(MEASURED_CPU, budget + more, bytes)).toBeGreaterThanOrEqual(clicksPerChunk(MEASURED_CPU, budget, bytes));
      expect(clicksPerChunk(MEASURED_CPU, budget, bytes + 100)).toBeLessThanOrEqual(clicksPerChunk(MEASURED_CPU, budget, bytes));
    }));
  });
});

/** A run as run.ts drives the meter: reads sized by it, everything read parsed, until it is exhausted. */
function simulate(m: CpuModel, budget: number, largest: { count: number; bytes: number }, entries: { count: number; bytes: number }[]) {
  const meter = new CpuMeter(m, budget, itemsMs(m, largest.count, largest.bytes), false);
  let read = 0;
  let first = true;
  while (read < entries.length && (first || !meter.exhausted())) {
    const n = meter.readCount(entries.length - read);
    meter.parsed(entries.slice(read, read + n));
    meter.chunk();
    read += n;
    first = false;
  }
  return { meter, read };
}

describe("CpuMeter", () => {
  const entry = fc.record({ count: fc.integer({ min: 1, max: 20 }), bytes: fc.integer({ min: 0, max: 64 * 1024 }) });

  it("a run of entries alike never spends more than its budget, and always reads at least one entry", () => {
    fc.assert(fc.property(model, fc.double({ min: 0.5, max: 100, noNaN: true }), entry, fc.integer({ min: 1, max: 500 }), (m, extra, e, n) => {
      // A budget that pays for the run, one chunk and one entry at least (below that, one entry is still read).
      const budget = m.runMs + m.chunkMs + itemsMs(m, e.count, e.bytes) + extra;
      const { meter, read } = simulate(m, budget, e, Array.from({ length: n }, () => e));
      expect(read).toBeGreaterThanOrEqual(1);
      expect(meter.spent).toBeLessThanOrEqual(budget + m.chunkMs + 1e-9);
    }));
  });

  it("the first read of a run fits whatever the entries, as long as none is larger than the capture writes", () => {
    fc.assert(fc.property(model, fc.double({ min: 0, max: 100, noNaN: true }), fc.array(entry, { minLength: 1, maxLength: 200 }), (m, extra, entries) => {
      const largest = { count: 20, bytes: 64 * 1024 };
      const budget = m.runMs + m.chunkMs + itemsMs(m, largest.count, largest.bytes) + extra;
      const meter = new CpuMeter(m, budget, itemsMs(m, largest.count, largest.bytes), false);
      const n = meter.readCount(entries.length);
      meter.parsed(entries.slice(0, n));
      expect(meter.spent).toBeLessThanOrEqual(budget - m.chunkMs + 1e-9);
    }));
  });

  it("a fresh isolate pays its compilation first: its run reads one entry and stops", () => {
    const meter = new CpuMeter(MEASURED_CPU, 5, itemsMs(MEASURED_CPU, 1, 400), true);
    expect(meter.readCount(100)).toBe(1);
    meter.parsed([{ count: 1, bytes: 400 }]);
    expect(meter.exhausted()).toBe(true);
  });
});

describe("PLAN", () => {
  it("defaults to paid; free gives the free plan's settings; a setting given wins over its plan's", () => {
    expect(parseEnv({ ...bindings }).PLAN).toBe("paid");
    const free = parseEnv({ ...bindings, PLAN: "free", CAPTURE_MAX_CLICKS: undefined, CAPTURE_MAX_BYTES: undefined });
    expect(free).toMatchObject(PLAN_DEFAULTS.free);
    expect(parseEnv({ ...bindings, PLAN: "free", INGEST_CPU_BUDGET_MS: "3" }).INGEST_CPU_BUDGET_MS).toBe(3);
    expect(() => parseEnv({ ...bindings, PLAN: "pro" })).toThrow(/PLAN/);
  });

  it("free: the largest entry the capture writes fits one run's budget, and a run takes dozens of ordinary clicks", () => {
    const d = PLAN_DEFAULTS.free;
    const m = MEASURED_CPU;
    // Bytes of JSON stand for record bytes here: a click's record is smaller than its JSON (limits.ts).
    expect(m.runMs + m.chunkMs + itemsMs(m, d.CAPTURE_MAX_CLICKS, d.CAPTURE_MAX_BYTES)).toBeLessThanOrEqual(d.INGEST_CPU_BUDGET_MS);
    // An ordinary click's record is about 345 bytes (bench/clicks.ts), the largest the capture writes 4,878.
    expect(clicksPerChunk(m, d.INGEST_CPU_BUDGET_MS, 345)).toBeGreaterThanOrEqual(45);
    expect(clicksPerChunk(m, d.INGEST_CPU_BUDGET_MS, 4878)).toBeGreaterThanOrEqual(15);
    // Half of Workers Free's 10 ms stays for the rest of the invocation and for the model's error.
    expect(d.INGEST_CPU_BUDGET_MS).toBeLessThanOrEqual(5);
  });
});

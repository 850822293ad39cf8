/**
 * What bounds one ingest run: its wall time (INGEST_BUDGET_MS), its estimated CPU time (INGEST_CPU_BUDGET_MS,
 * cpu.ts) and its subrequests (INGEST_MAX_SUBREQUESTS: on Workers Free an invocation may make 50, and every
 * Redis request and every new Postgres connection is one). A run starts no chunk once any of them cannot pay
 * for one more, except the first: every run makes progress.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import type { Db } from "../../db/client.ts";
import { CpuMeter, isWarm, itemsMs, markWarm, MEASURED_CPU, type CpuModel } from "./cpu.ts";

/**
 * Subrequests one chunk can make: the stale scan, a read, the take-over, the attempt's record, a Postgres
 * connection for the commit, the acknowledgement (fresh chunks make fewer).
 */
export const CHUNK_SUBREQUESTS = 6;

export interface BudgetSettings {
  budgetMs: number;
  cpuBudgetMs: number;
  maxSubrequests: number;
  /** The largest entry the capture writes (CAPTURE_MAX_CLICKS clicks, CAPTURE_MAX_BYTES), for the first read. */
  largestEntry: { clicks: number; bytes: number };
  /** The CPU model (tests give their own); MEASURED_CPU when left out. */
  cpu?: CpuModel;
}

export class RunBudget {
  readonly started = Date.now();
  readonly cpu: CpuMeter;
  /** Subrequests made so far (counted by the wrappers below). */
  requests = 0;
  private chunks = 0;

  constructor(private readonly s: BudgetSettings) {
    const model = s.cpu ?? MEASURED_CPU;
    this.cpu = new CpuMeter(model, s.cpuBudgetMs, itemsMs(model, s.largestEntry.clicks, s.largestEntry.bytes), !isWarm());
  }

  /** True when the run must start no new chunk (nor read ahead for one). */
  spent(): boolean {
    if (Date.now() - this.started >= this.s.budgetMs) return true;
    if (this.chunks === 0) return false;
    return this.cpu.exhausted() || this.s.maxSubrequests - this.requests < CHUNK_SUBREQUESTS;
  }

  /**
   * Entries the next read of a chunk may ask for, at most `want`; 0 when the chunk must close with what it has
   * (`empty`: it has nothing yet, so it reads at least one entry).
   */
  readCount(want: number, empty: boolean): number {
    if (!empty && (this.cpu.exhausted() || this.s.maxSubrequests - this.requests < CHUNK_SUBREQUESTS)) return 0;
    return this.cpu.readCount(want);
  }

  /** A chunk was built: its fixed cost is spent, and the isolate's code is compiled from now on. */
  chunk(): void {
    this.chunks++;
    this.cpu.chunk();
    markWarm();
  }
}

/**
 * The Redis client as the run uses it, counting each request in `budget` (a command, or a MULTI or pipeline
 * sent as one request).
 */
export function countingRedis(redis: Redis, budget: { requests: number }): Redis {
  return new Proxy(redis, {
    get(t, prop, receiver) {
      const v = Reflect.get(t, prop, receiver);
      if (typeof v !== "function") return v;
      // Queued commands are no request; the transaction's (or pipeline's) exec is.
      if (prop === "multi" || prop === "pipeline") return (...args: unknown[]) => countingTx(v.apply(t, args) as object, budget);
      return (...args: unknown[]) => {
        budget.requests++;
        return v.apply(t, args);
      };
    },
  });
}

function countingTx<T extends object>(tx: T, budget: { requests: number }): T {
  const proxy: T = new Proxy(tx, {
    get(x, p, r) {
      const f = Reflect.get(x, p, r);
      if (typeof f !== "function") return f;
      return (...a: unknown[]) => {
        if (p === "exec") budget.requests++;
        const out = f.apply(x, a);
        return out === x ? proxy : out; // chained commands stay counted
      };
    },
  });
  return proxy;
}

/** Counts each new Postgres connection of `db`'s pool in `budget` until the returned function is called. */
export function countConnections(db: Db, budget: { requests: number }): () => void {
  const onConnect = () => { budget.requests++; };
  db.$client.on("connect", onConnect);
  return () => { db.$client.off("connect", onConnect); };
}

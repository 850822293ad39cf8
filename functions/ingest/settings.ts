/** The ingest run's settings (from the environment, or given by a benchmark or test), and what it reports. */
import type { Redis } from "@upstash/redis/cloudflare";
import type { Db } from "../../db/client.ts";
import type { Env } from "../shared/env.ts";
import { PLAN_DEFAULTS } from "../shared/plan.ts";
import type { BudgetSettings } from "./budget.ts";
import type { CpuModel } from "./cpu.ts";
import { DEFAULT_COMMIT_BYTES, DEFAULT_MAX_DELIVERIES, DEFAULT_REDIS_BYTES } from "./limits.ts";
import type { StaleSettings } from "./stale.ts";

export interface IngestSettings {
  batchSize: number;
  budgetMs: number;
  claimIdleMs: number;
  /** Bytes one Redis request or reply may carry (INGEST_REDIS_BYTES); limits.ts's default when left out. */
  redisBytes?: number;
  /** Bytes of parsed clicks one commit may carry (INGEST_COMMIT_BYTES). */
  commitBytes?: number;
  /** Deliveries without a commit after which an entry becomes a dead letter (INGEST_MAX_DELIVERIES). */
  maxDeliveries?: number;
  /** Estimated CPU ms of the run's JavaScript (INGEST_CPU_BUDGET_MS, cpu.ts); Workers Paid's default when left out. */
  cpuBudgetMs?: number;
  /** Redis requests and Postgres connections of one run (INGEST_MAX_SUBREQUESTS); Paid's default when left out. */
  maxSubrequests?: number;
  /** The largest entry the capture writes (CAPTURE_MAX_CLICKS, CAPTURE_MAX_BYTES); Paid's when left out. */
  largestEntry?: { clicks: number; bytes: number };
  /** The CPU model the estimate uses (tests give their own); cpu.ts's MEASURED_CPU when left out. */
  cpu?: CpuModel;
}

export const ingestSettings = (env: Env): IngestSettings => ({
  batchSize: env.INGEST_BATCH_SIZE,
  budgetMs: env.INGEST_BUDGET_MS,
  claimIdleMs: env.INGEST_CLAIM_IDLE_MS,
  redisBytes: env.INGEST_REDIS_BYTES,
  commitBytes: env.INGEST_COMMIT_BYTES,
  maxDeliveries: env.INGEST_MAX_DELIVERIES,
  cpuBudgetMs: env.INGEST_CPU_BUDGET_MS,
  maxSubrequests: env.INGEST_MAX_SUBREQUESTS,
  largestEntry: { clicks: env.CAPTURE_MAX_CLICKS, bytes: env.CAPTURE_MAX_BYTES },
});

export type Settings = StaleSettings & BudgetSettings;

const paid = PLAN_DEFAULTS.paid;

export const resolveSettings = (s: IngestSettings): Settings => ({
  batchSize: s.batchSize,
  budgetMs: s.budgetMs,
  claimIdleMs: s.claimIdleMs,
  redisBytes: s.redisBytes ?? DEFAULT_REDIS_BYTES,
  commitBytes: s.commitBytes ?? DEFAULT_COMMIT_BYTES,
  maxDeliveries: s.maxDeliveries ?? DEFAULT_MAX_DELIVERIES,
  cpuBudgetMs: s.cpuBudgetMs ?? paid.INGEST_CPU_BUDGET_MS,
  maxSubrequests: s.maxSubrequests ?? paid.INGEST_MAX_SUBREQUESTS,
  largestEntry: s.largestEntry ?? { clicks: paid.CAPTURE_MAX_CLICKS, bytes: paid.CAPTURE_MAX_BYTES },
  cpu: s.cpu,
});

/** A batch just committed, as afterCommit sees it. */
export interface CommittedBatch {
  source: "stream" | "inbox";
  /** Stream entry ids or inbox click ids of the batch. */
  ids: string[];
  inserted: number;
}

/** A stream batch about to be committed, as beforeCommit sees it. */
export interface BatchToCommit {
  /** Stream entry ids of the batch. */
  ids: string[];
  /** Click ids of the batch. */
  clicks: string[];
}

/**
 * Points of a run, in order, for tests that kill it there: "chunk" is a chunk boundary (before a chunk's first
 * read), "read" a read's reply in hand, "parsed" its entries parsed, "built" the chunk's statement made,
 * "commit" the statement about to be sent (its attempt counted), "committed" done, "acked" acknowledged.
 */
export type Checkpoint = "chunk" | "read" | "parsed" | "built" | "commit" | "committed" | "acked";

export interface IngestDeps {
  redis: Redis;
  db: Db;
  settings: IngestSettings;
  /** Runs just before a stream batch commits (tests simulate a run dying there: nothing is handed back). */
  beforeCommit?: (batch: BatchToCommit) => void | Promise<void>;
  /** Runs between the commit and the acknowledgement of each batch (tests simulate a crash there). */
  afterCommit?: (batch: CommittedBatch) => void | Promise<void>;
  /** Runs at each Checkpoint of the stream part (tests kill the run there). */
  checkpoint?: (point: Checkpoint) => void | Promise<void>;
}

export interface IngestResult {
  /** Clicks inserted (new rows) by this run. */
  ingested: number;
  /** Entries and inbox rows processed, duplicates and dead letters included. */
  processed: number;
  deadLettered: number;
  batches: number;
  /** False when the time budget ran out before the stream and the inbox were empty. */
  drained: boolean;
  ms: number;
}

export const emptyIngestResult = (): IngestResult =>
  ({ ingested: 0, processed: 0, deadLettered: 0, batches: 0, drained: false, ms: 0 });

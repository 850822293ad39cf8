/**
 * What the local Upstash bridge (dev/upstash-bridge.ts) has served, counted the way Upstash bills: every
 * command of a pipeline or a transaction on its own, and a transaction's MULTI and EXEC as two more (Upstash
 * does not say whether those two bill; counting them is the conservative choice). Commands a Lua script runs
 * with redis.call are not visible here (the bridge sees only the EVAL / EVALSHA): Upstash bills those too, so
 * the billing total is redis-server's INFO commandstats (bench/capture-cost.ts), and these counts say which
 * part of the product sent what. Read in-process by the benchmarks; not reachable over HTTP.
 */
import { redisKeys } from "../functions/shared/redis-keys.ts";

export const bridgeStats = {
  /** HTTP requests (each a round trip, and a subrequest of the Worker invocation that sent it). */
  requests: 0,
  /** Commands in the requests' bodies, MULTI and EXEC of each /multi-exec included. */
  commands: 0,
  /** Request bodies and replies, bytes (Upstash meters bandwidth too). */
  bytesIn: 0,
  bytesOut: 0,
  /** Commands by "NAME keyclass", e.g. "GET link:*" (a redirect's link lookup) or "XADD clicks:stream". */
  byCommand: {} as Record<string, number>,
};

/** Keys that are one key each; any other key is named by the pattern it was made from. */
const WHOLE = new Set<string>([redisKeys.clickStream, redisKeys.deadLetters, redisKeys.ingestLastRun, redisKeys.domainTable, redisKeys.workDue]);
/** Prefixes of keys made per link, slug, day or client, longest first so the most specific one names a key. */
const PREFIXES = [
  redisKeys.link(""), redisKeys.clickClaims(""), redisKeys.visitorSalt(""),
  `${redisKeys.passwordAttemptsPerLink}:`, `${redisKeys.passwordAttempts}:`, `${redisKeys.authFailures}:`,
  `${redisKeys.postgresLookups}:`, `${redisKeys.rateLimit}:`,
].sort((a, b) => b.length - a.length);

/** The class of a key: itself for a fixed key, "<prefix>*" for one made per link, day or client. */
export function keyClass(key: string): string {
  if (WHOLE.has(key)) return key;
  const p = PREFIXES.find((x) => key.startsWith(x));
  if (p) return `${p}*`;
  const i = key.indexOf(":");
  return i < 0 ? key : `${key.slice(0, i)}:*`;
}

/** The first key a command names, where the command has one. */
function firstKey(cmd: readonly (string | number)[]): string | undefined {
  const name = String(cmd[0]).toUpperCase();
  if (/^EVAL(SHA)?(_RO)?$/.test(name)) return Number(cmd[2]) > 0 ? String(cmd[3]) : undefined;
  if (name === "XREADGROUP" || name === "XREAD") {
    const i = cmd.findIndex((a) => String(a).toUpperCase() === "STREAMS");
    return i > 0 ? String(cmd[i + 1]) : undefined;
  }
  if (name === "XGROUP" || name === "XINFO" || name === "OBJECT") return cmd[2] === undefined ? undefined : String(cmd[2]);
  if (["PING", "SCRIPT", "INFO", "DBSIZE", "TIME", "FLUSHDB", "FLUSHALL"].includes(name)) return undefined;
  return cmd[1] === undefined ? undefined : String(cmd[1]);
}

const bump = (label: string) => {
  bridgeStats.commands++;
  bridgeStats.byCommand[label] = (bridgeStats.byCommand[label] ?? 0) + 1;
};

/** Counts one request the bridge accepted: its path ("/", "/pipeline", "/multi-exec") and parsed body. */
export function meterRequest(path: string, body: unknown, bytes: number): void {
  bridgeStats.requests++;
  bridgeStats.bytesIn += bytes;
  const commands = Array.isArray(body) && Array.isArray(body[0]) ? (body as unknown[][]) : [body as unknown[]];
  if (path === "/multi-exec") bump("MULTI");
  for (const c of commands) {
    if (!Array.isArray(c) || !c.length) continue;
    const key = firstKey(c as (string | number)[]);
    bump(`${String(c[0]).toUpperCase()}${key === undefined ? "" : ` ${keyClass(key)}`}`);
  }
  if (path === "/multi-exec") bump("EXEC");
}

/** Counts a reply's bytes. */
export function meterReply(bytes: number): void {
  bridgeStats.bytesOut += bytes;
}

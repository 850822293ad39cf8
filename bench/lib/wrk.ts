/** Runs wrk (Debian package) against a loopback URL and parses requests/s and latency percentiles. */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface WrkResult {
  requests: number;
  rps: number;
  p50ms: number;
  p99ms: number;
  non2xx3xx: number;
  errors: number;
}

/** wrk's time format: a number and us, ms, s, m or h. */
const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
function ms(s: string): number {
  const m = s.match(/^([\d.]+)(us|ms|s|m|h)$/);
  return m ? Number(m[1]) * UNIT_MS[m[2]] : NaN;
}

/** Load generator settings, the same for every target (see BENCHMARKS.md for why these). */
export const WRK_THREADS = 1;
export const WRK_CONNECTIONS = 32;

/**
 * Asynchronous on purpose: the local stack's Upstash bridge and Neon proxy run in this same Node process, and a
 * synchronous child (execFileSync) would freeze them for the whole run — every Redis call would time out.
 * `paths`, when given, makes each request pick one of them at random (a Lua script), e.g. many links or
 * unknown slugs; wrk does not follow redirects, so a 30x is a complete answer.
 */
export async function wrk(
  url: string,
  opts: { seconds: number; connections?: number; threads?: number; paths?: string[]; headers?: Record<string, string> },
): Promise<WrkResult> {
  if (!/^http:\/\/127\.0\.0\.1:/.test(url)) throw new Error("load goes to 127.0.0.1 only");
  const threads = opts.threads ?? WRK_THREADS;
  const connections = opts.connections ?? WRK_CONNECTIONS;
  const args = ["-t", String(threads), "-c", String(connections), "-d", `${opts.seconds}s`, "--latency", "--timeout", "5s"];
  for (const [k, v] of Object.entries(opts.headers ?? {})) args.push("-H", `${k}: ${v}`);
  let script: string | undefined;
  if (opts.paths?.length) {
    script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "eatmyurl-wrk-")), "paths.lua");
    const list = opts.paths.map((p) => JSON.stringify(p)).join(",");
    fs.writeFileSync(script, `local paths = {${list}}\nmath.randomseed(os.time())\nrequest = function()\n  return wrk.format("GET", paths[math.random(#paths)])\nend\n`);
    args.push("-s", script);
  }
  const out = await new Promise<string>((resolve, reject) => {
    // Bounded in time even if wrk hangs: its own duration plus its request timeout and a margin.
    execFile("wrk", [...args, url], { encoding: "utf8", timeout: (opts.seconds + 15) * 1000 }, (err, stdout, stderr) => {
      if (script) fs.rmSync(path.dirname(script), { recursive: true, force: true });
      if (err) reject(new Error(`wrk failed: ${err.message} ${stderr}`));
      else resolve(stdout);
    });
  });
  const num = (re: RegExp) => Number(out.match(re)?.[1] ?? 0);
  const p50ms = ms(out.match(/ 50%\s+(\S+)/)?.[1] ?? "");
  const p99ms = ms(out.match(/ 99%\s+(\S+)/)?.[1] ?? "");
  if (Number.isNaN(p50ms) || Number.isNaN(p99ms)) console.error(`wrk: could not read the latency percentiles of:\n${out}`);
  const errs = out.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  return {
    requests: num(/(\d+) requests in/),
    rps: num(/Requests\/sec:\s+([\d.]+)/),
    p50ms,
    p99ms,
    non2xx3xx: num(/Non-2xx or 3xx responses: (\d+)/),
    errors: errs ? errs.slice(1).map(Number).reduce((a, b) => a + b, 0) : 0,
  };
}

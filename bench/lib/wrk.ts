/** Runs wrk (Debian package) against a loopback URL and parses requests/s and latency percentiles. */
import { execFileSync } from "node:child_process";
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

function ms(s: string): number {
  const m = s.match(/([\d.]+)(us|ms|s)/);
  if (!m) return NaN;
  const v = Number(m[1]);
  return m[2] === "us" ? v / 1000 : m[2] === "s" ? v * 1000 : v;
}

/**
 * `paths`, when given, makes each request pick one of them at random (a Lua script), e.g. many links or
 * unknown slugs; wrk does not follow redirects, so a 30x is a complete answer.
 */
export function wrk(url: string, opts: { seconds: number; connections: number; paths?: string[] }): WrkResult {
  if (!/^http:\/\/127\.0\.0\.1:/.test(url)) throw new Error("load goes to 127.0.0.1 only");
  const args = ["-t", "1", "-c", String(opts.connections), "-d", `${opts.seconds}s`, "--latency", "--timeout", "5s"];
  let script: string | undefined;
  if (opts.paths?.length) {
    script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "eatmyurl-wrk-")), "paths.lua");
    const list = opts.paths.map((p) => JSON.stringify(p)).join(",");
    fs.writeFileSync(script, `local paths = {${list}}\nmath.randomseed(os.time())\nrequest = function()\n  return wrk.format("GET", paths[math.random(#paths)])\nend\n`);
    args.push("-s", script);
  }
  const out = execFileSync("wrk", [...args, url], { encoding: "utf8" });
  const num = (re: RegExp) => Number(out.match(re)?.[1] ?? 0);
  const errs = out.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  return {
    requests: num(/(\d+) requests in/),
    rps: num(/Requests\/sec:\s+([\d.]+)/),
    p50ms: ms(out.match(/50%\s+(\S+)/)?.[1] ?? ""),
    p99ms: ms(out.match(/99%\s+(\S+)/)?.[1] ?? ""),
    non2xx3xx: num(/Non-2xx or 3xx responses: (\d+)/),
    errors: errs ? errs.slice(1).map(Number).reduce((a, b) => a + b, 0) : 0,
  };
}

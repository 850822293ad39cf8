/**
 * `npm test`: type-check, build the bundle (`wrangler deploy --dry-run`, size printed), start the throwaway
 * stack (or use TEST_REDIS_URL / TEST_DATABASE_URL), run vitest inside workerd against it, stop everything,
 * run the benchmarks' quick version (one more test), and end with a plain "N passed, N failed" line. Extra
 * arguments go to vitest (e.g. a file filter) and skip the benchmarks.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { onShutdown, startStack, type Stack } from "./stack.ts";

const ADMIN_API_KEY = "test-admin-key-0123456789abcdef";

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: "inherit", env });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const step = (s: string) => console.log(`\n== ${s}`);
let stack: Stack | undefined;
onShutdown(async () => { await stack?.stop(); });

step("type-check");
if ((await run("npx", ["tsc", "-p", "tsconfig.json"])) || (await run("npx", ["tsc", "-p", "tsconfig.node.json"]))) {
  process.exit(1);
}

step("bundle (wrangler deploy --dry-run)");
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "eatmyurl-dist-"));
const quiet = { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_HIDE_BANNER: "true" };
if (await run("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outdir], quiet)) process.exit(1);
fs.rmSync(outdir, { recursive: true, force: true });

step("start the throwaway stack");
stack = await startStack({
  redisUrl: process.env.TEST_REDIS_URL,
  databaseUrl: process.env.TEST_DATABASE_URL,
  control: true,
  log: (l) => console.log(`  ${l}`),
});

step("vitest (workerd)");
const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "eatmyurl-vitest-")), "report.json");
const bindings = {
  ...stack.bindings,
  ADMIN_API_KEY,
  PUBLIC_BASE_URL: "http://sho.rt",
  // Test files share the admin key within a minute; the limiter itself is tested with a low limit
  // passed in a modified env (test/keys.security.test.ts).
  RATE_LIMIT_PER_MINUTE: "100000",
  // Test-only: lets tests stop and start the Redis and Postgres this run owns (dev/stack.ts).
  CONTROL_URL: stack.controlUrl ?? "",
  DIRECT_DATABASE_URL: stack.databaseUrl,
};
const code = await run(
  "npx",
  ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { ...process.env, EATMYURL_TEST_BINDINGS: JSON.stringify(bindings) },
);
await stack.stop();

let passed = 0;
let failed = 0;
try {
  const r = JSON.parse(fs.readFileSync(report, "utf8")) as { numPassedTests: number; numFailedTests: number };
  passed = r.numPassedTests;
  failed = r.numFailedTests;
} catch {
  failed = Math.max(failed, 1); // no report: vitest itself failed
}

// The benchmarks, small, once: they build their own stack (the test stack is stopped by now, so they do not
// share the 2 cores with it) and count as one test. Their figures mean nothing at this size; this only proves
// they still run. Skipped when a file filter was given: that is a partial run.
let benchCode = 0;
if (process.argv.length > 2) {
  console.log("\n== benchmarks (quick): skipped, a file filter was given");
} else {
  step("benchmarks (npm run bench -- --quick)");
  benchCode = await run("npx", ["tsx", "bench/run.ts", "--quick"]);
  if (benchCode) failed++;
  else passed++;
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(code || benchCode || (failed ? 1 : 0) || (passed ? 0 : 1));

/**
 * `npm test`: type-check, build the bundle (`wrangler deploy --dry-run`, size printed), start the throwaway
 * stack (or use TEST_REDIS_URL / TEST_DATABASE_URL), run vitest inside workerd against it, stop everything,
 * and end with a plain "N passed, N failed" line. Extra arguments go to vitest (e.g. a file filter).
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
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(code || (failed ? 1 : 0) || (passed ? 0 : 1));

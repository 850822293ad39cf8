/**
 * `npm test`: type-check, build the bundle (`wrangler deploy --dry-run`, size printed), start the throwaway
 * stack (or use TEST_REDIS_URL / TEST_DATABASE_URL), run vitest inside workerd against it, then the browser
 * tests (Node + headless Chromium against that bundle served by workerd), stop everything, run the
 * benchmarks' quick version (one more test), and end with a plain "N passed, N failed" line over all of it.
 * Extra arguments go to vitest (e.g. a file filter) and skip the benchmarks; the browser tests run when no
 * argument is given or one names test/browser.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { oidcBindings, startOidcProvider, type OidcProvider } from "./oidc-provider.ts";
import { onShutdown, startStack, type Stack } from "./stack.ts";
import { safeBrowsingBindings, startSafeBrowsingStandIn, type SafeBrowsingStandIn } from "./safe-browsing-standin.ts";
import { orExit } from "./startup-error.ts";
import { duplicateExports } from "./export-names.ts";
import { staleVendored } from "./vendor-assets.ts";

const ADMIN_API_KEY = "test-admin-key-0123456789abcdefgh";

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: "inherit", env });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const step = (s: string) => console.log(`\n== ${s}`);
let stack: Stack | undefined;
let oidc: OidcProvider | undefined;
let safeBrowsing: SafeBrowsingStandIn | undefined;
onShutdown(async () => { await Promise.all([stack?.stop(), oidc?.stop(), safeBrowsing?.stop()]); });

step("type-check");
if ((await run("npx", ["tsc", "-p", "tsconfig.json"])) || (await run("npx", ["tsc", "-p", "tsconfig.node.json"]))) {
  process.exit(1);
}

const stale = staleVendored();
if (stale.length) {
  console.error(`vendored browser assets differ from node_modules: ${stale.join(", ")}; run \`npm run vendor\``);
  process.exit(1);
}

const twice = duplicateExports();
if (twice.size) {
  for (const [name, files] of twice) console.error(`exported name ${name} is defined in ${files.join(" and ")}: give each its own name`);
  process.exit(1);
}

const args = process.argv.slice(2);
const browserArgs = args.filter((a) => a.includes("test/browser"));
const nodeArgs = args.filter((a) => a.includes("test/node"));
const workerdArgs = args.filter((a) => !a.includes("test/browser") && !a.includes("test/node"));
const runWorkerd = args.length === 0 || workerdArgs.length > 0;
const runBrowser = args.length === 0 || browserArgs.length > 0;
const runNode = args.length === 0 || nodeArgs.length > 0;

step("bundle (wrangler deploy --dry-run)");
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "eatmyurl-dist-"));
const quiet = { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_HIDE_BANNER: "true" };
if (await run("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outdir], quiet)) process.exit(1);

step("start the throwaway stack");
stack = await orExit(startStack({
  redisUrl: process.env.TEST_REDIS_URL,
  databaseUrl: process.env.TEST_DATABASE_URL,
  control: true,
  log: (l) => console.log(`  ${l}`),
}));

// One identity provider for the run. The tests reach the Worker as http://127.0.0.1 (the browser tests on
// a port of their own: a loopback redirect URI matches any port), and may make it hand out bad ID tokens.
oidc = await startOidcProvider({ redirectUris: ["http://127.0.0.1/app/login/oidc/callback"], tamper: true });
// One Safe Browsing stand-in for the run: every link write of every test asks it (it flags nothing unless told).
safeBrowsing = await startSafeBrowsingStandIn();

const reports = fs.mkdtempSync(path.join(os.tmpdir(), "eatmyurl-vitest-"));
const bindings = {
  ...stack.bindings,
  ADMIN_API_KEY,
  SESSION_SECRET: randomBytes(32).toString("base64url"),
  PUBLIC_BASE_URL: "http://sho.rt",
  // Test files share the admin key within a minute; the limiter itself is tested with a low limit
  // passed in a modified env (test/keys.security.test.ts).
  RATE_LIMIT_PER_MINUTE: "100000",
  // Every test redirects from the same address; the lookup budget is tested with a low one passed in a
  // modified env (test/redirect.security.test.ts).
  POSTGRES_LOOKUPS_PER_MINUTE: "100000",
  AUTH_FAILURES_PER_MINUTE: "100000",
  // Reports from every test file (and the input campaign) share the total; test/reports.security.test.ts
  // tests it with a low one passed in a modified env.
  REPORTS_PER_HOUR: "100000",
  // Webhooks may go only to receivers on this machine: no test, fuzzed input included, sends one elsewhere.
  WEBHOOK_ALLOW_LOOPBACK: "only",
  // Health checks likewise fetch only this machine. They are off for the suite (a cron run of any file at an
  // hour's turn would check every test's links); the tests of link health turn them on in the env they pass.
  HEALTH_ALLOW_LOOPBACK: "only",
  HEALTH_CHECK_DAYS: "0",
  // Test-only: lets tests stop and start the Redis and Postgres this run owns (dev/stack.ts).
  CONTROL_URL: stack.controlUrl ?? "",
  DIRECT_DATABASE_URL: stack.databaseUrl,
  // Test-only: the private redis-server behind the bridge, so security tests can knock on it directly.
  DIRECT_REDIS_URL: stack.redisUrl,
  // Single sign-on through the run's provider (dev/oidc-provider.ts).
  ...oidcBindings(oidc),
  // Destination checks through the run's Safe Browsing stand-in (dev/safe-browsing-standin.ts).
  ...safeBrowsingBindings(safeBrowsing),
  // Runs per route of the input campaign (test/routes-property.error.test.ts); `npm run fuzz` sets it.
  FUZZ_RUNS: process.env.FUZZ_RUNS ?? "",
};

/** One vitest run; its counts from the JSON report (a run that left no report counts as one failure). */
async function vitest(name: string, vitestArgs: string[]) {
  const report = path.join(reports, `${name}.json`);
  const code = await run(
    "npx",
    ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...vitestArgs],
    { ...process.env, EATMYURL_TEST_BINDINGS: JSON.stringify(bindings), EATMYURL_BUNDLE_DIR: outdir },
  );
  try {
    const r = JSON.parse(fs.readFileSync(report, "utf8")) as {
      numPassedTests: number;
      numFailedTests: number;
      testResults: { status: string; assertionResults: { status: string }[] }[];
    };
    // A file that failed before any test ran (a beforeAll, an import) reports its tests as skipped: count it.
    const brokenFiles = r.testResults.filter((f) => f.status === "failed" && !f.assertionResults.some((a) => a.status === "failed")).length;
    return { code, passed: r.numPassedTests, failed: r.numFailedTests + brokenFiles };
  } catch {
    return { code: code || 1, passed: 0, failed: 1 };
  }
}

const results = [];
if (runWorkerd) {
  step("vitest (workerd)");
  results.push(await vitest("workerd", workerdArgs));
}
if (runNode) {
  step("node tests (the local stack's processes and folders)");
  results.push(await vitest("node", ["--config", "vitest.node.config.ts", ...nodeArgs]));
}
if (runBrowser) {
  step("browser tests (headless Chromium against the bundle on workerd)");
  results.push(await vitest("browser", ["--config", "vitest.browser.config.ts", ...browserArgs]));
}
await Promise.all([stack.stop(), oidc.stop(), safeBrowsing.stop()]);
fs.rmSync(outdir, { recursive: true, force: true });

// The benchmarks, small, once: they build their own stack (the test stack is stopped by now, so they do not
// share the 2 cores with it) and count as one test. Their figures mean nothing at this size; this only proves
// they still run. Skipped when arguments were given: that is a partial run.
if (args.length) {
  console.log("\n== benchmarks (quick): skipped, arguments were given");
} else {
  step("benchmarks (npm run bench -- --quick)");
  const benchCode = await run("npx", ["tsx", "bench/run.ts", "--quick"]);
  results.push({ code: benchCode, passed: benchCode ? 0 : 1, failed: benchCode ? 1 : 0 });
}

const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
const code = results.find((r) => r.code)?.code ?? 0;
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(code || (failed ? 1 : 0) || (passed ? 0 : 1));

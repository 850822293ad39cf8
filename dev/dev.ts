/**
 * `npm run dev`: the whole product on http://127.0.0.1:8787 in one command. Starts (or reuses, via
 * REDIS_URL / DATABASE_URL) Redis and Postgres with data kept under .data/, applies migrations, runs the
 * Worker under `wrangler dev`, and fires its cron handler every CRON_INTERVAL_SECONDS (default 60). A local
 * identity provider (dev/oidc-provider.ts) on OIDC_PORT (default 8790) serves single sign-on offline: ada is
 * invited as an owner, and anyone of DEV_TEAM_DOMAIN may join as an editor. Ctrl-C stops everything it started.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import net from "node:net";
import pg from "pg";
import { DEV_PEOPLE } from "./oidc-people.ts";
import { oidcBindings, startOidcProvider, type OidcProvider } from "./oidc-provider.ts";
import { onShutdown, startStack, type Stack } from "./stack.ts";
import { orExit, StartupError } from "./startup-error.ts";

const root = path.resolve(import.meta.dirname, "..");
const dataDir = path.join(root, ".data");
const port = Number(process.env.PORT ?? 8787);
// Fixed, not random: a person is bound to the issuer (its URL, port included) at first sign-in.
const oidcPort = Number(process.env.OIDC_PORT ?? 8790);
const cronEvery = Number(process.env.CRON_INTERVAL_SECONDS ?? 60);
const DEV_ADMIN_KEY = "dev-admin-key-change-me-0123456789";
const adminKey = process.env.ADMIN_API_KEY ?? DEV_ADMIN_KEY;

let stack: Stack | undefined;
let oidc: OidcProvider | undefined;
let wrangler: ChildProcess | undefined;
let cronTimer: NodeJS.Timeout | undefined;
let shuttingDown = false;

async function shutdown() {
  shuttingDown = true;
  if (cronTimer) clearInterval(cronTimer);
  if (wrangler && wrangler.exitCode === null) {
    // wrangler runs workerd as its own child: signal the whole process group.
    try { process.kill(-wrangler.pid!, "SIGTERM"); } catch { /* gone */ }
    await new Promise((r) => { wrangler!.once("exit", r); setTimeout(r, 5000); });
    try { process.kill(-wrangler.pid!, "SIGKILL"); } catch { /* gone */ }
  }
  await Promise.all([stack?.stop(), oidc?.stop()]);
  console.log("stopped");
}
onShutdown(shutdown);

/** Fails with one line when something already listens on the Worker's port (wrangler would say far less). */
async function portFree(p: number, setting = "PORT", other = 8788): Promise<void> {
  const taken = await new Promise<boolean>((resolve) => {
    const s = net.connect({ port: p, host: "127.0.0.1" });
    s.once("connect", () => { s.destroy(); resolve(true); });
    s.once("error", () => resolve(false));
  });
  if (taken) throw new StartupError(`port ${p} is in use`, `stop what listens there, or choose another port: ${setting}=${other} npm run dev`);
}

await orExit(portFree(port));
await orExit(portFree(oidcPort, "OIDC_PORT", 8791));
fs.mkdirSync(dataDir, { recursive: true });
stack = await orExit(startStack({
  dataDir,
  redisUrl: process.env.REDIS_URL,
  databaseUrl: process.env.DATABASE_URL,
  log: (l) => console.log(`[stack] ${l}`),
}));

/** SESSION_SECRET: the environment's, else a random one made once and kept in .data/ (sessions survive restarts). */
function sessionSecret(): string {
  if (process.env.SESSION_SECRET) return process.env.SESSION_SECRET;
  const file = path.join(dataDir, "session-secret");
  if (!fs.existsSync(file)) fs.writeFileSync(file, randomBytes(32).toString("base64url") + "\n", { mode: 0o600 });
  return fs.readFileSync(file, "utf8").trim();
}

oidc = await startOidcProvider({ port: oidcPort, redirectUris: [`http://127.0.0.1:${port}/app/login/oidc/callback`] });

/** Invites ada as an owner unless she is there already (invited, signed in, or changed since). */
async function inviteAda() {
  const client = new pg.Client({ connectionString: stack!.databaseUrl });
  await client.connect();
  try {
    await client.query(
      "INSERT INTO users (id, email, name, role) VALUES ('usr_devAdaLovelace01', $1, $2, 'owner') ON CONFLICT DO NOTHING",
      [DEV_PEOPLE.ada.email, DEV_PEOPLE.ada.name],
    );
  } finally {
    await client.end();
  }
}
await orExit(inviteAda());

// Settings for the Worker, in a git-ignored env file (wrangler dev reads it); the environment wins.
const vars: Record<string, string> = {
  ...stack.bindings,
  ADMIN_API_KEY: adminKey,
  SESSION_SECRET: sessionSecret(),
  PUBLIC_BASE_URL: process.env.PUBLIC_BASE_URL ?? `http://127.0.0.1:${port}`,
  // Webhook receivers on this machine (http://127.0.0.1, localhost) are accepted in development.
  WEBHOOK_ALLOW_LOOPBACK: process.env.WEBHOOK_ALLOW_LOOPBACK ?? "true",
  // Links to servers on this machine are health-checked too in development.
  HEALTH_ALLOW_LOOPBACK: process.env.HEALTH_ALLOW_LOOPBACK ?? "true",
  ...oidcBindings(oidc),
};
for (const k of ["LINK_CACHE_SECONDS", "REDIS_TIMEOUT_MS", "RATE_LIMIT_PER_MINUTE", "AUTH_FAILURES_PER_MINUTE",
  "POSTGRES_LOOKUPS_PER_MINUTE", "PASSWORD_FAILURES_PER_CLIENT", "PASSWORD_FAILURES_PER_LINK", "CAPTURE_LINGER_MS",
  "CAPTURE_MAX_CLICKS", "CAPTURE_MAX_BYTES", "INGEST_REDIS_BYTES", "INGEST_COMMIT_BYTES", "INGEST_MAX_DELIVERIES",
  "RETENTION_BUDGET_MS", "QSTASH_TOKEN",
  "QSTASH_CURRENT_SIGNING_KEY", "QSTASH_NEXT_SIGNING_KEY", "INGEST_BATCH_SIZE", "INGEST_BUDGET_MS", "INGEST_CLAIM_IDLE_MS",
  "RAW_RETENTION_DAYS", "RETENTION_CHUNK_ROWS", "RETENTION_MAX_CHUNKS", "REPORTS_PER_CLIENT", "REPORTS_PER_HOUR"]) {
  if (process.env[k]) vars[k] = process.env[k]!;
}
const envFile = path.join(dataDir, "worker.env");
fs.writeFileSync(envFile, Object.entries(vars).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join("\n") + "\n", { mode: 0o600 });
fs.chmodSync(envFile, 0o600); // it holds secrets; an older file may have been made with the default mode

wrangler = spawn(
  "npx",
  ["wrangler", "dev", "--ip", "127.0.0.1", "--port", String(port), "--env-file", envFile, "--test-scheduled",
   "--show-interactive-dev-session=false"],
  {
    cwd: root,
    stdio: "inherit",
    detached: true, // own process group, so shutdown reaches workerd too
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_HIDE_BANNER: "true" },
  },
);
wrangler.on("exit", (code) => {
  if (shuttingDown) return;
  console.error(`wrangler dev exited (${code}); stopping`);
  void shutdown().then(() => process.exit(code ?? 1));
});

const base = `http://127.0.0.1:${port}`;
async function waitForWorker() {
  for (let i = 0; i < 600; i++) {
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.status === 200) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("the Worker did not become healthy");
}
await waitForWorker();

// wrangler dev never fires cron triggers itself (only on a call of /__scheduled): do what Cloudflare does, on a timer.
const fireCron = async () => {
  try {
    const res = await fetch(`${base}/__scheduled?cron=${encodeURIComponent("* * * * *")}`);
    if (!res.ok) console.error(`[cron] scheduled handler answered ${res.status}`);
  } catch (e) {
    console.error(`[cron] ${e}`);
  }
};
cronTimer = setInterval(fireCron, cronEvery * 1000);
void fireCron();

console.log(`
EatMyURL is running on ${base}
  health:   ${base}/healthz
  API docs: ${base}/docs
  admin key: ${adminKey}${adminKey === DEV_ADMIN_KEY ? "   (development default: set ADMIN_API_KEY to choose one)" : ""}
  sign in:  ${base}/app/login -> "Sign in with the development provider" (${oidc.issuer}); type login
            "ada" (invited owner) or "grace" (joins as an editor), any password; "mallory" is refused
  cron:     every ${cronEvery}s (CRON_INTERVAL_SECONDS)
Ctrl-C stops everything.`);

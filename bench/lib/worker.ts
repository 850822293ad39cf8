/**
 * Builds a Worker bundle with wrangler and serves it on `workerd serve` directly: no wrangler dev proxy, and
 * no Miniflare either. Miniflare puts its own entry Worker in front of the user's (a second JS hop per request:
 * measured here, about half of a bare Worker's requests/s); that fixed cost would be added to both sides of
 * every comparison and flatter our ratios. The runtime is the one wrangler and Miniflare ship (npm `workerd`).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { procStat, processCpuNs } from "./proc.ts";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { unstable_readConfig } from "wrangler";
import { freePort, waitForPort } from "../../dev/ports.ts";

/** Path of the workerd binary of the `workerd` package (its main export; the package has no types). */
const WORKERD = (createRequire(import.meta.url)("workerd") as { default: string }).default;

export interface Bundle {
  file: string;
  bytes: number;
  gzipBytes: number;
  /** What wrangler.toml gives the runtime: compatibility date and flags, and its [vars]. */
  compatibilityDate: string;
  compatibilityFlags: string[];
  vars: Record<string, string>;
}

/** `wrangler deploy --dry-run` of a config: the very bundle that would be deployed. */
export function buildBundle(config = "wrangler.toml", opts: { minify?: boolean } = {}): Bundle {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "eatmyurl-bench-build-"));
  process.once("exit", () => fs.rmSync(outdir, { recursive: true, force: true }));
  const extra = opts.minify === false ? ["--minify=false"] : [];
  execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--config", config, "--outdir", outdir, ...extra], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_HIDE_BANNER: "true" },
  });
  return bundleOf(outdir, config);
}

/** The bundle a `wrangler deploy --dry-run --outdir` of `config` left in `outdir` (`npm test` builds one). */
export function bundleOf(outdir: string, config = "wrangler.toml"): Bundle {
  const files = fs.readdirSync(outdir).map((f) => path.join(outdir, f));
  const file = files.find((f) => f.endsWith(".js"));
  if (!file || files.some((f) => /\.(wasm|bin|mjs)$/.test(f))) {
    throw new Error(`expected one .js module in ${outdir}, found: ${files.map((f) => path.basename(f)).join(", ")}`);
  }
  const code = fs.readFileSync(file);
  const cfg = unstable_readConfig({ config }, { hideWarnings: true });
  const vars = Object.fromEntries(
    Object.entries(cfg.vars ?? {}).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
  );
  return {
    file,
    bytes: code.length,
    gzipBytes: zlib.gzipSync(code, { level: 9 }).length,
    compatibilityDate: cfg.compatibility_date ?? "2026-04-20",
    compatibilityFlags: cfg.compatibility_flags ?? [],
    vars,
  };
}

export interface Served {
  url: string;
  /** The workerd process. */
  pid: number;
  /** CPU seconds (user + system) the workerd process has used so far. */
  cpuSeconds(): number;
  /** The same in nanoseconds, from the scheduler's per-thread accounting (not 10 ms ticks). */
  cpuNs(): number;
  /**
   * Fires the Worker's scheduled handler once and resolves with its outcome ("ok", "exception", ...), when
   * served with `{ cron: true }`: workerd has no cron of its own, so a second Worker in the same process calls
   * the main one's scheduled() through a service binding, as Miniflare does for wrangler's /__scheduled.
   * "trigger only" makes the same request without firing: what the trigger itself costs the process.
   */
  scheduled(what?: "run" | "trigger only"): Promise<string>;
  /** Lines the Worker logged (console.error of failed Redis calls, ...), for diagnosing a bad run. */
  log(): string[];
  dispose(): Promise<void>;
}

/** The Worker that fires the main one's scheduled handler, once per request it gets (see Served.scheduled). */
const CRON_WORKER = `export default {
  async fetch(request, env) {
    if (new URL(request.url).pathname === "/noop") return new Response("noop");
    const r = await env.MAIN.scheduled({ cron: "* * * * *", scheduledTime: new Date() });
    return new Response(r.outcome);
  },
};
`;

/** Cap'n Proto text accepts JSON's string escapes. */
const str = (s: string) => JSON.stringify(s);

/**
 * Serves the bundle with wrangler.toml's vars, overridden by `bindings` (secrets, bench settings), on a free
 * loopback port. Outbound fetches may reach private addresses (the local stack); workerd's default allows
 * public ones only.
 */
export async function serveBundle(
  bundle: Bundle,
  bindings: Record<string, string>,
  opts: {
    inspectorPort?: number;
    cron?: boolean;
    /** V8 flags of the process, e.g. --max-old-space-size=128: a heap capped as a Worker's isolate is. */
    v8Flags?: string[];
    /** The port to serve on (a free one when not given), for bindings that name the Worker's own URL. */
    port?: number;
  } = {},
): Promise<Served> {
  const port = opts.port ?? (await freePort());
  const cronPort = opts.cron ? await freePort() : 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eatmyurl-bench-workerd-"));
  fs.copyFileSync(bundle.file, path.join(dir, "worker.js"));
  fs.writeFileSync(path.join(dir, "cron.js"), CRON_WORKER);
  const all = { ...bundle.vars, ...bindings };
  fs.writeFileSync(
    path.join(dir, "config.capnp"),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "internet", network = (allow = ["public", "private"], deny = [])),${opts.cron ? `
    (name = "cron", worker = .cron),` : ""}
  ],
  sockets = [(name = "http", address = ${str(`127.0.0.1:${port}`)}, http = (), service = "main")${opts.cron ? `,
    (name = "cron", address = ${str(`127.0.0.1:${cronPort}`)}, http = (), service = "cron")` : ""}],
  v8Flags = [${(opts.v8Flags ?? []).map(str).join(", ")}],
);
const cron :Workerd.Worker = (
  modules = [(name = "cron.js", esModule = embed "cron.js")],
  compatibilityDate = ${str(bundle.compatibilityDate)},
  compatibilityFlags = ["service_binding_extra_handlers"],
  bindings = [(name = "MAIN", service = "main")],
);
const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = ${str(bundle.compatibilityDate)},
  compatibilityFlags = [${bundle.compatibilityFlags.map(str).join(", ")}],
  bindings = [${Object.entries(all).map(([k, v]) => `(name = ${str(k)}, text = ${str(v)})`).join(", ")}],
);
`,
  );
  const lines: string[] = [];
  const child: ChildProcess = spawn(WORKERD, [
    "serve",
    path.join(dir, "config.capnp"),
    ...(opts.inspectorPort ? [`--inspector-addr=127.0.0.1:${opts.inspectorPort}`] : []),
    // The cron Worker's flag is experimental; the main Worker uses no experimental flag, so it runs as deployed.
    ...(opts.cron ? ["--experimental"] : []),
  ], { stdio: ["ignore", "pipe", "pipe"] });
  const keep = (d: Buffer) => {
    for (const l of String(d).split("\n")) if (l && lines.length < 10_000) lines.push(l);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  // Never leave a workerd behind if this process dies first.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  try {
    await Promise.race([
      waitForPort(port),
      exited.then(() => { throw new Error(`workerd exited:\n${lines.join("\n")}`); }),
    ]);
  } catch (e) {
    child.kill("SIGKILL");
    throw e;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    cpuSeconds: () => processCpuSeconds(child.pid!),
    cpuNs: () => processCpuNs(child.pid!),
    async scheduled(what = "run") {
      if (!opts.cron) throw new Error("served without { cron: true }");
      return (await fetch(`http://127.0.0.1:${cronPort}/${what === "run" ? "" : "noop"}`)).text();
    },
    log: () => lines,
    async dispose() {
      process.off("exit", killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** CPU seconds a process has used so far (bench/lib/proc.ts). */
export const processCpuSeconds = (pid: number): number => (procStat(pid)?.cpuMs ?? 0) / 1000;

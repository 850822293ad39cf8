/**
 * Serves a built Worker bundle on workerd through Miniflare, static assets included, on a free loopback
 * port: what the browser tests drive (a real HTTP server, the deployable bundle, no dev proxy).
 */
import fs from "node:fs";
import path from "node:path";
import { Miniflare } from "miniflare";
import { freePort } from "./ports.ts";

export interface WorkerServer {
  url: string;
  /** Sends a request for `url` whatever its host (a custom domain's, say), as Cloudflare routes it to the Worker. */
  dispatch(url: string, init?: RequestInit): Promise<Response>;
  /** Runs the Worker's scheduled handler once (the cron), as Cloudflare would. */
  scheduled(): Promise<void>;
  dispose(): Promise<void>;
}

/** The .js file a `wrangler deploy --dry-run --outdir` left in `outdir`. */
export function bundleIn(outdir: string): string {
  const file = fs.readdirSync(outdir).find((f) => f.endsWith(".js"));
  if (!file) throw new Error(`no bundle in ${outdir}`);
  return path.join(outdir, file);
}

const toml = () => fs.readFileSync(path.resolve(import.meta.dirname, "../wrangler.toml"), "utf8");

/** The deployment's compatibility date, from wrangler.toml, so the test runtime matches it. */
function compatibilityDate(): string {
  return toml().match(/^compatibility_date\s*=\s*"([^"]+)"/m)![1];
}

/** The assets binding's name, if wrangler.toml's [assets] declares one (routes may read files through it). */
function assetsBinding(): string | undefined {
  return toml().split(/^\[assets\]\s*$/m)[1]?.split(/^\[/m)[0].match(/^binding\s*=\s*"([^"]+)"/m)?.[1];
}

export async function serveWorker(opts: {
  bundle: string;
  /** Bindings, given the URL the Worker will answer on (for PUBLIC_BASE_URL). */
  bindings: (url: string) => Record<string, string>;
  assets?: string;
}): Promise<WorkerServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const mf = new Miniflare({
    modules: [{ type: "ESModule", path: opts.bundle }],
    modulesRoot: path.dirname(opts.bundle),
    compatibilityDate: compatibilityDate(),
    bindings: opts.bindings(url),
    // As wrangler configures it: files first, the Worker for every path that is not a file.
    ...(opts.assets ? { assets: { directory: opts.assets, binding: assetsBinding(), routerConfig: { has_user_worker: true } } } : {}),
    host: "127.0.0.1",
    port,
  });
  await mf.ready;
  return {
    url,
    // Miniflare's own Response type: the same fetch API, typed by undici.
    dispatch: (u, init) => mf.dispatchFetch(u, init as never) as unknown as Promise<Response>,
    scheduled: async () => {
      // Typed against workers-types, which this Node program does not load; the call is Miniflare's own.
      const worker = (await mf.getWorker()) as unknown as { scheduled(o: { cron: string; scheduledTime: Date }): Promise<unknown> };
      await worker.scheduled({ cron: "* * * * *", scheduledTime: new Date() });
    },
    dispose: () => mf.dispose(),
  };
}

/** Builds a Worker bundle with wrangler and serves it on workerd through Miniflare: no dev proxy in front. */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { Miniflare } from "miniflare";
import { freePort } from "../../dev/ports.ts";

export interface Bundle {
  file: string;
  bytes: number;
  gzipBytes: number;
}

/** `wrangler deploy --dry-run` of a config: the very bundle that would be deployed. */
export function buildBundle(config = "wrangler.toml"): Bundle {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "eatmyurl-bench-build-"));
  execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--config", config, "--outdir", outdir], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_HIDE_BANNER: "true" },
  });
  const file = fs.readdirSync(outdir).map((f) => path.join(outdir, f)).find((f) => f.endsWith(".js"))!;
  const code = fs.readFileSync(file);
  return { file, bytes: code.length, gzipBytes: zlib.gzipSync(code, { level: 9 }).length };
}

export interface Served {
  url: string;
  dispose(): Promise<void>;
}

export async function serveBundle(bundle: Bundle, bindings: Record<string, string>): Promise<Served> {
  const port = await freePort();
  const mf = new Miniflare({
    modules: [{ type: "ESModule", path: bundle.file }],
    compatibilityDate: "2026-04-20",
    bindings,
    host: "127.0.0.1",
    port,
  });
  await mf.ready;
  return { url: `http://127.0.0.1:${port}`, dispose: () => mf.dispose() };
}

import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { freePort, waitForPort } from "./ports.ts";

export interface RedisServer {
  url: string;
  port: number;
  /** Stops the server; start() brings it back on the same port (fault tests). */
  stop(): Promise<void>;
  start(): Promise<void>;
}

/**
 * Starts a private redis-server from the installed binary on a free port.
 * With `dir`, data survives restarts (append-only file); without it nothing touches disk.
 */
export async function startRedisServer(opts: { dir?: string; port?: number } = {}): Promise<RedisServer> {
  const port = opts.port ?? (await freePort());
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--protected-mode", "no"];
  if (opts.dir) {
    fs.mkdirSync(opts.dir, { recursive: true });
    args.push("--dir", opts.dir, "--appendonly", "yes");
  } else {
    args.push("--appendonly", "no");
  }
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const alive = () => child !== undefined && child.exitCode === null && child.signalCode === null;

  const start = async () => {
    if (alive()) return;
    const c = spawn("redis-server", args, { stdio: ["ignore", "ignore", "pipe"] });
    child = c;
    let stderr = "";
    c.stderr?.on("data", (d) => (stderr += d));
    c.once("error", (e) => (stderr += String(e)));
    exited = new Promise<void>((resolve) => c.once("exit", () => resolve()));
    try {
      await Promise.race([
        waitForPort(port),
        exited.then(() => { throw new Error(`redis-server exited: ${stderr || "(no output)"}`); }),
      ]);
    } catch (e) {
      c.kill("SIGKILL");
      throw e;
    }
  };
  const stop = async () => {
    if (!alive()) return;
    child!.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (alive()) child!.kill("SIGKILL");
    await exited;
  };
  // Last resort when the parent dies without cleaning up: never leave a redis-server behind.
  process.once("exit", () => { if (alive()) child!.kill("SIGKILL"); });
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, start, stop };
}

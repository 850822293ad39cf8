import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { freePort, waitForPort } from "./ports.ts";
import { StartupError } from "./startup-error.ts";

export interface RedisServer {
  /** redis://:password@127.0.0.1:port */
  url: string;
  port: number;
  /** Stops the server; start() brings it back on the same port (fault tests). */
  stop(): Promise<void>;
  start(): Promise<void>;
}

/**
 * Starts a private redis-server from the installed binary on a free port, on loopback only and with a random
 * password (a fresh one every start of the stack): any process of the machine can reach a loopback port, so
 * only those handed the password (the Upstash bridge) may use it. Protected mode stays on.
 * With `dir`, data survives restarts (append-only file); without it nothing touches disk.
 */
export async function startRedisServer(opts: { dir?: string; port?: number } = {}): Promise<RedisServer> {
  const port = opts.port ?? (await freePort());
  const password = randomBytes(24).toString("hex");
  // The password is handed over on stdin (a config file of one line), never on the command line, where
  // any user could read it with ps.
  const args = ["-", "--port", String(port), "--bind", "127.0.0.1", "--save", ""];
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
    const c = spawn("redis-server", args, { stdio: ["pipe", "ignore", "pipe"] });
    child = c;
    let stderr = "";
    c.stderr?.on("data", (d) => (stderr += d));
    c.stdin?.on("error", () => {}); // a binary that never started has no stdin to write to
    c.stdin?.end(`requirepass ${password}\n`);
    exited = new Promise<void>((resolve) => c.once("exit", () => resolve()));
    // Node may emit 'error' without 'exit' when the binary cannot be spawned at all.
    const failed = new Promise<never>((_, reject) => {
      c.once("error", (e) => {
        reject((e as NodeJS.ErrnoException).code === "ENOENT"
          ? new StartupError("redis-server is not installed", "install the Debian package: apt-get install redis-server")
          : new StartupError("redis-server could not be started", String(e)));
      });
      void exited.then(() => reject(new StartupError("redis-server did not start", stderr.trim().split("\n").at(-1) || "it exited without a word")));
    });
    try {
      await Promise.race([waitForPort(port), failed]);
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
  return { url: `redis://:${password}@127.0.0.1:${port}`, port, start, stop };
}

import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, waitForPort } from "./ports.ts";
import { firstLine, StartupError } from "./startup-error.ts";

export interface PostgresServer {
  /** postgres:// URL of the application database. */
  url: string;
  port: number;
  /** The folder the cluster lives in: the one asked for, or the postgres user's copy of it (clusterHome). */
  home: string;
  /** Stops the server but keeps its data, so start() can bring it back (fault tests). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server for good; a throwaway cluster's files are removed. */
  destroy(): Promise<void>;
}

const isRoot = process.getuid?.() === 0;

/** Finds initdb/pg_ctl: on PATH, else Debian's versioned directory. */
function pgBin(name: string): string {
  const onPath = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).stdout.trim();
  if (onPath) return onPath;
  const root = "/usr/lib/postgresql";
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) {
    const p = path.join(root, v, "bin", name);
    if (fs.existsSync(p)) return p;
  }
  throw new StartupError(`PostgreSQL's ${name} was not found`, "install the Debian package: apt-get install postgresql");
}

/** initdb refuses to run as root, so as root the cluster belongs to (and runs as) the postgres user. */
function asOwner(cmd: string, args: string[]): string {
  const [file, argv] = isRoot ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
  return execFileSync(file, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function chownToPostgres(dir: string) {
  if (isRoot) execFileSync("chown", ["-R", "postgres:postgres", dir]);
}

/** True when the postgres user can enter `dir` (every folder above it must let it pass). */
function postgresCanEnter(dir: string): boolean {
  return spawnSync("runuser", ["-u", "postgres", "--", "test", "-x", dir], { stdio: "ignore" }).status === 0;
}

/**
 * Where the cluster for `wanted` lives. As root the cluster runs as the postgres user, which cannot enter a
 * folder below a private one (root's home, a fresh `mktemp -d`): the cluster then lives in the postgres
 * user's home instead, in a folder named after `wanted`'s path (so each clone keeps its own data there
 * between runs), owned by postgres and private to it. Otherwise it lives where it was asked to.
 */
function clusterHome(wanted: string): { dir: string; moved: boolean } {
  fs.mkdirSync(wanted, { recursive: true });
  if (!isRoot || postgresCanEnter(path.dirname(path.resolve(wanted)))) return { dir: wanted, moved: false };
  const home = spawnSync("getent", ["passwd", "postgres"], { encoding: "utf8" }).stdout.split(":")[5]?.trim();
  if (!home || !postgresCanEnter(home)) {
    throw new StartupError(
      `the postgres user cannot enter ${path.dirname(path.resolve(wanted))}, and has no home of its own to keep the cluster in`,
      "clone the project into a folder every user may enter (for instance under /srv), or set DATABASE_URL to an existing database",
    );
  }
  const id = createHash("sha256").update(fs.realpathSync(wanted)).digest("hex").slice(0, 16);
  const dir = path.join(home, "eatmyurl", id);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(wanted, "WHERE.txt"), `The PostgreSQL cluster of this folder lives in ${dir}\n(the postgres user cannot enter this folder).\n`);
  execFileSync("chown", ["postgres:postgres", path.dirname(dir)]);
  fs.chmodSync(dir, 0o700);
  return { dir, moved: true };
}

/**
 * Starts a private PostgreSQL cluster from the installed binaries on a free port.
 * `dir` keeps data between runs (npm run dev); without it a throwaway cluster is made under the OS temp dir
 * with fsync off and removed on stop.
 */
export async function startPostgres(opts: { dir?: string; port?: number; database?: string; log?: (line: string) => void } = {}): Promise<PostgresServer> {
  const throwaway = !opts.dir;
  const wanted = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "eatmyurl-pg-"));
  const { dir, moved } = clusterHome(wanted);
  if (moved) opts.log?.(`PostgreSQL data in ${dir} (the postgres user cannot enter ${path.dirname(path.resolve(wanted))})`);
  const dataDir = path.join(dir, "data");
  const sockDir = path.join(dir, "sock");
  fs.mkdirSync(sockDir, { recursive: true });
  const database = opts.database ?? "eatmyurl";
  chownToPostgres(dir);
  if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
    try {
      asOwner(pgBin("initdb"), ["-D", dataDir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"]);
    } catch (e) {
      if (e instanceof StartupError) throw e;
      throw new StartupError(`initdb could not create a cluster in ${dataDir}`, firstLine(e));
    }
  }
  const port = opts.port ?? (await freePort());
  // shared_buffers above the 128 MB default: the benchmarks' tables (raw clicks twice, rollups) outgrow it,
  // and then every backend spends its time writing out and reading back pages (Neon sizes its cache to the
  // compute, with a local file cache behind it).
  const pgOpts = [`-p ${port}`, `-k ${sockDir}`, "-c listen_addresses=127.0.0.1", "-c max_connections=200", "-c shared_buffers=512MB"];
  if (throwaway) pgOpts.push("-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off");
  const logFile = path.join(dir, "postgres.log");

  const start = async () => {
    try {
      asOwner(pgBin("pg_ctl"), ["-D", dataDir, "-l", logFile, "-o", pgOpts.join(" "), "-w", "-t", "30", "start"]);
    } catch (e) {
      const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8").trim().split("\n").at(-1) : undefined;
      throw new StartupError(`PostgreSQL did not start (log: ${logFile})`, tail || firstLine(e));
    }
    await waitForPort(port);
  };
  const stopCluster = (mode: "fast" | "immediate") => {
    try {
      asOwner(pgBin("pg_ctl"), ["-D", dataDir, "-m", mode, "-w", "stop"]);
    } catch { /* already stopped */ }
  };
  await start();
  const psql = (sql: string) =>
    asOwner(pgBin("psql"), ["-h", sockDir, "-p", String(port), "-U", "postgres", "-d", "postgres", "-Atc", sql]);
  if (!psql(`select 1 from pg_database where datname = '${database}'`).trim()) psql(`create database "${database}"`);

  let running = true;
  const onExit = () => { if (running) stopCluster("immediate"); };
  process.once("exit", onExit);
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/${database}`,
    port,
    home: dir,
    async start() { await start(); running = true; },
    async stop() { stopCluster("immediate"); running = false; },
    async destroy() {
      if (running) stopCluster(throwaway ? "immediate" : "fast");
      running = false;
      process.off("exit", onExit);
      if (throwaway) for (const d of new Set([dir, wanted])) fs.rmSync(d, { recursive: true, force: true });
    },
  };
}

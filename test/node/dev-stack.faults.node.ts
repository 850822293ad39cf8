/**
 * `npm run dev` from any folder, as root too, and start-up failures as one line saying what to do.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { startPostgres } from "../../dev/postgres-server.ts";

const root = path.resolve(import.meta.dirname, "../..");
const isRoot = process.getuid?.() === 0;

/** Runs `npm run dev`'s script with `env`; resolves with its exit code and output once it exits. */
function runDev(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "dev/dev.ts"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("exit", (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

const lines = (s: string) => s.split("\n").map((l) => l.trim()).filter(Boolean);

describe("the dev stack's start-up", () => {
  it.skipIf(!isRoot)("runs PostgreSQL for a folder the postgres user cannot enter (a fresh mktemp -d under root)", async () => {
    const privateDir = fs.mkdtempSync(path.join(os.tmpdir(), "eatmyurl-private-"));
    expect(fs.statSync(privateDir).mode & 0o777).toBe(0o700);
    const wanted = path.join(privateDir, ".data", "postgres");
    const logs: string[] = [];
    const pg = await startPostgres({ dir: wanted, log: (l) => logs.push(l) });
    try {
      const { Client } = await import("pg");
      const client = new Client({ connectionString: pg.url });
      await client.connect();
      expect((await client.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
      await client.end();
      // The cluster lives where postgres can enter it, owned by postgres and private to it.
      const where = logs.find((l) => l.startsWith("PostgreSQL data in "))!.slice("PostgreSQL data in ".length).split(" ")[0];
      expect(pg.home).toBe(where);
      const stat = fs.statSync(where);
      expect(stat.mode & 0o777).toBe(0o700);
      expect(stat.uid).not.toBe(0);
      expect(fs.readFileSync(path.join(wanted, "WHERE.txt"), "utf8")).toContain(where);
    } finally {
      await pg.destroy();
      // Kept data is not removed by destroy() (npm run dev keeps it between runs): this test's is removed here.
      fs.rmSync(pg.home, { recursive: true, force: true });
      fs.rmSync(privateDir, { recursive: true, force: true });
    }
  });

  it("says in one line that the port is taken, and exits 1", async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const run = await runDev({ ...process.env, PORT: String(port) });
      expect(run.code).toBe(1);
      expect(lines(run.stderr)).toEqual([`port ${port} is in use: stop what listens there, or choose another port: PORT=8788 npm run dev`]);
    } finally {
      server.close();
    }
  });

  it("says in one line that redis-server is missing, and exits 1", async () => {
    // A PATH with node alone: no redis-server to be found.
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "eatmyurl-path-"));
    fs.symlinkSync(process.execPath, path.join(bin, "node"));
    try {
      const run = await runDev({ ...process.env, PATH: bin, PORT: "0" });
      expect(run.code).toBe(1);
      expect(lines(run.stderr)).toEqual(["redis-server is not installed: install the Debian package: apt-get install redis-server"]);
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });
});

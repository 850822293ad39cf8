/**
 * Health checks never reach a host that is not public (HEALTH_ALLOW_LOOPBACK "false", as in production): not
 * the first hop, not any hop a redirect names. Proven twice: through the real Worker's cron, with destinations
 * that are every spelling of this machine's address pointing at a listener that counts its connections (none
 * may arrive); and by the check itself with a fetch that counts every call, for private ranges that must not
 * be sent to even by mistake, and for a public-looking first hop (a stand-in) that redirects to 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import type { WorkerServer } from "../../dev/worker-server.ts";
import { checkLinkDestination } from "../../functions/health/check.ts";
import { destination, healthOf, healthWorker, makeDue, makeHealthLink, openSql, type HealthDestination } from "./health-harness.ts";

let sql: pg.Client;
let listener: HealthDestination;
let open: WorkerServer;

beforeAll(async () => {
  sql = await openSql();
  listener = await destination();
  open = await healthWorker(); // loopback "only" (the suite's): to make the links
}, 60_000);

afterAll(async () => {
  await open.dispose();
  await listener.close();
  await sql.end();
});

describe("the cron's health checks, in production mode", () => {
  it("never connect to this machine, however its address is spelt", async () => {
    const port = listener.origin.split(":").at(-1);
    const hosts = ["127.0.0.1", "2130706433", "0177.0.0.1", "0x7f.1", "127.1", "[::ffff:127.0.0.1]", "[::1]", "localhost", "localhost.", "a.localhost", "[2002:7f00:1::]"];
    const links = [];
    for (const h of hosts) links.push({ host: h, ...(await makeHealthLink(open.url, `http://${h}:${port}/p/x`)) });
    // Production mode, taking exactly these links (the most overdue of all once made due).
    const production = await healthWorker({ HEALTH_ALLOW_LOOPBACK: "false", HEALTH_CHECKS_PER_RUN: String(links.length) });
    try {
      await makeDue(sql, links.map((l) => l.id));
      await production.scheduled();
    } finally {
      await production.dispose();
    }
    expect(listener.connections).toBe(0);
    for (const l of links) {
      const h = await healthOf(sql, l.id);
      // Refused without a connection: never checked, so not broken because of us; due again in a week.
      expect(h.health, l.host).toBeNull();
      expect(h.health_due_at.getTime() - Date.now(), l.host).toBeGreaterThan(6 * 86_400_000);
    }
  });
});

describe("the check", () => {
  const counting = () => {
    const calls: string[] = [];
    const f = (async (input: RequestInfo | URL) => {
      calls.push(String(input));
      throw new Error("must not be fetched");
    }) as typeof fetch;
    return { calls, f };
  };
  const options = (f: typeof fetch) => ({ timeoutMs: 1000, allowLoopback: "false" as const, userAgent: "test", fetch: f });

  it("refuses private, link-local, metadata and special-use hosts without a fetch", async () => {
    const { calls, f } = counting();
    for (const url of [
      "http://10.0.0.1/", "http://192.168.1.1/", "http://172.16.0.1/", "http://169.254.169.254/latest/meta-data/",
      "http://100.64.0.1/", "http://0.0.0.0/", "http://[fe80::1]/", "http://[fc00::1]/", "http://[::ffff:10.0.0.1]/",
      "http://[64:ff9b::a00:1]/", "http://printer.local/", "http://intranet.corp/", "http://host.internal/", "http://single/",
      "http://012.0.0.1/", "http://167772161/",
    ]) {
      expect(await checkLinkDestination(url, options(f)), url).toMatchObject({ kind: "private-host" });
    }
    expect(calls).toEqual([]);
  });

  it("does not follow a public-looking first hop's redirect to 127.0.0.1", async () => {
    const before = listener.connections;
    const port = listener.origin.split(":").at(-1);
    const calls: string[] = [];
    // A stand-in for a public host (no DNS here): it answers with a redirect to this machine.
    const f = (async (input: RequestInfo | URL) => {
      calls.push(String(input));
      return new Response(null, { status: 302, headers: { location: `http://127.0.0.1:${port}/inside` } });
    }) as typeof fetch;
    expect(await checkLinkDestination("https://public.example.com/start", options(f))).toMatchObject({ kind: "private-host", host: `127.0.0.1:${port}` });
    expect(calls).toEqual(["https://public.example.com/start"]);
    // The same through the other spellings of a redirect target.
    for (const target of [`http://2130706433:${port}/`, `http://0177.0.0.1:${port}/`, `http://[::ffff:7f00:1]:${port}/`, `http://localhost.:${port}/`]) {
      const g = (async () => new Response(null, { status: 301, headers: { location: target } })) as unknown as typeof fetch;
      expect(await checkLinkDestination("https://public.example.com/", options(g)), target).toMatchObject({ kind: "private-host" });
    }
    expect(listener.connections).toBe(before);
    expect(listener.hits).toEqual([]);
  });
});

/**
 * What the delivery log may tell an admin about a destination (webhooks-harness.ts: the deployable bundle on
 * workerd against the test stack, real listeners on loopback ports): every failure reads the same
 * "unreachable", so the log maps no ports or services behind a name; and an endpoint stored under an older,
 * looser destination rule is refused at delivery without a connection being made.
 */
import net from "node:net";
import { describe, expect, it } from "vitest";
import { freePort } from "../../dev/ports.ts";
import { api, createWebhook, cronUntil, receiver, sql, startWebhookWorker, useWebhookStack } from "./webhooks-harness.ts";

useWebhookStack();

/** A TCP listener that counts connections and does what `onConnect` does with each. */
async function tcpListener(onConnect: (s: net.Socket) => void) {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((s) => {
    connections++;
    sockets.add(s);
    s.on("error", () => {});
    onConnect(s);
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => connections,
    close: () => new Promise<void>((ok) => { for (const s of sockets) s.destroy(); server.close(() => ok()); }),
  };
}

describe("the delivery log", () => {
  it("says only \"unreachable\" for a non-2xx answer, a closed port, a reset connection and a timeout alike", async () => {
    const w = await startWebhookWorker({ WEBHOOK_TIMEOUT_MS: "500" });
    const reset = await tcpListener((s) => s.resetAndDestroy());
    try {
      const answers500 = await receiver();
      answers500.answer = () => 500;
      const answers404 = await receiver();
      answers404.answer = () => 404;
      const hangs = await receiver();
      hangs.answer = () => null;
      const urls = [answers500.url, answers404.url, hangs.url, `http://127.0.0.1:${await freePort()}/hook`, `http://127.0.0.1:${reset.port}/hook`];
      const hooks: { id: string }[] = [];
      for (const url of urls) hooks.push(await createWebhook({ url }, ["link.created"], {}, w.url));
      for (const h of hooks) expect((await api("POST", `/api/v1/webhooks/${h.id}/test`, undefined, w.url)).status).toBe(202);
      const logs = async () => Promise.all(hooks.map(async (h) => (await api("GET", `/api/v1/webhooks/${h.id}/deliveries`, undefined, w.url)).body.data[0]));
      await cronUntil(async () => (await logs()).every((d) => d.attempts >= 1 && d.status === "pending"), 40, w);
      for (const d of await logs()) expect(d).toMatchObject({ lastStatus: null, lastError: "unreachable" });
      expect(answers500.received.length + answers404.received.length + hangs.received.length).toBeGreaterThanOrEqual(3); // they were reached
      expect(reset.connections()).toBeGreaterThanOrEqual(1);
    } finally {
      await reset.close();
      await w.dispose();
    }
  }, 60_000);
});

describe("an endpoint stored before the rule refused its host", () => {
  it("is refused at delivery, without a connection, and logged as unreachable", async () => {
    // A production rule (no loopback receivers), and an endpoint whose URL an older rule let through.
    const w = await startWebhookWorker({ WEBHOOK_ALLOW_LOOPBACK: "false" });
    const listener = await tcpListener((s) => s.destroy());
    try {
      const hook = await createWebhook({ url: `http://127.0.0.1:${listener.port}/hook` }, ["link.created"]);
      await sql.query("update webhook_endpoints set url = $1 where id = $2", [`https://localhost.:${listener.port}/hook`, hook.id]);
      const sent = await api("POST", `/api/v1/webhooks/${hook.id}/test`, undefined, w.url);
      expect(sent.status).toBe(202);
      const log = async () => (await api("GET", `/api/v1/webhooks/${hook.id}/deliveries`, undefined, w.url)).body.data[0];
      // A claim counts the attempt before it is made ("sending"); its outcome is recorded when it is back to "pending".
      await cronUntil(async () => { const d = await log(); return d.attempts >= 1 && d.status === "pending"; }, 20, w);
      expect(await log()).toMatchObject({ lastStatus: null, lastError: "unreachable" });
      // Where `localhost.` resolves (not on every machine), the old rule's attempt reached this listener.
      expect(listener.connections()).toBe(0);
    } finally {
      await listener.close();
      await w.dispose();
    }
  }, 60_000);
});

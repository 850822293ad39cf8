/**
 * What the local Upstash bridge and Neon proxy (dev/) refuse: a wrong token, a malformed body, a target that
 * is not the stack's own Postgres. And the stack is safe to leave running: a web page open in the developer's
 * browser cannot reach its services, and the private redis-server answers only those who hold its password.
 * Browsers send `Origin` on every WebSocket handshake and cross-origin request; the Worker's clients never do.
 */
import { connect } from "cloudflare:sockets";
import { describe, expect, it } from "vitest";
import { bridge } from "./helpers/dev-stack.ts";
import { bindings, config } from "./helpers/env.ts";

const direct = bindings as { DIRECT_REDIS_URL: string; DIRECT_DATABASE_URL: string; CONTROL_URL: string };
const redisPort = Number(new URL(direct.DIRECT_REDIS_URL).port);
const postgresPort = Number(new URL(direct.DIRECT_DATABASE_URL).port);

/** The first bytes a TCP server at 127.0.0.1:port answers to `line`. */
async function ask(port: number, line: string): Promise<string> {
  const socket = connect({ hostname: "127.0.0.1", port });
  const writer = socket.writable.getWriter();
  await writer.write(new TextEncoder().encode(line));
  const { value } = await socket.readable.getReader().read();
  await socket.close();
  return new TextDecoder().decode(value);
}

/** A WebSocket handshake to the Neon proxy, as a page or as the driver would make it. */
function handshake(address: string, headers: Record<string, string> = {}) {
  return fetch(`http://${config.NEON_WS_PROXY}?address=${address}`, { headers: { upgrade: "websocket", ...headers } });
}

/** The close code of a relay opened to `address`, after sending `line` (replies are collected into `replies`). */
async function relayCloseCode(address: string, line: string, replies: string[]): Promise<number> {
  const ws = (await handshake(address)).webSocket!;
  expect(ws).toBeTruthy();
  const closed = new Promise<number>((resolve) => ws.addEventListener("close", (e) => resolve(e.code)));
  ws.addEventListener("message", (e) => replies.push(String(e.data)));
  ws.accept();
  ws.send(line);
  return closed;
}

describe("Upstash REST bridge", () => {
  it("refuses a wrong token and a malformed body", async () => {
    expect((await bridge("/", ["PING"], "wrong")).status).toBe(401);
    expect((await bridge("/", { not: "a command" })).status).toBe(400);
    expect((await bridge("/pipeline", [["PING"], "x"])).status).toBe(400);
  });

  it("refuses a browser request (Origin) even with the right token", async () => {
    const res = await fetch(config.UPSTASH_REDIS_REST_URL, {
      method: "POST",
      headers: { authorization: `Bearer ${config.UPSTASH_REDIS_REST_TOKEN}`, origin: "https://evil.example" },
      body: JSON.stringify(["PING"]),
    });
    expect(res.status).toBe(403);
  });
});

describe("Neon WebSocket proxy", () => {
  it("refuses targets that are not loopback", async () => {
    expect(await relayCloseCode("example.invalid:5432", "", [])).toBe(1008);
  });

  it("relays to the stack's own Postgres only: Redis's port is closed at once, nothing relayed", async () => {
    const replies: string[] = [];
    expect(await relayCloseCode(`127.0.0.1:${redisPort}`, "PING\r\n", replies)).toBe(1008);
    expect(replies).toEqual([]);
  });

  it("refuses a handshake from a browser page (Origin), even to Postgres", async () => {
    const res = await handshake(`127.0.0.1:${postgresPort}`, { origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(res.webSocket).toBeFalsy();
  });
});

describe("the private services", () => {
  it("redis-server asks for its password; the one the stack made works", async () => {
    expect(await ask(redisPort, "PING\r\n")).toMatch(/^-NOAUTH/);
    const password = decodeURIComponent(new URL(direct.DIRECT_REDIS_URL).password);
    expect(password.length).toBeGreaterThanOrEqual(32);
    expect(await ask(redisPort, `AUTH ${password}\r\n`)).toBe("+OK\r\n");
  });

  it("the control server refuses a browser request (Origin)", async () => {
    const res = await fetch(`${direct.CONTROL_URL}/redis/stop`, { method: "POST", headers: { origin: "https://evil.example" } });
    expect(res.status).toBe(403);
  });
});

/**
 * The local stack is safe to leave running: a web page open in the developer's browser cannot reach its
 * services, and the private redis-server answers only those who hold its password. Browsers send `Origin`
 * on every WebSocket handshake and cross-origin request; the Worker's own clients never do.
 */
import { env } from "cloudflare:workers";
import { connect } from "cloudflare:sockets";
import { describe, expect, it } from "vitest";
import { parseEnv } from "../functions/shared/env.ts";

const config = parseEnv(env as unknown as Record<string, unknown>);
const bindings = env as unknown as { DIRECT_REDIS_URL: string; DIRECT_DATABASE_URL: string };
const redisPort = Number(new URL(bindings.DIRECT_REDIS_URL).port);
const postgresPort = Number(new URL(bindings.DIRECT_DATABASE_URL).port);

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

describe("the local stack against a web page", () => {
  it("the Neon proxy refuses a handshake from a browser page (Origin), even to Postgres", async () => {
    const res = await handshake(`127.0.0.1:${postgresPort}`, { origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(res.webSocket).toBeFalsy();
  });

  it("the Neon proxy relays to the stack's own Postgres only: Redis's port is closed at once", async () => {
    const res = await handshake(`127.0.0.1:${redisPort}`);
    const ws = res.webSocket!;
    const closed = new Promise<number>((resolve) => ws.addEventListener("close", (e) => resolve(e.code)));
    const replies: string[] = [];
    ws.addEventListener("message", (e) => replies.push(String(e.data)));
    ws.accept();
    ws.send("PING\r\n");
    expect(await closed).toBe(1008);
    expect(replies).toEqual([]);
  });

  it("the Upstash bridge refuses a browser request (Origin) even with the right token", async () => {
    const res = await fetch(config.UPSTASH_REDIS_REST_URL, {
      method: "POST",
      headers: { authorization: `Bearer ${config.UPSTASH_REDIS_REST_TOKEN}`, origin: "https://evil.example" },
      body: JSON.stringify(["PING"]),
    });
    expect(res.status).toBe(403);
  });

  it("redis-server asks for its password; the one the stack made works", async () => {
    expect(await ask(redisPort, "PING\r\n")).toMatch(/^-NOAUTH/);
    const password = decodeURIComponent(new URL(bindings.DIRECT_REDIS_URL).password);
    expect(password.length).toBeGreaterThanOrEqual(32);
    expect(await ask(redisPort, `AUTH ${password}\r\n`)).toBe("+OK\r\n");
  });

  it("the control server refuses a browser request (Origin)", async () => {
    const controlUrl = (env as unknown as { CONTROL_URL: string }).CONTROL_URL;
    const res = await fetch(`${controlUrl}/redis/stop`, { method: "POST", headers: { origin: "https://evil.example" } });
    expect(res.status).toBe(403);
  });
});

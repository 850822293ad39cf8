/**
 * WebSocket-to-TCP proxy that lets `@neondatabase/serverless` (Pool/Client over WebSockets) talk to a plain
 * PostgreSQL, the way Neon's own proxy does. The driver is pointed here with
 * `neonConfig.wsProxy = (host, port) => "127.0.0.1:<port>/v1?address=" + host + ":" + port`.
 * It relays to the stack's own Postgres and nothing else: the target must be one of `allow` (host:port), and
 * a handshake that carries an `Origin` header is refused (403). Browsers send one on every WebSocket, the Neon
 * driver (in workerd or Node) never does, so a web page in the developer's browser can neither reach Postgres
 * nor use the proxy to talk to any other local port (Redis, say).
 */
import net from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { freePort } from "./ports.ts";

export interface NeonProxy {
  port: number;
  /** Value for the Worker's NEON_WS_PROXY setting. */
  wsProxy: string;
  close(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/** The relay target a handshake URL names, if it is a loopback host and one of the `allowed` ports. */
export function parseTarget(url: string, allowedPorts: ReadonlySet<number>): { host: string; port: number } | null {
  const address = new URL(url, "http://x").searchParams.get("address");
  const m = address?.match(/^(.+):(\d{1,5})$/);
  if (!m || !LOOPBACK.has(m[1]) || !allowedPorts.has(Number(m[2]))) return null;
  return { host: m[1].replace(/^\[|\]$/g, ""), port: Number(m[2]) };
}

/** `allowPorts`: the loopback ports of the Postgres servers it may relay to. */
export async function startNeonProxy(opts: { allowPorts: number[]; port?: number }): Promise<NeonProxy> {
  const port = opts.port ?? (await freePort());
  const allowed = new Set(opts.allowPorts);
  const wss = new WebSocketServer({
    host: "127.0.0.1",
    port,
    perMessageDeflate: false,
    verifyClient: ({ req }, done) => {
      if (req.headers.origin !== undefined) return done(false, 403, "browser connections are refused");
      done(true);
    },
  });
  const sockets = new Set<net.Socket>();
  wss.on("connection", (ws: WebSocket, req) => {
    const target = parseTarget(req.url ?? "", allowed);
    if (!target) return ws.close(1008, "address must be this stack's Postgres");
    const tcp = net.connect(target);
    sockets.add(tcp);
    tcp.setNoDelay(true);
    const pending: Buffer[] = [];
    let open = false;
    tcp.on("connect", () => {
      open = true;
      for (const b of pending) tcp.write(b);
      pending.length = 0;
    });
    ws.on("message", (data: Buffer) => (open ? tcp.write(data) : pending.push(data)));
    tcp.on("data", (d) => ws.readyState === ws.OPEN && ws.send(d));
    const end = () => {
      sockets.delete(tcp);
      tcp.destroy();
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close();
    };
    tcp.on("close", end);
    tcp.on("error", end);
    ws.on("close", end);
    ws.on("error", end);
  });
  await new Promise<void>((resolve, reject) => {
    wss.once("listening", resolve);
    wss.once("error", reject);
  });
  return {
    port,
    wsProxy: `127.0.0.1:${port}/v1`,
    async close() {
      for (const s of sockets) s.destroy();
      for (const c of wss.clients) c.terminate();
      await new Promise((r) => wss.close(r));
    },
  };
}

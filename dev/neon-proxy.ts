/**
 * WebSocket-to-TCP proxy that lets `@neondatabase/serverless` (Pool/Client over WebSockets) talk to a plain
 * PostgreSQL, the way Neon's own proxy does. The driver is pointed here with
 * `neonConfig.wsProxy = (host, port) => "127.0.0.1:<port>/v1?address=" + host + ":" + port`.
 * It relays to the stack's own Postgres and nothing else: the target must be one of `allow` (host:port), and
 * a handshake that carries an `Origin` header is refused (403). Browsers send one on every WebSocket, the Neon
 * driver (in workerd or Node) never does, so a web page in the developer's browser can neither reach Postgres
 * nor use the proxy to talk to any other local port (Redis, say).
 *
 * It pools server connections, as Neon's pooled endpoint (the `-pooler` host) does in production: a Worker
 * opens a connection per request, and a new Postgres backend costs a fork and cold catalog caches (about 25 ms
 * of a stats call on a slow day). A client's startup is answered with what its server said at its own startup;
 * when the client leaves with its server idle (no transaction, nothing in flight) the server gets DISCARD ALL
 * (session settings, prepared statements, advisory locks, temporary tables) and waits for the next client with
 * the same startup message. Only servers that asked for no credential are pooled (the stack's trust auth);
 * anything else, and cancel requests, is relayed byte for byte. The idle servers and their reset are in
 * neon-pool.ts; this file holds the handshake and the client sessions.
 */
import net from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { park, type Server } from "./neon-pool.ts";
import { freePort } from "./ports.ts";
import { authCode, CANCEL_REQUEST, GSS_REQUEST, MessageReader, readyStatus, SSL_REQUEST, untypedMessage } from "./pg-wire.ts";

export interface NeonProxy {
  port: number;
  /** Value for the Worker's NEON_WS_PROXY setting. */
  wsProxy: string;
  close(): Promise<void>;
}

/**
 * What this process's proxies have served, counted the way Neon is used up (read in-process by the benchmarks,
 * bench/cost.ts): `sessions` are client WebSockets, each one Neon connection (the pool behind keeps backends
 * warm, so backends would undercount them); `statements` are simple Query messages plus extended-protocol
 * sequences that ran an Execute, one per Sync (a pipelined batch of Parse/Bind/Execute ... Sync counts once
 * per Sync); `transactions` are ReadyForQuery replies back to idle (an implicit one per lone statement, one per
 * COMMIT or ROLLBACK); `sessionMs` adds up how long each client session was open (what keeps a compute awake).
 */
export const proxyStats = { sessions: 0, statements: 0, transactions: 0, sessionMs: 0, maxSessionMs: 0 };

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
  const idle = new Map<string, Server[]>();
  const connectServer = (target: { host: string; port: number }) => {
    const tcp = net.connect(target);
    sockets.add(tcp);
    tcp.setNoDelay(true);
    tcp.on("close", () => sockets.delete(tcp));
    return tcp;
  };
  wss.on("connection", (ws: WebSocket, req) => {
    proxyStats.sessions++;
    const opened = performance.now();
    ws.once("close", () => {
      const ms = performance.now() - opened;
      proxyStats.sessionMs += ms;
      proxyStats.maxSessionMs = Math.max(proxyStats.maxSessionMs, ms);
    });
    const target = parseTarget(req.url ?? "", allowed);
    if (!target) return ws.close(1008, "address must be this stack's Postgres");
    let head: Buffer = Buffer.alloc(0);
    const first = (data: Buffer) => {
      head = Buffer.concat([head, data]);
      const m = untypedMessage(head);
      if (!m) return;
      head = head.subarray(m.bytes.length);
      // No TLS between the driver and this proxy (useSecureWebSocket is off): refuse it, the driver goes on in clear.
      if (m.code === SSL_REQUEST || m.code === GSS_REQUEST) {
        ws.send(Buffer.from("N"));
        if (head.length) first(Buffer.alloc(0));
        return;
      }
      ws.off("message", first);
      if (m.code === CANCEL_REQUEST || m.code !== 3 << 16) return relay(ws, connectServer(target), [m.bytes, head]);
      pooledSession(ws, `${target.host}:${target.port}\n${m.bytes.toString("base64")}`, () => connectServer(target), m.bytes, head, idle);
    };
    ws.on("message", first);
    ws.on("error", () => ws.terminate());
  });
  await new Promise<void>((resolve, reject) => {
    wss.once("listening", resolve);
    wss.once("error", reject);
  });
  return {
    port,
    wsProxy: `127.0.0.1:${port}/v1`,
    async close() {
      idle.clear();
      for (const s of sockets) s.destroy();
      for (const c of wss.clients) c.terminate();
      await new Promise((r) => wss.close(r));
    },
  };
}

/** Plain relay of a WebSocket to a TCP socket, after sending `initial` to the server. */
function relay(ws: WebSocket, tcp: net.Socket, initial: Buffer[], toClient: Buffer[] = []) {
  for (const b of initial) if (b.length) tcp.write(b);
  for (const b of toClient) ws.send(b);
  ws.on("message", (data: Buffer) => tcp.write(data));
  tcp.on("data", (d) => ws.readyState === ws.OPEN && ws.send(d));
  const end = () => {
    tcp.destroy();
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close();
  };
  tcp.on("close", end);
  tcp.on("error", end);
  ws.on("close", end);
}

/** A client session on a pooled server (an idle one with the same startup, or a new one). */
function pooledSession(
  ws: WebSocket, key: string, connect: () => net.Socket, startup: Buffer, early: Buffer, idle: Map<string, Server[]>,
) {
  const queued: Buffer[] = early.length ? [early] : [];
  const buffer = (data: Buffer) => queued.push(data);
  ws.on("message", buffer);
  const closeClient = () => ws.readyState === ws.OPEN && ws.close();
  const spare = idle.get(key)?.pop();
  if (!spare) return startServer();
  clearTimeout(spare.idleTimer);
  // A server still being reset is the one the previous client of this startup left: wait for it, so
  // clients one after another get the same backend rather than a new one each.
  if (spare.resetting) spare.resetting.claimant = (ok) => (ok ? attach(spare) : startServer());
  else attach(spare);

  function startServer() {
    const tcp = connect();
    const collected: Buffer[] = [];
    const server: Server = {
      tcp, reader: new MessageReader(), hello: Buffer.alloc(0), onEnd: closeClient,
      onMessages: (messages, chunk) => {
        collected.push(chunk);
        for (const m of messages) {
          // A server that wants a credential (or refuses the startup) is not pooled: the client deals with it.
          if ((m.type === "R" && authCode(m) !== 0) || m.type === "E") {
            tcp.removeAllListeners("data");
            server.onEnd = () => {};
            ws.off("message", buffer);
            return relay(ws, tcp, queued.splice(0), collected);
          }
          if (m.type === "Z") {
            server.hello = Buffer.concat(collected);
            return attach(server);
          }
        }
      },
    };
    tcp.on("data", (chunk: Buffer) => server.onMessages(server.reader.push(chunk), chunk));
    tcp.on("close", () => server.onEnd());
    tcp.on("error", () => tcp.destroy());
    tcp.write(startup);
  }

  function attach(s: Server) {
    ws.off("message", buffer);
    if (ws.readyState !== ws.OPEN) return park(s, key, idle); // the client left during the server's startup
    ws.send(s.hello);
    const client = new MessageReader();
    // Replies owed: one ReadyForQuery per simple query, Sync or function call.
    let owed = 0;
    let status = "I";
    let executed = false; // an Execute since the last Sync: that Sync ends a statement (proxyStats)
    let ended = false;
    const leave = () => {
      if (ended) return;
      ended = true;
      ws.off("message", fromClient);
      const clean = owed === 0 && status === "I" && !client.partial && !s.reader.partial && !s.tcp.destroyed;
      if (clean) park(s, key, idle);
      else s.tcp.destroy();
    };
    const fromClient = (data: Buffer) => {
      for (const m of client.push(data)) {
        // Terminate: the server stays for the next client; the driver waits for the connection to close.
        if (m.type === "X") {
          leave();
          return ws.close();
        }
        if (m.type === "Q" || m.type === "S" || m.type === "F") owed++;
        if (m.type === "E") executed = true;
        if (m.type === "Q" || (m.type === "S" && executed)) proxyStats.statements++;
        if (m.type === "S") executed = false;
        s.tcp.write(m.bytes);
      }
    };
    s.onMessages = (messages, chunk) => {
      if (ended) return;
      for (const m of messages) {
        if (m.type !== "Z") continue;
        owed--;
        status = readyStatus(m);
        if (status === "I") proxyStats.transactions++;
      }
      if (ws.readyState === ws.OPEN) ws.send(chunk);
    };
    s.onEnd = closeClient;
    ws.on("message", fromClient);
    ws.once("close", leave);
    for (const b of queued.splice(0)) fromClient(b);
  }
}

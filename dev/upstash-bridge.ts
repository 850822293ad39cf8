/**
 * A small Upstash-REST-compatible bridge in front of a real redis-server, so the Worker runs the real
 * `@upstash/redis` client locally. Only what that client (1.39) sends is implemented, always
 * as POST with a JSON body:
 *   POST /            one command            -> {"result": ...}          (400 {"error"} on a Redis error)
 *   POST /pipeline    [[cmd,...], ...]       -> [{"result"}|{"error"}, ...]
 *   POST /multi-exec  [[cmd,...], ...]       -> the same, run in MULTI/EXEC
 * `Authorization: Bearer <token>` is required, and a request that carries an `Origin` header is refused (403):
 * browsers send one on every cross-origin request, the Worker's fetch and Node's never do, so a web page open
 * in the developer's browser cannot use the bridge even if it guessed the token. With `Upstash-Encoding: base64` every string in a reply
 * (nested too) is base64 of its raw bytes, as Upstash does, so binary and unicode values survive.
 * With `maxRequestBytes` / `maxReplyBytes` (off unless given) a request body or a reply over that many bytes
 * is answered as Upstash answers one over its max request size: 400 {"error": "ERR max request size
 * exceeded"}, the command having run (a reply's size is known only once it has).
 */
import { createHash } from "node:crypto";
import http from "node:http";
import { Redis } from "ioredis";
import { freePort } from "./ports.ts";
import { meterReply, meterRequest } from "./upstash-meter.ts";

export interface UpstashBridge {
  url: string;
  token: string;
  port: number;
  /** Resolves once its connection to redis-server is up (after a restart, say), or after `ms`. */
  connected(ms: number): Promise<void>;
  close(): Promise<void>;
}

type Reply = null | number | string | Buffer | Reply[] | Error;
type Encoded = null | number | string | Encoded[];

/** Converts a raw RESP2 reply into Upstash's JSON form. "OK" stays plain: the client special-cases it. */
export function encodeReply(value: Reply, base64: boolean): Encoded {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return value;
  if (Array.isArray(value)) return value.map((v) => encodeReply(v, base64));
  if (value instanceof Error) throw value;
  const buf = Buffer.isBuffer(value) ? value : Buffer.from(String(value));
  if (buf.length === 2 && buf.toString() === "OK") return "OK";
  return base64 ? buf.toString("base64") : buf.toString("utf8");
}

const isCommand = (c: unknown): c is (string | number)[] =>
  Array.isArray(c) && c.length > 0 && c.every((a) => typeof a === "string" || typeof a === "number");

/** What Upstash answers to a request or reply over its max request size. */
export const TOO_LARGE = "ERR max request size exceeded";

/**
 * The request body as text, or null once it is over `max` bytes (the rest is read and dropped); plain events,
 * cheaper per request than an async iterator.
 */
function readBody(req: http.IncomingMessage, max = Infinity): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= max) chunks.push(c);
      else chunks.length = 0;
    });
    req.on("end", () => {
      if (size > max) return resolve(null);
      resolve(chunks.length === 1 ? chunks[0].toString("utf8") : Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", reject);
  });
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Shebang flags Upstash accepts and redis-server 7 refuses ("Unexpected flag in script shebang"). */
const UPSTASH_ONLY_FLAGS = new Set(["allow-key-locking"]);

/** The script with Upstash-only flags dropped from its `#!lua flags=...` line; the same string if none. */
export function localScript(script: string): string {
  const m = /^#!lua([^\n]*)/.exec(script);
  if (!m) return script;
  const line = m[1].replace(/\bflags=([^\s]*)/, (_all, list: string) => {
    const kept = list.split(",").filter((f) => f && !UPSTASH_ONLY_FLAGS.has(f));
    return kept.length ? `flags=${kept.join(",")}` : "";
  });
  return `#!lua${line.trimEnd()}${script.slice(m[0].length)}`;
}

const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");

/**
 * Rewrites EVAL / EVALSHA so scripts written for Upstash (e.g. @upstash/ratelimit's) run on redis-server:
 * EVAL runs the cleaned script and remembers its hash under the hash the client computed, so the client's
 * next EVALSHA finds it, as it would on Upstash.
 */
function scriptTranslator() {
  const hashes = new Map<string, string>();
  return (cmd: (string | number)[]): (string | number)[] => {
    const name = String(cmd[0]).toUpperCase();
    if ((name === "EVAL" || name === "EVAL_RO") && typeof cmd[1] === "string") {
      const local = localScript(cmd[1]);
      if (local === cmd[1]) return cmd;
      hashes.set(sha1(cmd[1]), sha1(local));
      return [cmd[0], local, ...cmd.slice(2)];
    }
    if ((name === "EVALSHA" || name === "EVALSHA_RO") && hashes.has(String(cmd[1]).toLowerCase())) {
      return [cmd[0], hashes.get(String(cmd[1]).toLowerCase())!, ...cmd.slice(2)];
    }
    return cmd;
  };
}

export interface BridgeOptions {
  redisUrl: string;
  token: string;
  port?: number;
  /** Refuse request bodies over this many bytes, as Upstash does (off when not given). */
  maxRequestBytes?: number;
  /** Refuse replies over this many bytes, as Upstash does (off when not given). */
  maxReplyBytes?: number;
}

export async function startUpstashBridge(opts: BridgeOptions): Promise<UpstashBridge> {
  // RESP2 on purpose: RESP3 changes the shape of stream replies. No offline queue: a stopped
  // redis-server must fail requests at once, as Upstash being unreachable would.
  // Not ioredis' enableAutoPipelining: it drops the command name of callBuffer() (ioredis 5.9 re-adds it for
  // call() only), so every command would arrive as "unknown command". /pipeline uses an explicit pipeline.
  const redis = new Redis(opts.redisUrl, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => 100,
  });
  redis.on("error", () => {}); // reconnects by itself; each failed request reports its own error
  await redis.connect().catch(() => {});

  // Right after redis-server comes back the client may still be between reconnect attempts: give it a
  // moment instead of failing a request that would succeed 100 ms later.
  const ready = (ms = 500) =>
    redis.status === "ready"
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const t = setTimeout(done, ms);
          function done() { clearTimeout(t); redis.off("ready", done); resolve(); }
          redis.once("ready", done);
        });

  const translate = scriptTranslator();
  const run = (cmd: (string | number)[]) => {
    const [name, ...args] = translate(cmd);
    return redis.callBuffer(String(name), ...args.map(String)) as Promise<Reply>;
  };

  const server = http.createServer(async (req, res) => {
    // Requests the bridge accepted are counted (upstash-meter.ts: what the benchmarks bill); refusals are not.
    let metered = false;
    const send = (status: number, body: unknown) => {
      let text = JSON.stringify(body);
      if (status === 200 && opts.maxReplyBytes !== undefined && Buffer.byteLength(text) > opts.maxReplyBytes) {
        status = 400;
        text = JSON.stringify({ error: TOO_LARGE });
      }
      if (metered) meterReply(Buffer.byteLength(text));
      res.writeHead(status, { "content-type": "application/json" });
      res.end(text);
    };
    if (req.headers.origin !== undefined) return send(403, { error: "browser requests are refused" });
    if (req.headers.authorization !== `Bearer ${opts.token}`) return send(401, { error: "Unauthorized" });
    if (req.method !== "POST") return send(405, { error: "only POST is supported" });
    let body: unknown;
    let text: string | null;
    try {
      text = await readBody(req, opts.maxRequestBytes);
      if (text === null) return send(400, { error: TOO_LARGE });
      body = JSON.parse(text);
    } catch {
      return send(400, { error: "ERR invalid JSON body" });
    }
    const b64 = String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
    const path = (req.url ?? "/").split("?")[0];
    metered = true;
    meterRequest(path === "" ? "/" : path, body, Buffer.byteLength(text));
    if (redis.status !== "ready") await ready();
    try {
      if (path === "/" || path === "") {
        if (!isCommand(body)) return send(400, { error: "ERR body must be a command array" });
        try {
          return send(200, { result: encodeReply(await run(body), b64) });
        } catch (e) {
          return send(400, { error: errorText(e) });
        }
      }
      if (path === "/pipeline") {
        if (!Array.isArray(body) || !body.every(isCommand)) return send(400, { error: "ERR body must be an array of commands" });
        // One ioredis pipeline: the commands go to redis-server in one write (the bridge shares 2 cores with
        // the Worker and the load generator in the benchmarks, so its CPU per click matters); replies and
        // errors still come back per command.
        const p = redis.pipeline();
        for (const [name, ...args] of body.map(translate)) p.callBuffer(String(name), ...args.map(String));
        let out: [Error | null, unknown][];
        try {
          out = (await p.exec()) ?? [];
        } catch (e) {
          out = body.map(() => [e instanceof Error ? e : new Error(String(e)), null]);
        }
        return send(200, out.map(([err, v]) => err ? { error: errorText(err) } : { result: encodeReply(v as Reply, b64) }));
      }
      if (path === "/multi-exec") {
        if (!Array.isArray(body) || !body.every(isCommand)) return send(400, { error: "ERR body must be an array of commands" });
        const multi = redis.multi();
        for (const [name, ...args] of body.map(translate)) multi.callBuffer(String(name), ...args.map(String));
        const out = (await multi.exec()) ?? [];
        return send(200, out.map(([err, v]) => err ? { error: errorText(err) } : { result: encodeReply(v as Reply, b64) }));
      }
      return send(404, { error: `unknown path ${path}` });
    } catch (e) {
      // Redis unreachable: Upstash answers with an error too, the client throws it.
      return send(500, { error: errorText(e) });
    }
  });
  server.keepAliveTimeout = 60_000;
  const port = opts.port ?? (await freePort());
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${port}`,
    token: opts.token,
    port,
    connected: ready,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      redis.disconnect();
    },
  };
}

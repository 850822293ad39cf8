/**
 * A stand-in for Google Safe Browsing's Lookup API v4 (`POST /v4/threatMatches:find?key=...`), for the tests:
 * the request and answer formats of the real API (docs/abuse.md), on 127.0.0.1. It flags nothing until a test
 * says so, per URL, through its control path, so the link writes of every other test pass through it
 * unharmed and at once; a URL can also make any lookup carrying it fail (500) or hang, for the tests of what
 * a write does when the checker is down. It counts the lookups each URL was in.
 *
 * The control path holds a random token and refuses requests that carry an Origin (a web page): only this
 * run's processes, which are told the token, can steer it.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import { freePort } from "./ports.ts";

export const STANDIN_THREAT_TYPES = ["MALWARE", "SOCIAL_ENGINEERING", "UNWANTED_SOFTWARE", "POTENTIALLY_HARMFUL_APPLICATION"] as const;
type Behaviour = (typeof STANDIN_THREAT_TYPES)[number] | "fail" | "hang";

export interface SafeBrowsingStandIn {
  /** The API's origin: SAFE_BROWSING_URL. */
  url: string;
  /** Where tests steer it: POST {control}/flags {"url","behaviour"}; GET {control}/lookups?url=. */
  controlUrl: string;
  /** The API key it accepts. */
  apiKey: string;
  stop(): Promise<void>;
}

/** The URL as flags are kept: WHATWG-normalised, without its fragment. */
function canonical(url: string): string | null {
  try {
    const u = new URL(url);
    u.hash = "";
    return u.href;
  } catch {
    return null;
  }
}

const MAX_URLS = 500;
const MAX_BODY = 4 * 1024 * 1024;

function readBody(req: http.IncomingMessage): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve(null);
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", () => resolve(null));
  });
}

const send = (res: http.ServerResponse, status: number, body?: unknown) => {
  res.writeHead(status, body === undefined ? {} : { "content-type": "application/json; charset=UTF-8" });
  res.end(body === undefined ? undefined : JSON.stringify(body));
};
/** Google's error body: {"error":{"code","message","status"}}. */
const googleError = (res: http.ServerResponse, code: number, status: string, message: string) => send(res, code, { error: { code, message, status } });

export async function startSafeBrowsingStandIn(port?: number): Promise<SafeBrowsingStandIn> {
  const apiKey = `standin-${randomBytes(8).toString("hex")}`;
  const token = randomBytes(16).toString("hex");
  const flags = new Map<string, Behaviour>();
  const lookups = new Map<string, number>();
  const hanging = new Set<http.ServerResponse>();

  async function find(req: http.IncomingMessage, res: http.ServerResponse, query: URLSearchParams) {
    if (query.get("key") !== apiKey) return googleError(res, 400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.");
    const text = await readBody(req);
    let body: { client?: unknown; threatInfo?: { threatTypes?: unknown; platformTypes?: unknown; threatEntryTypes?: unknown; threatEntries?: unknown } };
    try {
      body = JSON.parse(text ?? "");
    } catch {
      return googleError(res, 400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
    }
    const info = body?.threatInfo;
    const entries = info?.threatEntries;
    const types = info?.threatTypes;
    if (!body?.client || !Array.isArray(types) || !Array.isArray(info?.platformTypes) || !Array.isArray(info?.threatEntryTypes) || !Array.isArray(entries)) {
      return googleError(res, 400, "INVALID_ARGUMENT", "client and threatInfo (threatTypes, platformTypes, threatEntryTypes, threatEntries) are required.");
    }
    if (entries.length > MAX_URLS) return googleError(res, 400, "INVALID_ARGUMENT", `At most ${MAX_URLS} threat entries per request.`);
    const urls = entries.map((e: { url?: unknown }) => (typeof e?.url === "string" ? e.url : ""));
    const behaviours = urls.map((u) => {
      const c = canonical(u);
      if (c !== null) lookups.set(c, (lookups.get(c) ?? 0) + 1);
      return c === null ? undefined : flags.get(c);
    });
    if (behaviours.includes("hang")) {
      // Never answered: the client's timeout ends it (or stop()).
      hanging.add(res);
      res.on("close", () => hanging.delete(res));
      return;
    }
    if (behaviours.includes("fail")) return googleError(res, 500, "INTERNAL", "Internal error encountered.");
    const matches = urls.flatMap((url, i) => {
      const b = behaviours[i];
      return b && b !== "fail" && b !== "hang" && types.includes(b)
        ? [{ threatType: b, platformType: "ANY_PLATFORM", threatEntryType: "URL", threat: { url }, cacheDuration: "300s" }]
        : [];
    });
    // No match at all is an empty object, as the real API answers.
    send(res, 200, matches.length ? { matches } : {});
  }

  async function steer(req: http.IncomingMessage, res: http.ServerResponse, path: string, query: URLSearchParams) {
    if (req.method === "POST" && path === "/flags") {
      let body: { url?: unknown; behaviour?: unknown };
      try {
        body = JSON.parse((await readBody(req)) ?? "");
      } catch {
        return send(res, 400, { error: "JSON body expected" });
      }
      const url = typeof body.url === "string" ? canonical(body.url) : null;
      const behaviour = body.behaviour as Behaviour;
      if (url === null || ![...STANDIN_THREAT_TYPES, "fail", "hang"].includes(behaviour)) return send(res, 400, { error: "url and behaviour expected" });
      flags.set(url, behaviour);
      return send(res, 204);
    }
    if (req.method === "GET" && path === "/lookups") {
      const url = canonical(query.get("url") ?? "");
      return send(res, 200, { lookups: url === null ? 0 : (lookups.get(url) ?? 0) });
    }
    send(res, 404, { error: "no such control" });
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const controlPrefix = `/__control/${token}`;
    if (url.pathname.startsWith(controlPrefix)) {
      if (req.headers.origin !== undefined) return send(res, 403, { error: "not from a web page" });
      void steer(req, res, url.pathname.slice(controlPrefix.length), url.searchParams);
      return;
    }
    if (req.method === "POST" && url.pathname === "/v4/threatMatches:find") {
      void find(req, res, url.searchParams);
      return;
    }
    googleError(res, 404, "NOT_FOUND", "Not found.");
  });
  const listenPort = port ?? (await freePort());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listenPort, "127.0.0.1", () => resolve());
  });
  const origin = `http://127.0.0.1:${listenPort}`;
  return {
    url: origin,
    controlUrl: `${origin}/__control/${token}`,
    apiKey,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const r of hanging) r.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The Worker settings that point it at the stand-in (tests only: `npm run dev` leaves the key unset). */
export const safeBrowsingBindings = (s: SafeBrowsingStandIn) => ({
  SAFE_BROWSING_API_KEY: s.apiKey,
  SAFE_BROWSING_URL: s.url,
  // Test-only: where tests tell it what to flag (test/helpers/blocklist.ts).
  SAFE_BROWSING_CONTROL_URL: s.controlUrl,
});

/**
 * The Worker that bench/cpu.ts runs in workerd to time CPU work (locally, workerd's timers advance during
 * synchronous work; deployed, they only advance after I/O, so a Worker cannot time itself there).
 *
 *   POST /chunk   body: a JSON array of Upstash XREADGROUP replies, as text. Times one ingest chunk's JavaScript
 *                 work per reply: the reply parsed, its entries parsed and enriched, the rollups aggregated and
 *                 the statement built and rendered to its text and parameters (functions/ingest/batch.ts,
 *                 commit.ts), and those encoded as the driver sends them.
 *   POST /pbkdf2?iterations=N&times=R   times R password hashes at N iterations (functions/shared/password.ts).
 *   POST /redis?times=R   times R requests of the ingest's Redis client (@upstash/redis as stream.ts makes it)
 *                 whose fetch answers at once with a small reply: the client's own work for one request.
 *   POST /qr?format=F&size=S&times=R   body: a logo's data: URL, or nothing. Times R QR codes of a typical
 *                 short URL drawn by functions/qr/render.ts (with the logo when one is sent).
 *
 * Answers the milliseconds per chunk or hash, as text. workerd's clock has a resolution of 1 ms, hence the
 * repetitions in one request.
 */
import { Batcher, parseEntries } from "../functions/ingest/batch.ts";
import { renderQr } from "../functions/qr/render.ts";
import { hashPassword } from "../functions/shared/password.ts";
import { Redis } from "@upstash/redis/cloudflare";

function chunk(reply: string): void {
  const parsed = JSON.parse(reply) as { result: [string, [string, string[]][]][] };
  const entries = parsed.result[0][1].map(([id, f]) => ({ id, e: f[1] }));
  const batch = new Batcher(entries.length, 6_000_000);
  batch.add(parseEntries(entries));
  const { query } = batch.build().sql;
  new TextEncoder().encode(query.sql + JSON.stringify(query.params));
}

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const body = await request.text();
    const t0 = performance.now();
    let times = 1;
    if (url.pathname === "/chunk") {
      const replies = JSON.parse(body) as string[];
      const t1 = performance.now(); // the array's own parse is not part of a chunk
      for (const r of replies) chunk(r);
      return new Response(String((performance.now() - t1) / replies.length));
    } else if (url.pathname === "/redis") {
      times = Number(url.searchParams.get("times") ?? 1);
      const redis = new Redis({
        url: "http://redis.invalid", token: "t", retry: false, enableTelemetry: false, automaticDeserialization: false,
        responseEncoding: false,
      });
      const real = globalThis.fetch;
      globalThis.fetch = async () => new Response('{"result":[["1-0","ingest",5,1],["1-1","ingest",5,1]]}');
      try {
        const t1 = performance.now();
        for (let i = 0; i < times; i++) await redis.exec(["XPENDING", "clicks:stream", "ingest", "IDLE", 0, "-", "+", 100]);
        return new Response(String((performance.now() - t1) / times));
      } finally {
        globalThis.fetch = real;
      }
    } else if (url.pathname === "/qr") {
      times = Number(url.searchParams.get("times") ?? 1);
      const format = url.searchParams.get("format") === "svg" ? "svg" : "png";
      const options = { format, size: Number(url.searchParams.get("size")), margin: 4, fg: "#1a237e", bg: "#ffffff", ecc: "M", logo: body !== "" } as const;
      for (let i = 0; i < times; i++) renderQr("https://go.example.com/launch-2026", options, body || null, "paid");
    } else if (url.pathname === "/pbkdf2") {
      times = Number(url.searchParams.get("times") ?? 1);
      for (let i = 0; i < times; i++) await hashPassword("correct horse battery staple", Number(url.searchParams.get("iterations")));
    } else {
      return new Response("not found", { status: 404 });
    }
    return new Response(String((performance.now() - t0) / times));
  },
};

/**
 * The floor for a redirect that records its click with group commit: the bare Worker's fixed 302 plus the
 * clicks of concurrent requests gathered in a module-level buffer and sent as ONE raw pipeline (one XADD of
 * the batch, one INCRBY) from the waitUntil of the request that opened the batch, after a 5 ms linger; the
 * others return at once. The same scheme as functions/redirect/click-batch.ts without anything else of ours
 * (no library, lookup or hashing): beside bench/bare-click it shows what batching buys on this runtime.
 * Only plain data crosses requests (the payload strings); each fetch is made and awaited by one request.
 * It writes to its own stream, which nothing ingests.
 */
import { Hono } from "hono";

type Env = { Bindings: { UPSTASH_REDIS_REST_URL: string; UPSTASH_REDIS_REST_TOKEN: string } };

const LINGER_MS = 5;
const MAX_CLICKS = 200;

// A ClickEvent-sized payload (about 400 bytes of JSON), as in bench/bare-click.
const EVENT = JSON.stringify({
  id: "00000000-0000-4000-8000-000000000000", linkId: "bench1", slug: "b1", ts: 0, kind: "human", reason: null,
  visitor: "0".repeat(64), ua: "wrk", referrer: null, country: null, region: null, city: null, query: null,
  dest: "https://example.com/page/1",
});

let open: string[] | null = null;

async function send(url: string, token: string, clicks: string[]) {
  const res = await fetch(`${url}/pipeline`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "upstash-encoding": "base64" },
    body: JSON.stringify([
      ["XADD", "bench:floor:stream", "*", "e", `{"v":2,"clicks":[${clicks.join(",")}]}`],
      ["INCRBY", "bench:floor:clicks", clicks.length],
    ]),
  });
  await res.arrayBuffer();
}

const app = new Hono<Env>();
app.get("*", (c) => {
  const { UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: token } = c.env;
  if (open && open.length < MAX_CLICKS) {
    open.push(EVENT); // joins the open batch: nothing to wait for
  } else {
    const batch = (open = [EVENT]);
    c.executionCtx.waitUntil(
      (async () => {
        await new Promise((r) => setTimeout(r, LINGER_MS));
        if (open === batch) open = null;
        await send(url, token, batch);
      })(),
    );
  }
  return c.redirect("https://example.com/", 302);
});

export default app;

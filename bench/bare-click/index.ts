/**
 * The floor for a redirect that records its click: the bare Worker's fixed 302 plus, after the response, one
 * raw fetch that sends the same Redis pipeline our redirect sends per click (XADD of a click-sized event and
 * an INCR) to the same Upstash bridge. No library, no lookup, no hashing: whatever our hot link costs beyond
 * this is ours; this much is the price of one HTTP round trip per click on this runtime and machine.
 * It writes to its own stream, which nothing ingests.
 */
import { Hono } from "hono";

type Env = { Bindings: { UPSTASH_REDIS_REST_URL: string; UPSTASH_REDIS_REST_TOKEN: string } };

// A ClickEvent-sized payload (about 400 bytes of JSON), so the request body is as large as ours.
const EVENT = JSON.stringify({
  id: "00000000-0000-4000-8000-000000000000", linkId: "bench1", slug: "b1", ts: 0, kind: "human", reason: null,
  visitor: "0".repeat(64), ua: "wrk", referrer: null, country: null, region: null, city: null, query: null,
  dest: "https://example.com/page/1",
});

const app = new Hono<Env>();
app.get("*", (c) => {
  const { UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: token } = c.env;
  c.executionCtx.waitUntil(
    fetch(`${url}/pipeline`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "upstash-encoding": "base64" },
      body: JSON.stringify([["XADD", "bench:floor:stream", "*", "e", EVENT], ["INCR", "bench:floor:clicks"]]),
    }).then((r) => r.arrayBuffer()),
  );
  return c.redirect("https://example.com/", 302);
});

export default app;

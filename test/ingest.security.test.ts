/**
 * Who may run, inspect and replay the pipeline: admin keys, and QStash with a valid signature. Every refusal
 * is a 401/403 problem+json, and a refused call ingests nothing.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { apiKeys } from "../db/schema.ts";
import { sha256Hex } from "../functions/shared/crypto.ts";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { makeClick, uid, xadd } from "./helpers/clicks.ts";
import { flush, ingestClients } from "./helpers/ingest.ts";
import { QSTASH_KEYS, signQStash } from "./helpers/qstash.ts";
import { call } from "./helpers/worker.ts";

const FLUSH_URL = "http://sho.rt/api/v1/ingest/flush";
let s: ReturnType<typeof ingestClients>;
beforeEach(() => { s = ingestClients(); });
afterEach(() => s.close());

let readerKey: string;
beforeAll(async () => {
  const t = ingestClients();
  readerKey = uid("emu_");
  await t.db.insert(apiKeys).values({ id: uid("key_"), name: "reader", prefix: readerKey.slice(0, 8), hash: await sha256Hex(readerKey), scopes: ["links:read", "analytics:read"] });
  await t.close();
  expect((await flush()).status).toBe(200);
});

async function expectProblem(res: Response, status: number, detail?: RegExp) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const body = (await res.json()) as { status: number; detail: string };
  expect(body.status).toBe(status);
  if (detail) expect(body.detail).toMatch(detail);
}

const streamLength = async () => Number(await s.redis.exec(["XLEN", redisKeys.clickStream]));

describe("admin routes refuse callers without the admin scope", () => {
  const routes = [
    ["POST", "/api/v1/ingest/flush"],
    ["GET", "/api/v1/ingest/status"],
    ["POST", "/api/v1/ingest/dead-letters/replay"],
  ] as const;
  for (const [method, path] of routes) {
    it(`${method} ${path}: 401 without a key or with an unknown one, 403 with a non-admin key`, async () => {
      await xadd(s.redis, [makeClick()]);
      const before = await streamLength();
      await expectProblem(await call(method, path, { key: null }), 401);
      await expectProblem(await call(method, path, { key: "nope-nope-nope" }), 401);
      await expectProblem(await call(method, path, { key: readerKey }), 403, /admin/);
      expect(await streamLength()).toBe(before);
    });
  }

  it("replay refuses a bad limit with 400 problem", async () => {
    const res = await call("POST", "/api/v1/ingest/dead-letters/replay?limit=0");
    await expectProblem(res, 400);
  });
});

describe("POST /api/v1/ingest/flush signed by QStash", () => {
  const signedFlush = async (signature: string | null, body = "", url = FLUSH_URL, settings: Record<string, string> = QSTASH_KEYS) =>
    call("POST", url, { key: null, raw: body, headers: signature === null ? {} : { "upstash-signature": signature }, settings });

  it("runs the ingest with a signature from the current signing key", async () => {
    await flush();
    await xadd(s.redis, [makeClick()]);
    const res = await signedFlush(await signQStash({ key: QSTASH_KEYS.QSTASH_CURRENT_SIGNING_KEY, url: FLUSH_URL, body: "{}" }), "{}");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ingested: 1, pending: 0 });
    const status = (await (await call("GET", "/api/v1/ingest/status")).json()) as any;
    expect(status.lastRun.trigger).toBe("qstash");
  });

  it("accepts the next signing key during a key rotation", async () => {
    const res = await signedFlush(await signQStash({ key: QSTASH_KEYS.QSTASH_NEXT_SIGNING_KEY, url: FLUSH_URL }));
    expect(res.status).toBe(200);
  });

  it("refuses forged, tampered, expired, early, wrong-URL, wrong-issuer and malformed signatures", async () => {
    await xadd(s.redis, [makeClick()]);
    const before = await streamLength();
    const key = QSTASH_KEYS.QSTASH_CURRENT_SIGNING_KEY;
    const cases: [string, Response][] = [
      ["forged", await signedFlush(await signQStash({ key: "sig_someone_else_0123456789", url: FLUSH_URL }))],
      ["tampered body", await signedFlush(await signQStash({ key, url: FLUSH_URL, body: "{}" }), '{"more":1}')],
      ["expired", await signedFlush(await signQStash({ key, url: FLUSH_URL, expiresIn: -60 }))],
      ["not yet valid", await signedFlush(await signQStash({ key, url: FLUSH_URL, notBeforeIn: 600 }))],
      ["wrong URL", await signedFlush(await signQStash({ key, url: "https://elsewhere.example/api/v1/ingest/flush" }))],
      ["wrong issuer", await signedFlush(await signQStash({ key, url: FLUSH_URL, iss: "NotUpstash" }))],
      ["malformed", await signedFlush("not-a-jwt")],
      ["empty", await signedFlush("")],
    ];
    for (const [what, res] of cases) {
      expect(res.status, what).toBe(401);
      await expectProblem(res, 401, /Upstash-Signature is not valid/);
    }
    expect(await streamLength()).toBe(before);
  });

  it("judges a signed request by its signature alone, even next to an admin key", async () => {
    const res = await call("POST", FLUSH_URL, {
      headers: { "upstash-signature": await signQStash({ key: "sig_forged_0123456789abcdef", url: FLUSH_URL }) }, settings: QSTASH_KEYS,
    });
    await expectProblem(res, 401);
  });

  it("refuses every signature while the signing keys are not configured", async () => {
    const res = await signedFlush(await signQStash({ key: QSTASH_KEYS.QSTASH_CURRENT_SIGNING_KEY, url: FLUSH_URL }), "", FLUSH_URL, {});
    await expectProblem(res, 401, /QSTASH_CURRENT_SIGNING_KEY/);
  });
});

describe("POST /api/v1/ingest/flush with a large body", () => {
  const MB = 1024 * 1024;
  /** 90 MB, produced only as it is read; `pulled` says how much was. */
  function body90MB() {
    const source = { pulled: 0 };
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (source.pulled >= 90 * MB) return c.close();
        source.pulled += 64 * 1024;
        c.enqueue(new Uint8Array(64 * 1024));
      },
    });
    return { stream, source };
  }

  it("answers 413 problem+json before reading it whole, signed, with the admin key or neither, and runs nothing", async () => {
    await xadd(s.redis, [makeClick()]);
    const before = await streamLength();
    const lastRun = await s.redis.exec(["HGET", redisKeys.ingestLastRun, "at"]);
    const signature = await signQStash({ key: QSTASH_KEYS.QSTASH_CURRENT_SIGNING_KEY, url: FLUSH_URL });

    const streamed = body90MB();
    const signed = await call("POST", FLUSH_URL, { key: null, raw: streamed.stream, headers: { "upstash-signature": signature }, settings: QSTASH_KEYS });
    await expectProblem(signed, 413, /larger than 8192 bytes/);
    expect(streamed.source.pulled).toBeLessThan(MB); // refused after the first KiBs, not after 90 MB

    const declared = body90MB();
    const headers = { "content-length": String(90 * MB) };
    await expectProblem(await call("POST", FLUSH_URL, { raw: declared.stream, headers }), 413, /larger than 8192 bytes/);
    await expectProblem(await call("POST", FLUSH_URL, { key: null, raw: body90MB().stream, headers }), 413);
    expect(declared.source.pulled).toBeLessThan(MB);

    expect(await streamLength()).toBe(before);
    expect(await s.redis.exec(["HGET", redisKeys.ingestLastRun, "at"])).toEqual(lastRun);
  });

  it("still accepts a small signed body", async () => {
    const body = JSON.stringify({ note: "x".repeat(4000) });
    const res = await call("POST", FLUSH_URL, {
      key: null, raw: body, settings: QSTASH_KEYS,
      headers: { "upstash-signature": await signQStash({ key: QSTASH_KEYS.QSTASH_CURRENT_SIGNING_KEY, url: FLUSH_URL, body }) },
    });
    expect(res.status).toBe(200);
  });
});

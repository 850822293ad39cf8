/**
 * Who may run, inspect and replay the pipeline: admin keys, and QStash with a valid signature. Every refusal
 * is a 401/403 problem+json, and a refused call ingests nothing.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { apiKeys } from "../db/schema.ts";
import { sha256Hex } from "../functions/shared/crypto.ts";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { makeClick, uid, xadd } from "./helpers/clicks.ts";
import { services } from "./helpers/env.ts";
import { QSTASH_KEYS, signQStash } from "./helpers/qstash.ts";
import { admin, callWorker, flush } from "./helpers/worker.ts";

const FLUSH_URL = "http://sho.rt/api/v1/ingest/flush";
let s: ReturnType<typeof services>;
beforeEach(() => { s = services(); });
afterEach(() => s.close());

let readerKey: string;
beforeAll(async () => {
  const t = services();
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
      await expectProblem(await callWorker(new Request(`http://sho.rt${path}`, { method })), 401);
      await expectProblem(await callWorker(new Request(`http://sho.rt${path}`, { method, headers: { authorization: "Bearer nope-nope-nope" } })), 401);
      await expectProblem(await callWorker(new Request(`http://sho.rt${path}`, { method, headers: { authorization: `Bearer ${readerKey}` } })), 403, /admin/);
      expect(await streamLength()).toBe(before);
    });
  }

  it("replay refuses a bad limit with 400 problem", async () => {
    const res = await callWorker(new Request("http://sho.rt/api/v1/ingest/dead-letters/replay?limit=0", { method: "POST", headers: admin }));
    await expectProblem(res, 400);
  });
});

describe("POST /api/v1/ingest/flush signed by QStash", () => {
  const call = async (signature: string | null, body = "", url = FLUSH_URL, env: Record<string, string> = QSTASH_KEYS) =>
    callWorker(new Request(url, { method: "POST", body, headers: signature === null ? {} : { "upstash-signature": signature } }), env);

  it("runs the ingest with a signature from the current signing key", async () => {
    await flush();
    await xadd(s.redis, [makeClick()]);
    const res = await call(await signQStash({ key: QSTASH_KEYS.QSTASH_CURRENT_SIGNING_KEY, url: FLUSH_URL, body: "{}" }), "{}");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ingested: 1, pending: 0 });
    const status = (await (await callWorker(new Request("http://sho.rt/api/v1/ingest/status", { headers: admin }))).json()) as any;
    expect(status.lastRun.trigger).toBe("qstash");
  });

  it("accepts the next signing key during a key rotation", async () => {
    const res = await call(await signQStash({ key: QSTASH_KEYS.QSTASH_NEXT_SIGNING_KEY, url: FLUSH_URL }));
    expect(res.status).toBe(200);
  });

  it("refuses forged, tampered, expired, early, wrong-URL, wrong-issuer and malformed signatures", async () => {
    await xadd(s.redis, [makeClick()]);
    const before = await streamLength();
    const key = QSTASH_KEYS.QSTASH_CURRENT_SIGNING_KEY;
    const cases: [string, Response][] = [
      ["forged", await call(await signQStash({ key: "sig_someone_else_0123456789", url: FLUSH_URL }))],
      ["tampered body", await call(await signQStash({ key, url: FLUSH_URL, body: "{}" }), '{"more":1}')],
      ["expired", await call(await signQStash({ key, url: FLUSH_URL, expiresIn: -60 }))],
      ["not yet valid", await call(await signQStash({ key, url: FLUSH_URL, notBeforeIn: 600 }))],
      ["wrong URL", await call(await signQStash({ key, url: "https://elsewhere.example/api/v1/ingest/flush" }))],
      ["wrong issuer", await call(await signQStash({ key, url: FLUSH_URL, iss: "NotUpstash" }))],
      ["malformed", await call("not-a-jwt")],
      ["empty", await call("")],
    ];
    for (const [what, res] of cases) {
      expect(res.status, what).toBe(401);
      await expectProblem(res, 401, /Upstash-Signature is not valid/);
    }
    expect(await streamLength()).toBe(before);
  });

  it("judges a signed request by its signature alone, even next to an admin key", async () => {
    const res = await callWorker(new Request(FLUSH_URL, {
      method: "POST", headers: { ...admin, "upstash-signature": await signQStash({ key: "sig_forged_0123456789abcdef", url: FLUSH_URL }) },
    }), QSTASH_KEYS);
    await expectProblem(res, 401);
  });

  it("refuses every signature while the signing keys are not configured", async () => {
    const res = await call(await signQStash({ key: QSTASH_KEYS.QSTASH_CURRENT_SIGNING_KEY, url: FLUSH_URL }), "", FLUSH_URL, {});
    await expectProblem(res, 401, /QSTASH_CURRENT_SIGNING_KEY/);
  });
});

/** Refusals of the webhook routes: problem+json 4xx naming the field, never a 5xx, nothing stored. */
import { afterAll, describe, expect, it } from "vitest";
import { createTestWebhook, removeTestWebhooks, sendTestPing, SINK } from "./helpers/webhooks.ts";
import { call } from "./helpers/worker.ts";

afterAll(removeTestWebhooks);

async function problem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  return (await res.json()) as { status: number; errors?: { path: string; message: string }[] };
}

describe("POST /api/v1/webhooks", () => {
  it.each([
    ["https://example.com/hook", /127\.0\.0\.1 or localhost/],
    ["http://127.0.0.2:9/", /127\.0\.0\.1 or localhost/],
    ["ftp://127.0.0.1/", /127\.0\.0\.1 or localhost/],
    ["http://user:pw@127.0.0.1:9/", /credentials/],
    ["not a url", /not a URL/],
  ])("refuses %s with 422 (the suite admits loopback receivers only)", async (url, message) => {
    const p = await problem(await call("POST", "/api/v1/webhooks", { body: { url, events: ["clicks"] } }), 422);
    expect(p.errors?.[0]).toMatchObject({ path: "url", message: expect.stringMatching(message) });
  });

  // The production rule (functions/shared/public-host.ts): hosts that slipped past it before, on create and on change.
  const production = { WEBHOOK_ALLOW_LOOPBACK: "false" };
  it.each([
    "https://localhost.:9471/", "https://foo.localhost./", "https://metadata.google.internal./", "https://db.internal./", "https://intranet./",
    "https://printer.local./", "https://[::ffff:0:127.0.0.1]/", "https://[2002:7f00:1::]/", "https://[fec0::1]/", "https://2130706433/", "https://0x7f.0.0.1/",
  ])("refuses %s with 422 under the production rule, on create and on change", async (url) => {
    const created = await problem(await call("POST", "/api/v1/webhooks", { body: { url, events: ["clicks"] }, settings: production }), 422);
    expect(created.errors?.[0]).toMatchObject({ path: "url", message: expect.stringMatching(/public host/) });
    const { id } = await createTestWebhook();
    const changed = await problem(await call("PATCH", `/api/v1/webhooks/${id}`, { body: { url }, settings: production }), 422);
    expect(changed.errors?.[0].path).toBe("url");
    expect(((await (await call("GET", `/api/v1/webhooks/${id}`)).json()) as { url: string }).url).toBe(`${SINK}hook`);
  });

  it.each([
    [{ url: "http://127.0.0.1:9/", events: [] }, "events"],
    [{ url: "http://127.0.0.1:9/", events: ["link.exploded"] }, "events.0"],
    [{ url: "http://127.0.0.1:9/", events: ["clicks"], linkIds: [] }, "linkIds"],
    [{ url: "http://127.0.0.1:9/", events: ["clicks"], secret: "whsec_mine" }, "secret"],
    [{ events: ["clicks"] }, "url"],
  ])("refuses %j with 400", async (body, path) => {
    const p = await problem(await call("POST", "/api/v1/webhooks", { body }), 400);
    expect(p.errors?.map((e) => e.path)).toContain(path);
  });
});

describe("the other routes", () => {
  it("answer 404 for an unknown webhook and 400 for an id that is not one", async () => {
    const unknown = crypto.randomUUID();
    for (const [m, p] of [["GET", ""], ["PATCH", ""], ["DELETE", ""], ["POST", "/test"], ["POST", "/rotate-secret"], ["GET", "/deliveries"]]) {
      await problem(await call(m, `/api/v1/webhooks/${unknown}${p}`, m === "PATCH" ? { body: { enabled: true } } : {}), 404);
      await problem(await call(m, `/api/v1/webhooks/nope${p}`, m === "PATCH" ? { body: { enabled: true } } : {}), 400);
    }
    await problem(await call("POST", `/api/v1/webhooks/${unknown}/deliveries/msg_${"A".repeat(24)}/retry`), 404);
  });

  it("refuses a test send and a retry on a disabled webhook (409), and a bad cursor (400)", async () => {
    const { id } = await createTestWebhook();
    const deliveryId = await sendTestPing(id);
    expect((await call("PATCH", `/api/v1/webhooks/${id}`, { body: { enabled: false } })).status).toBe(200);
    await problem(await call("POST", `/api/v1/webhooks/${id}/test`), 409);
    await problem(await call("POST", `/api/v1/webhooks/${id}/deliveries/${deliveryId}/retry`), 409);
    const p = await problem(await call("GET", `/api/v1/webhooks/${id}/deliveries?cursor=abc.def`), 400);
    expect(p.errors?.[0].path).toBe("cursor");
  });

  it("refuses a QStash callback without a valid signature (401)", async () => {
    const url = `/api/v1/webhooks/qstash-callback?delivery=msg_${"A".repeat(24)}&outcome=failure`;
    await problem(await call("POST", url, { key: null, body: { status: 500 } }), 401);
    await problem(await call("POST", url, { key: null, body: { status: 500 }, headers: { "upstash-signature": "x.y.z" } }), 401);
  });
});

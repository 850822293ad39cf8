/**
 * Webhook endpoints for workerd tests: pointed at a loopback port nothing listens on (the discard port), so
 * an attempt fails at once and nothing leaves the machine (the suite admits loopback receivers only,
 * WEBHOOK_ALLOW_LOOPBACK=only). `removeTestWebhooks` removes every endpoint (the test files run one after
 * another, and each cleans up): one left behind would be sent the events of later files.
 */
import { deleteEndpointsByUrlPrefix } from "../../db/queries/webhook-endpoints.ts";
import { withDb } from "./db.ts";
import { call } from "./worker.ts";

export const SINK = "http://127.0.0.1:9/";

export async function createTestWebhook(body: Record<string, unknown> = {}): Promise<{ id: string; secret: string }> {
  // No event of another test reaches it: only deletions of a link that does not exist.
  const res = await call("POST", "/api/v1/webhooks", { body: { url: `${SINK}hook`, events: ["link.deleted"], linkIds: ["no-such-link"], ...body } });
  if (res.status !== 201) throw new Error(`creating a webhook: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; secret: string };
}

/** A ping queued for the endpoint; its delivery id. */
export async function sendTestPing(id: string): Promise<string> {
  const res = await call("POST", `/api/v1/webhooks/${id}/test`);
  if (res.status !== 202) throw new Error(`sending a test: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { deliveryId: string }).deliveryId;
}

export const removeTestWebhooks = () => withDb((db) => deleteEndpointsByUrlPrefix(db, ""));

/**
 * Who may start an ingest run: an admin key, or QStash. A request carrying `Upstash-Signature` is judged by
 * that signature alone (a JWT signed with the QStash signing keys, over this URL and the SHA-256 of this
 * body, still within its validity), tried with the current key and then the next one, so a key rotation in
 * the Upstash console never refuses a legitimate call.
 */
import { Receiver } from "@upstash/qstash";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../../shared/app-env.ts";
import { requireScope } from "../../shared/auth/require-scope.ts";
import { ApiError } from "../../shared/errors.ts";

const requireAdmin = requireScope("admin");

export const adminOrQStash: MiddlewareHandler<AppEnv> = async (c, next) => {
  const signature = c.req.header("upstash-signature");
  if (signature === undefined) return requireAdmin(c, next);
  const { QSTASH_CURRENT_SIGNING_KEY: currentSigningKey, QSTASH_NEXT_SIGNING_KEY: nextSigningKey } = c.var.config;
  if (!currentSigningKey || !nextSigningKey) {
    throw new ApiError(401, "QStash requests are not accepted here: QSTASH_CURRENT_SIGNING_KEY and QSTASH_NEXT_SIGNING_KEY are not set.");
  }
  const body = await c.req.text();
  // devMode false: the keys above are the only ones trusted, whatever the environment says.
  const receiver = new Receiver({ currentSigningKey, nextSigningKey, devMode: false });
  try {
    await receiver.verify({ signature, body, url: c.req.url });
  } catch (e) {
    throw new ApiError(401, `The Upstash-Signature is not valid for this request: ${(e as Error).message}`);
  }
  c.set("principal", { kind: "key", id: "qstash", name: "QStash", scopes: [], domains: null, ownLinksOnly: false });
  await next();
};

/** Signing a person out ends their session on the server too: a copied session cookie stops working at once. */
import type { Context } from "hono";
import { appendAudit } from "../../../db/queries/audit.ts";
import { findSessionPrincipal, revokeUserSession } from "../../../db/queries/user-sessions.ts";
import { looksLikeSessionToken } from "../../shared/auth/session-token.ts";
import { sha256Hex } from "../../shared/crypto.ts";
import type { DashEnv } from "../dash-env.ts";

/** Revokes the signed-in person's session (an API key's session has nothing on the server to revoke). */
export async function revokePersonSession(c: Context<DashEnv>): Promise<void> {
  const token = c.var.session?.key;
  if (!token || !looksLikeSessionToken(token)) return;
  const hash = await sha256Hex(token);
  const db = c.var.db();
  const person = await findSessionPrincipal(db, hash);
  await db.transaction(async (tx) => {
    const userId = await revokeUserSession(tx, hash);
    if (userId) await appendAudit(tx, { actor: person ?? null, action: "session.signed_out", target: `user:${userId}` });
  });
}

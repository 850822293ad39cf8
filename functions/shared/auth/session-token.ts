/**
 * A person's dashboard session token: "ems_" + 32 base62 characters (about 190 bits). The dashboard sends it
 * to the API in process as `Authorization: Bearer ems_...`; only its SHA-256 is stored (user_sessions.id).
 */
import { randomBase62 } from "../crypto.ts";

export const SESSION_TOKEN_PREFIX = "ems_";
const SESSION_TOKEN_RANDOM_CHARS = 32;
const SESSION_TOKEN_PATTERN = new RegExp(`^${SESSION_TOKEN_PREFIX}[A-Za-z0-9]{${SESSION_TOKEN_RANDOM_CHARS}}$`);

export const newSessionToken = () => SESSION_TOKEN_PREFIX + randomBase62(SESSION_TOKEN_RANDOM_CHARS);

/** True when `token` could be a session token this service made; anything else is refused without a lookup. */
export const looksLikeSessionToken = (token: string) => SESSION_TOKEN_PATTERN.test(token);

/** What an API key looks like: "emu_" + 32 base62 characters, about 190 bits, recognisable by secret scanners. */
export const KEY_PREFIX = "emu_";
export const KEY_RANDOM_CHARS = 32;
/** Characters of the key kept in clear for lists: "emu_" and 8 random ones. */
export const VISIBLE_CHARS = 12;

const KEY_PATTERN = new RegExp(`^${KEY_PREFIX}[A-Za-z0-9]{${KEY_RANDOM_CHARS}}$`);

/** True when `key` could be a key this service minted; anything else is refused without a lookup. */
export const looksLikeApiKey = (key: string) => KEY_PATTERN.test(key);

/** A person's dashboard session token: "ems_" + 32 base62 characters; only its SHA-256 is stored (user_sessions). */
export const SESSION_PREFIX = "ems_";
const SESSION_PATTERN = new RegExp(`^${SESSION_PREFIX}[A-Za-z0-9]{${KEY_RANDOM_CHARS}}$`);

/** True when `token` could be a session token this service issued. */
export const looksLikeSessionToken = (token: string) => SESSION_PATTERN.test(token);

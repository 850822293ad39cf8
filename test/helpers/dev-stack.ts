import { config } from "./env.ts";

/** One raw request to the local Upstash REST bridge (dev/), as @upstash/redis sends it, base64 replies asked for. */
export async function bridge(path: string, body: unknown, token = config.UPSTASH_REDIS_REST_TOKEN) {
  const res = await fetch(`${config.UPSTASH_REDIS_REST_URL}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "upstash-encoding": "base64" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

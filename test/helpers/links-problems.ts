/**
 * How the links API's error tests check a refusal: a 4xx application/problem+json naming the fields at fault,
 * and a slug that leads nowhere afterwards. Apart so that links.error.test.ts (creating) and
 * links-existing.error.test.ts (reading, patching, deleting, listing) check refusals the same way.
 */
import { expect } from "vitest";
import { redisKeys } from "../../functions/shared/redis-keys.ts";
import { redis } from "./redis.ts";
import { call } from "./worker.ts";

export async function expectLinksProblem(res: Response, status: number, paths?: string[]): Promise<any> {
  const body = (await res.json()) as any;
  expect({ status: res.status, body }).toMatchObject({ status, body: { status } });
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  expect(typeof body.title).toBe("string");
  expect(typeof body.detail).toBe("string");
  // A field can break several rules at once; each path is named at least once.
  if (paths) expect([...new Set(body.errors.map((e: { path: string }) => e.path))].sort()).toEqual([...paths].sort());
  return body;
}

/** The slug leads nowhere: not in Postgres, not in the Redis cache. */
export async function expectLinkAbsent(slug: string) {
  expect((await call("GET", `/api/v1/links/${slug}`)).status).toBe(404);
  expect(await redis.get(redisKeys.link(slug))).toBeNull();
}

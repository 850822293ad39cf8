/**
 * Shlink's own client (@shlinkio/shlink-js-sdk) wired to the Worker in workerd, for the test files that drive
 * the Shlink face through it (shlink-sdk.happy.test.ts, shlink-sdk-visits.happy.test.ts): apart so that both
 * build the client, create links and read its errors the same way.
 */
import { ShlinkApiClient } from "@shlinkio/shlink-js-sdk";
import type { ShlinkApiClient as ShlinkClient, ShlinkShortUrl } from "@shlinkio/shlink-js-sdk/api-contract";
import { FetchHttpClient } from "@shlinkio/shlink-js-sdk/fetch";
import type { DomainFixtures } from "./domains.ts";
import { ADMIN_KEY } from "./env.ts";
import { BASE, call } from "./worker.ts";

/** The SDK's fetch: each request through the Worker's fetch handler, with its waitUntil work done. */
const workerFetch: typeof fetch = async (input, init) => {
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  return call(init?.method ?? "GET", url, {
    key: null,
    headers: (init?.headers ?? {}) as Record<string, string>,
    raw: (init?.body ?? undefined) as BodyInit | undefined,
  });
};

/** The SDK for a test file: `created` registers each link it makes with the file's DomainFixtures for cleanup. */
export function shlinkSdk(d: DomainFixtures) {
  // Typed as the SDK's contract: the class's own declarations lose their parameter types under this compiler.
  const sdk = (apiKey = ADMIN_KEY): ShlinkClient => new ShlinkApiClient(new FetchHttpClient(workerFetch), { baseUrl: BASE, apiKey });
  const admin = sdk();
  const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "+00:00");

  /** The SDK throws the problem body of any non-2xx answer. */
  async function rejection(p: Promise<unknown>): Promise<Record<string, any>> {
    try {
      await p;
    } catch (e) {
      return e as Record<string, any>;
    }
    throw new Error("expected the SDK call to fail");
  }

  /** Creates through the SDK and registers the link for cleanup (by its id, read through our API). */
  async function created(data: Parameters<typeof admin.createShortUrl>[0], client = admin): Promise<ShlinkShortUrl> {
    const s = await client.createShortUrl(data);
    const res = await call("GET", `/api/v1/links/${s.shortCode}${s.domain ? `?domain=${s.domain}` : ""}`);
    d.links.add(((await res.json()) as { id: string }).id);
    return s;
  }

  return { sdk, admin, inDays, rejection, created };
}

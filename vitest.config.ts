/**
 * Tests run the Worker inside workerd (vitest-pool-workers) against the real local stack, which
 * `npm test` (dev/test.ts) starts and hands over in EATMYURL_TEST_BINDINGS. One pool, files in sequence:
 * the machine has 2 cores and the services are shared across files.
 *
 * `isolate: false`: the files share one module graph, as the requests of a deployed isolate do, instead of
 * each importing the app anew. Importing it was 1.6 s of every file (171 of 401 s for the workerd files); the
 * tests already share Redis and Postgres and clean up after themselves, and module-scope caches are keyed
 * by configuration, so sharing them is what production does.
 */
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

const raw = process.env.EATMYURL_TEST_BINDINGS;
if (!raw) {
  throw new Error("Run the tests with `npm test`: it starts the throwaway Redis and Postgres they need.");
}
const bindings = JSON.parse(raw) as Record<string, string>;

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: { bindings },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts", "functions/**/*.test.ts"],
    fileParallelism: false,
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});

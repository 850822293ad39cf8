/**
 * Browser tests (test/browser/*.browser.ts): Node drives Debian's headless Chromium with playwright-core
 * against the deployable bundle served by workerd (dev/worker-server.ts). Run by `npm test` after the
 * workerd tests, against the same throwaway stack.
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/browser/**/*.browser.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

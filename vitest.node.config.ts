/**
 * Node-side tests of the local stack (test/node/*.node.ts): what needs processes and folders, which tests
 * inside workerd cannot touch. Run by `npm test` after the workerd tests.
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/node/**/*.node.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // builds dist/ when it is older than the sources: some tests run the compiled code
    globalSetup: ["./scripts/ensure-built.mjs"],
    testTimeout: 30_000,
    // failures repeated after the summary, where a CI log cut to its end still shows them
    reporters: ["default", "./test/reporters/failures-last.ts"],
  },
});

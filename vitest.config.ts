import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: [
      "lib/**/*.test.ts",
      "db/**/*.test.ts",
      "app/**/*.test.ts",
      "test/security/**/*.test.ts",
      "test/scim/**/*.test.ts",
      "test/e2e-support/**/*.test.ts",
    ],
    globalSetup: ["test/global-setup.ts"],
    // Tests create webhook endpoints on 127.0.0.1 and on names that resolve nowhere here
    // (hooks.example.test), as the e2e server does: internal destinations are allowed for the
    // whole run. The tests of that check (lib/webhooks) turn it on per call with a fake resolver.
    // The same for organisations' identity providers (a real one runs on 127.0.0.1 for the
    // security harness); lib/auth/provider-fetch.test.ts turns the check on per call.
    env: { GATEHOUSE_WEBHOOKS_ALLOW_PRIVATE: "1", GATEHOUSE_SSO_ALLOW_PRIVATE: "1" },
    // postgres.js 3.4.9 throws from a timer (outside any promise) when a connection is killed
    // while it still has bytes to send; the query has already failed with CONNECTION_ENDED or
    // similar. The connection-loss tests provoke exactly that; Next's server logs such errors
    // and goes on. Anything else unhandled still fails the run.
    onUnhandledError(error) {
      const stack = (error as { stack?: string }).stack ?? "";
      if (
        error.message === "Cannot read properties of null (reading 'write')" &&
        stack.includes("postgres/src/connection.js")
      )
        return false;
    },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more workers only queue on the database.
    maxWorkers: 2,
  },
});

import { defineConfig, devices } from "@playwright/test";
import { chromiumArgs, findChromium } from "./e2e/chromium";

// scripts/e2e.ts stops before this when no browser is found; a direct `playwright test` then
// falls back to Playwright's own, and says what to install if that is missing too.
const browser = findChromium();

// Run through `npm run test:e2e` (scripts/e2e.ts), which builds, prepares a fresh database,
// starts the production server and sets E2E_BASE_URL.
export default defineConfig({
  testDir: "e2e",
  fullyParallel: true,
  workers: 2,
  forbidOnly: true,
  reporter: [["list"]],
  // Two cores run two browsers, the server and PostgreSQL (and, in the fault tests, servers of
  // their own): journeys that take 10 s alone take 30-50 s in the full suite.
  timeout: 90_000,
  expect: { timeout: 7_000 },
  use: {
    baseURL: process.env.E2E_BASE_URL ?? "http://localhost:3100",
    viewport: { width: 1440, height: 900 },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        viewport: { width: 1440, height: 900 },
        launchOptions: {
          executablePath: "path" in browser ? browser.path : undefined,
          args: chromiumArgs,
        },
      },
    },
  ],
});

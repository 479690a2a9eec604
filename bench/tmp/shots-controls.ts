import { chromium } from "@playwright/test";
import { DEMO_ADMIN } from "@/db/seed/demo-credentials";
import { chromiumArgs } from "@/e2e/chromium";

const base = "http://127.0.0.1:3105";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumArgs });
for (const scheme of ["light", "dark"] as const) {
  const page = await browser.newPage({
    viewport: { width: 1440, height: 900 },
    colorScheme: scheme,
  });
  await page.goto(`${base}/login`);
  await page.getByLabel("Email").fill(DEMO_ADMIN.email);
  await page.getByLabel("Password").fill(DEMO_ADMIN.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(/\/groups$/);
  await page.goto(`${base}/keys`);
  await page.getByRole("link", { name: "eng-prod-key" }).first().click();
  await page.getByRole("tab", { name: "Policy and settings" }).click();
  const rate = page.getByRole("heading", { name: "Rate limits" }).locator("..");
  await rate.scrollIntoViewIfNeeded();
  await rate.screenshot({ path: `bench/tmp/controls-rate-${scheme}.png` });
  await page.goto(`${base}/alerts`);
  await page.screenshot({ path: `bench/tmp/controls-alerts-${scheme}.png` });
  await page.close();
}
await browser.close();

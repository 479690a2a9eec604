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
  await page.getByRole("link", { name: "Engineering", exact: true }).first().click();
  await page.getByRole("tab", { name: "Settings" }).click();
  if (scheme === "light" && process.env.FILL) {
    const form = page.getByRole("form", { name: /Set a budget window/ });
    await form.getByLabel("Amount (USD)").fill("40");
    await form.getByRole("button", { name: "Save budget window" }).click();
    await page.waitForTimeout(1500);
    await form.getByLabel("Window").selectOption("days");
    await form.getByLabel("Days").fill("7");
    await form.getByLabel("Amount (USD)").fill("250");
    await form.getByLabel("Temporary amount (optional)").fill("400");
    await form.getByLabel("Temporary until (last day)").fill("2026-12-05");
    await form.getByText("Soft: shown here only").click();
    await form.getByRole("button", { name: "Save budget window" }).click();
    await page.waitForTimeout(1500);
    // An error on a field.
    await form.getByLabel("Window").selectOption("days");
    await form.getByLabel("Days").fill("90");
    await form.getByLabel("Amount (USD)").fill("10");
    await form.getByRole("button", { name: "Save budget window" }).click();
    await page.waitForTimeout(1000);
  }
  const card = page.getByRole("heading", { name: "Budget windows" }).locator("..");
  await card.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `bench/tmp/windows-group-${scheme}.png`, fullPage: false });
  await card.screenshot({ path: `bench/tmp/windows-card-${scheme}.png` });
  await page.goto(`${base}/spend`);
  const spendCard = page.getByRole("heading", { name: "Budget windows" }).locator("../../..");
  await spendCard.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `bench/tmp/windows-spend-${scheme}.png` });
  await page.goto(`${base}/settings`);
  await page.screenshot({ path: `bench/tmp/windows-settings-${scheme}.png` });
  await page.close();
}
await browser.close();

import { mkdirSync } from "node:fs";
import { chromium } from "@playwright/test";
import { chromiumArgs, chromiumExecutable } from "@/e2e/chromium";

// Screenshots of the console's pages at laptop size, light and dark, for a designer's look:
// `npx tsx scripts/screenshots.ts [baseUrl] [outDir]` against a running console.
const base = process.argv[2] ?? "http://localhost:3000";
const out = process.argv[3] ?? "e2e/.screenshots";
const paths = (process.env.PAGES ?? "/groups,/members,/keys,/spend,/audit,/settings").split(",");
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: chromiumArgs });
for (const scheme of ["light", "dark"] as const) {
  const page = await browser.newPage({
    viewport: { width: 1440, height: 900 },
    colorScheme: scheme,
  });
  await page.goto(`${base}/login`);
  await page.screenshot({ path: `${out}/login-${scheme}.png` });
  await page.getByLabel("Email").fill(process.env.EMAIL ?? "admin@acme.test");
  await page.getByLabel("Password").fill(process.env.PASSWORD ?? "gatehouse-demo");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(/\/groups/);
  for (const p of paths) {
    await page.goto(`${base}${p}`);
    await page.waitForLoadState("networkidle");
    await page.screenshot({
      path: `${out}/${p.replace(/\W+/g, "_").replace(/^_/, "")}-${scheme}.png`,
      fullPage: process.env.FULL_PAGE === "1",
    });
  }
  await page.close();
}
await browser.close();
console.log(`screenshots in ${out}`);

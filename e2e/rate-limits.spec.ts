import { expect, test } from "@playwright/test";
import { KeysPage } from "./pages/keys-page";
import { LoginPage } from "./pages/login-page";
import { SettingsPage } from "./pages/settings-page";

test.use({ permissions: ["clipboard-read", "clipboard-write"] });

test("an admin sets a key's rate limit in the console; the gateway's third request in the minute is refused with it", async ({
  page,
  request,
}) => {
  await new LoginPage(page).signIn();
  const run = Date.now();
  const gatewayToken = await new SettingsPage(page).createGatewayToken(`edge-${run}`);
  const keys = new KeysPage(page);
  const name = `limited-${run}`;
  await keys.startNewKey(name);
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByRole("heading", { name: `${name} is ready` })).toBeVisible();
  const secret = await keys.copySecret();
  await page.getByRole("link", { name: "Assign it to groups" }).click();
  await page.getByRole("button", { name: "Assign to groups" }).click();
  await page
    .getByRole("dialog")
    .getByRole("checkbox", { name: /Frontend Engineers/ })
    .check();
  await page.getByRole("button", { name: "Assign to 1 group" }).click();
  await page.getByRole("tab", { name: /Members with access/ }).click();
  const email = (await page
    .getByRole("tabpanel")
    .getByRole("row")
    .nth(1)
    .getByRole("cell")
    .nth(1)
    .textContent())!.trim();

  await page.getByRole("tab", { name: "Policy and settings" }).click();
  const form = page.getByRole("form", { name: `Set a rate limit for ${name}` });
  // A wrong value is refused on its field, and nothing is saved.
  await form.getByLabel("Requests a minute").fill("0");
  await form.getByRole("button", { name: "Save rate limit" }).click();
  await expect(form.getByText(/Enter whole requests a minute from 1/)).toBeVisible();
  await form.getByLabel("Requests a minute").fill("2");
  await form.getByRole("button", { name: "Save rate limit" }).click();
  await expect(
    page
      .getByRole("table", { name: `Rate limits of ${name}` })
      .getByRole("cell", { name: "2", exact: true }),
  ).toBeVisible();

  const ask = async () =>
    (
      await request.post("/api/v1/authorize", {
        headers: { authorization: `Bearer ${gatewayToken}` },
        data: { apiKey: secret, user: { email }, model: "gpt-4o" },
      })
    ).json();
  expect((await ask()).allow).toBe(true);
  expect((await ask()).allow).toBe(true);
  const refused = await ask();
  expect(refused).toMatchObject({
    allow: false,
    reason: "rate_limited",
    rateLimit: { scope: "key", window: "minute", limit: 2, used: 2 },
  });
  expect(refused.retryAfterSeconds).toBeGreaterThan(0);
  expect(refused.message).toContain(`The API key ${name}: 2 requests a minute, 2 used.`);

  // Removed, it no longer counts.
  await page.getByRole("button", { name: "Remove the rate limit for all models" }).click();
  await expect(page.getByText("No rate limits")).toBeVisible();
  expect((await ask()).allow).toBe(true);
});

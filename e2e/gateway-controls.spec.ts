import { expect, test } from "@playwright/test";
import { KeysPage } from "./pages/keys-page";
import { LoginPage } from "./pages/login-page";
import { SettingsPage } from "./pages/settings-page";

test.use({ permissions: ["clipboard-read", "clipboard-write"] });

// The controls authorize enforces beyond the monthly budget, set in the console as an admin would
// and met through the gateway API: a rate limit, a daily budget window, a model list.
test("an admin sets a key's rate limit, daily budget and model list in the console; the gateway is refused by each, and the pages show why @embedded", async ({
  page,
  request,
}) => {
  await new LoginPage(page).signIn();
  const run = Date.now();
  const gatewayToken = await new SettingsPage(page).createGatewayToken(`edge-${run}`);
  const keys = new KeysPage(page);
  const name = `limited-${run}`;
  const secret = await keys.createKey(name);
  await keys.assignToGroup(name, "Frontend Engineers");
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

  // A hard daily budget window of $0.05: refused on its field first, then saved.
  const windowForm = page.getByRole("form", { name: `Set a budget window for ${name}` });
  await windowForm.getByLabel("Amount (USD)").fill("0");
  await windowForm.getByRole("button", { name: "Save budget window" }).click();
  await expect(windowForm.getByText("Enter an amount above $0.")).toBeVisible();
  await windowForm.getByLabel("Amount (USD)").fill("0.05");
  await windowForm.getByRole("button", { name: "Save budget window" }).click();
  const bars = page.getByRole("list", { name: `Budget windows of ${name}` });
  await expect(bars.getByTestId("budget-bar")).toContainText("A day");
  // The gateway reports a request that spent it all.
  const keyId = new URL(page.url()).pathname.split("/").at(-1)!;
  const reported = await request.post("/api/v1/usage", {
    headers: { authorization: `Bearer ${gatewayToken}` },
    data: {
      events: [
        {
          eventId: `window-${run}`,
          occurredAt: new Date().toISOString(),
          user: { email },
          keyId,
          model: "gpt-4o",
          inputTokens: 1_000,
          outputTokens: 500,
          costMicros: 50_000,
        },
      ],
    },
  });
  expect(reported.ok()).toBe(true);
  const overBudget = await ask();
  expect(overBudget).toMatchObject({
    allow: false,
    reason: "budget_window_exceeded",
    budgetWindow: { scope: "key", period: "day", limitMicros: 50_000, usedMicros: 50_000 },
  });
  expect(overBudget.message).toContain(
    `The API key ${name}: $0.05 a day, $0.05 used; it resets at`,
  );
  await page.reload();
  await page.getByRole("tab", { name: "Policy and settings" }).click();
  const bar = bars.getByTestId("budget-bar");
  await expect(bar.getByTestId("budget-spent")).toHaveText("$0.05");
  await expect(bar.getByText("Over budget")).toBeVisible();
  await expect(
    bar.getByText(/Resets .* \(in \d+ hours?\)|Resets .* \(in \d+ minutes?\)/),
  ).toBeVisible();
  // And on /spend, among every window of the organisation.
  await page.goto("/spend");
  await expect(
    page
      .getByRole("list", { name: "Budget windows" })
      .getByTestId("budget-bar")
      .filter({ hasText: name }),
  ).toContainText("$0.05");

  // A model list that allows only gpt-4o-mini, made on the Models page and checked on the key.
  const listName = `Cheap ${run}`;
  await page.goto("/models");
  await page.getByRole("button", { name: "New model list" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill(listName);
  await dialog.getByRole("textbox", { name: "Models" }).fill("gpt-4o-mini");
  await dialog.getByRole("button", { name: "Save list" }).click();
  await expect(page.getByText(`${listName} is saved.`)).toBeVisible();
  await page.goto(`/keys/${keyId}?tab=policy`);
  await page.getByRole("tab", { name: "Policy and settings" }).click();
  const listBox = page.getByRole("checkbox", { name: new RegExp(listName) });
  // Checked once the server has attached it.
  await listBox.click();
  await expect(page.getByText(`${listName} now limits ${name}.`)).toBeVisible();
  await expect(listBox).toBeChecked();
  // The window is removed so that only the list decides.
  await page.getByRole("button", { name: "Remove the window of $0.05 a day" }).click();
  await expect(page.getByText("No budget windows")).toBeVisible();
  const askFor = async (model: string) =>
    (
      await request.post("/api/v1/authorize", {
        headers: { authorization: `Bearer ${gatewayToken}` },
        data: { apiKey: secret, user: { email }, model },
      })
    ).json();
  expect(await askFor("gpt-4o")).toMatchObject({
    allow: false,
    reason: "model_not_allowed",
    message: `The model list ${listName} on the API key ${name} does not include gpt-4o.`,
  });
  expect((await askFor("gpt-4o-mini")).allow).toBe(true);
});

import { expect, test } from "@playwright/test";
import { EMBEDDED } from "./support/tags";
import { KeysPage } from "./pages/keys-page";
import { LoginPage } from "./pages/login-page";
import { SettingsPage } from "./pages/settings-page";

test.use({ permissions: ["clipboard-read", "clipboard-write"] });

test(
  "an admin creates a key, copies its secret, gives it to a group, sees who may use it, and revokes it",
  { tag: EMBEDDED },
  async ({ page, request }) => {
    await new LoginPage(page).signIn();
    const gatewayToken = await new SettingsPage(page).createGatewayToken(`edge-${Date.now()}`);
    const keys = new KeysPage(page);
    const name = `frontend-bot-${Date.now()}`;

    await keys.startNewKey(name);
    await keys.allowModel("GPT-4o");
    await keys.allowModel("Claude Sonnet 4.5");
    await keys.addFallback("GPT-4o");
    await keys.addFallback("Claude Sonnet 4.5");
    await page.getByRole("button", { name: "Move Claude Sonnet 4.5 up" }).click();
    await expect(keys.fallbackOrder()).toHaveText([/Claude Sonnet 4\.5/, /GPT-4o/]);

    // Weights that do not add up are refused with the total, and nothing is created.
    await page.getByRole("radio", { name: /Weighted/ }).check();
    await page.getByLabel("Weight of GPT-4o (%)").fill("70");
    await page.getByLabel("Weight of Claude Sonnet 4.5 (%)").fill("20");
    await expect(page.getByRole("status").filter({ hasText: "Total 90 %" })).toBeVisible();
    await page.getByRole("button", { name: "Create key" }).click();
    await expect(
      page
        .getByRole("group", { name: "Load balancing" })
        .getByText("The weights add up to 90; they must add up to 100."),
    ).toBeVisible();
    await expect(page.getByRole("alert").filter({ hasText: "Nothing was saved" })).toBeVisible();
    await page.getByLabel("Weight of Claude Sonnet 4.5 (%)").fill("30");
    await page.getByRole("button", { name: "Create key" }).click();

    await expect(page.getByRole("heading", { name: `${name} is ready` })).toBeVisible();
    const secret = await keys.copySecret();
    expect(secret).toMatch(/^ghk_[0-9A-Za-z]{49}$/);
    expect(await page.getByLabel("API key secret").inputValue()).toBe(secret);

    await keys.assignToGroup(name, "Frontend Engineers");
    // The secret is not on the key's page any more.
    expect(await page.content()).not.toContain(secret);

    await page.getByRole("tab", { name: /Members with access/ }).click();
    const firstMember = page.getByRole("tabpanel").getByRole("row").nth(1);
    const email = (await firstMember.getByRole("cell").nth(1).textContent())!.trim();
    const memberName = (await firstMember.getByRole("cell").first().textContent())!.trim();
    await firstMember.getByRole("link", { name: memberName }).click();

    await expect(page).toHaveURL(/\/access\?member=/);
    const accessUrl = page.url();
    const accessRow = page.getByRole("row").filter({ hasText: name });
    await expect(accessRow).toContainText("Frontend Engineers");
    await expect(page.getByRole("table").first()).toContainText(`${memberName} may use`);

    const ask = () =>
      request.post("/api/v1/authorize", {
        headers: { authorization: `Bearer ${gatewayToken}` },
        data: { apiKey: secret, user: { email }, model: "gpt-4o", features: ["streaming"] },
      });
    expect(await (await ask()).json()).toMatchObject({
      allow: true,
      groups: [{ name: "Frontend Engineers" }],
      policy: {
        fallbackModels: ["claude-sonnet-4-5", "gpt-4o"],
        loadBalancing: "weighted",
        weights: { "gpt-4o": 70, "claude-sonnet-4-5": 30 },
      },
    });

    await accessRow.getByRole("link", { name }).click();
    await page.getByRole("button", { name: "Revoke" }).click();
    await page
      .getByRole("dialog")
      .getByRole("button", { name: `Revoke ${name}` })
      .click();
    await expect(page.getByText("Revoked", { exact: true })).toBeVisible();
    expect(await (await ask()).json()).toMatchObject({ allow: false, reason: "key_revoked" });

    await page.goto(accessUrl);
    await expect(page.getByRole("table").first()).toContainText(`${memberName} may use`);
    await expect(page.getByRole("row").filter({ hasText: name })).toHaveCount(0);
  },
);

test("the fallback order follows a drag, and Why? names the rule that refuses", async ({
  page,
}) => {
  await new LoginPage(page).signIn();
  const keys = new KeysPage(page);
  await keys.startNewKey(`drag-${Date.now()}`);
  for (const model of ["GPT-4o", "Claude Sonnet 4.5", "Gemini 2.5 Flash"]) {
    await keys.allowModel(model);
    await keys.addFallback(model);
  }
  await expect(keys.fallbackOrder()).toHaveText([/GPT-4o/, /Claude Sonnet/, /Gemini/]);
  // Sortable items shift while dragging: aim at where the first item was, not where it goes.
  const top = (await keys.fallbackOrder().first().boundingBox())!;
  const handle = (await page.getByRole("button", { name: "Drag Gemini 2.5 Flash" }).boundingBox())!;
  await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
  await page.mouse.down();
  await page.mouse.move(top.x + 20, top.y + top.height / 2, { steps: 15 });
  await page.mouse.move(top.x + 20, top.y + 2, { steps: 5 });
  await page.mouse.up();
  await expect(keys.fallbackOrder()).toHaveText([/Gemini/, /GPT-4o/, /Claude Sonnet/]);

  await page.goto("/access");
  const why = page.locator("#why");
  await why.getByLabel("Member").selectOption({ label: "Dana Whitfield (admin@acme.test)" });
  await why.getByLabel("API key").selectOption({ label: "marketing-key" });
  await why.getByLabel("Model").selectOption({ label: "GPT-4o" });
  await why.getByRole("button", { name: "Explain" }).click();
  await expect(page).toHaveURL(/key=.*model=gpt-4o/);
  await expect(why.getByText(/Denied: /)).toBeVisible();
  await expect(why.getByText("decided", { exact: true })).toHaveCount(1);
});

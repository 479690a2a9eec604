import { type Locator, expect, test } from "@playwright/test";
import { FIELD_LIMITS } from "@/lib/field-limits";
import { LoginPage } from "./pages/login-page";

// Every form takes no more than the server accepts: its fields' maxLength are the bounds the
// server's schemas use (lib/field-limits.ts; lib/field-limits.test.ts holds the schemas to them).

const limitOf = async (field: Locator) => Number(await field.getAttribute("maxlength"));

test("the console's forms take no more than the server accepts", async ({ page }) => {
  await new LoginPage(page).signIn();

  await page.goto("/members");
  await page.getByRole("button", { name: "Add member" }).click();
  const member = page.getByRole("dialog");
  expect(await limitOf(member.getByLabel("Name"))).toBe(FIELD_LIMITS.memberName);
  expect(await limitOf(member.getByLabel("Email"))).toBe(FIELD_LIMITS.memberEmail);
  expect(await limitOf(page.getByLabel("Search"))).toBe(FIELD_LIMITS.memberSearch);
  await page.keyboard.press("Escape");

  await page.goto("/groups");
  await page.getByRole("button", { name: "New group" }).click();
  const group = page.getByRole("dialog");
  expect(await limitOf(group.getByLabel("Name"))).toBe(FIELD_LIMITS.groupName);
  expect(await limitOf(group.getByLabel("Description"))).toBe(FIELD_LIMITS.groupDescription);
  await page.keyboard.press("Escape");

  await page.goto("/keys/new");
  expect(await limitOf(page.getByLabel("Name", { exact: true }))).toBe(FIELD_LIMITS.keyName);
  expect(await limitOf(page.getByLabel("Another feature"))).toBe(FIELD_LIMITS.featureName);
  expect(await limitOf(page.getByLabel("Monthly limit (USD)"))).toBe(FIELD_LIMITS.dollars);

  await page.goto("/settings");
  await page.getByRole("button", { name: "New gateway token" }).click();
  expect(await limitOf(page.getByRole("dialog").getByLabel("Name"))).toBe(
    FIELD_LIMITS.gatewayTokenName,
  );
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: "Add endpoint" }).click();
  const webhook = page.getByRole("dialog");
  expect(await limitOf(webhook.getByLabel("URL"))).toBe(FIELD_LIMITS.webhookUrl);
  expect(await limitOf(webhook.getByLabel("Description"))).toBe(FIELD_LIMITS.webhookDescription);
});

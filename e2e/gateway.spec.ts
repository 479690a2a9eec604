import { expect, test } from "@playwright/test";
import { LoginPage } from "./pages/login-page";

test("an admin creates a gateway token in Settings; the gateway API accepts it until it is revoked", async ({
  page,
  request,
}) => {
  await new LoginPage(page).signIn();
  await page.goto("/settings");
  const name = `edge-${Date.now()}`;
  await page.getByRole("button", { name: "New gateway token" }).click();
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create token" }).click();
  const token = await page.getByLabel("Gateway token", { exact: true }).inputValue();
  expect(token).toMatch(/^ghg_[0-9A-Za-z]{49}$/);
  await page.getByRole("button", { name: "Done" }).click();

  const ask = (bearer: string, data: unknown) =>
    request.post("/api/v1/authorize", { headers: { authorization: `Bearer ${bearer}` }, data });
  const body = { apiKey: "ghk_unknown", user: { email: "admin@acme.test" }, model: "gpt-4o" };
  expect((await ask("ghg_wrong", body)).status()).toBe(401);
  const bad = await ask(token, { apiKey: 42 });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).details.length).toBeGreaterThan(0);
  const denied = await ask(token, body);
  expect(denied.status()).toBe(200);
  expect(await denied.json()).toMatchObject({ allow: false, reason: "key_unknown" });

  await page.getByRole("button", { name: `Revoke ${name}` }).click();
  await expect(page.getByText(/Revoked/).first()).toBeVisible();
  expect((await ask(token, body)).status()).toBe(401);
});

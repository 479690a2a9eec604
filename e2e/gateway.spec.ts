import { expect, test } from "@playwright/test";
import { EMBEDDED } from "./support/tags";
import { LoginPage } from "./pages/login-page";
import { SettingsPage } from "./pages/settings-page";

test(
  "an admin creates a gateway token in Settings; the gateway API accepts it until it is revoked",
  { tag: EMBEDDED },
  async ({ page, request }) => {
    await new LoginPage(page).signIn();
    const name = `edge-${Date.now()}`;
    const token = await new SettingsPage(page).createGatewayToken(name);

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
  },
);

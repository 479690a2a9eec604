import { expect, test } from "@playwright/test";
import { EMBEDDED } from "./support/tags";
import { GroupsPage } from "./pages/groups-page";
import { LoginPage } from "./pages/login-page";
import { SettingsPage } from "./pages/settings-page";

test(
  "an admin gives a group a budget; the gateway's usage crosses it; the bell and the alerts list say so",
  { tag: EMBEDDED },
  async ({ page, request }) => {
    await new LoginPage(page).signIn();
    const token = await new SettingsPage(page).createGatewayToken(`alerts-${Date.now()}`);

    // A fresh group with one person, so that this test's spend is the only spend in it.
    const groupName = `Budget test ${Date.now()}`;
    await page.goto("/groups");
    await page.getByRole("button", { name: "New group" }).click();
    await page.getByLabel("Name").fill(groupName);
    await page.getByRole("button", { name: "Create group" }).click();
    await page.getByRole("link", { name: groupName }).click();
    await page.getByRole("button", { name: "Add members" }).click();
    await page.getByRole("dialog").getByPlaceholder("Find people").fill("admin@acme.test");
    await page.getByRole("dialog").getByRole("checkbox").first().check();
    await page.getByRole("dialog").getByRole("button", { name: /^Add / }).click();
    await expect(page.getByRole("cell", { name: "admin@acme.test" })).toBeVisible();

    await page.getByRole("tab", { name: "Settings" }).click();
    const budget = page.getByRole("form", { name: "Budget", exact: true });
    await budget.getByLabel("Monthly budget (USD)").fill("abc");
    await budget.getByRole("button", { name: "Save budget" }).click();
    await expect(budget.getByText("Enter an amount in dollars.")).toBeVisible();
    await budget.getByLabel("Monthly budget (USD)").fill("2.5");
    await budget.getByLabel("Alert at (% of budget)").fill("50, 100");
    await budget.getByRole("button", { name: "Save budget" }).click();
    await expect(page.getByText(`${groupName}'s budget is saved`)).toBeVisible();
    // A setting reads as it was set, cents included.
    const groups = new GroupsPage(page);
    await groups.goto();
    await expect(groups.row(groupName)).toContainText("$2.50/mo");

    const bell = page.getByRole("link", { name: /^Alerts/ });
    const unreadBefore = Number(
      (await bell.getAttribute("aria-label"))!.match(/(\d+) unread/)?.[1] ?? 0,
    );

    await page.goto("/keys");
    await page.getByRole("link", { name: "eng-prod-key" }).click();
    await expect(page).toHaveURL(/\/keys\/[0-9a-f-]{36}/);
    const keyId = page.url().split("/keys/")[1]!.split("?")[0]!;
    const report = (eventId: string, costMicros: number) =>
      request.post("/api/v1/usage", {
        headers: { authorization: `Bearer ${token}` },
        data: {
          events: [
            {
              eventId,
              occurredAt: new Date().toISOString(),
              user: { email: "admin@acme.test" },
              keyId,
              model: "gpt-4o",
              inputTokens: 1000,
              outputTokens: 100,
              costMicros,
            },
          ],
        },
      });
    const stamp = Date.now();
    expect((await report(`alerts-${stamp}-1`, 1_300_000)).status()).toBe(200);
    // A replay changes nothing: still one alert for 50 %.
    expect(await (await report(`alerts-${stamp}-1`, 1_300_000)).json()).toMatchObject({
      accepted: 0,
      duplicates: 1,
    });

    await page.goto("/alerts");
    // The same request may cross thresholds of the member's other groups too: at least one more.
    const unreadAfter = Number(
      (await bell.getAttribute("aria-label"))!.match(/(\d+) unread/)?.[1] ?? 0,
    );
    expect(unreadAfter).toBeGreaterThan(unreadBefore);
    // The thresholds' alerts; from the 3rd of a month the pace's forecast alert may join them.
    const rows = page
      .getByRole("row")
      .filter({ hasText: groupName })
      .filter({ hasText: /Reached \d+ %/ });
    await expect(rows).toHaveCount(1);
    await expect(rows).toContainText("Reached 50 % of its $2.50 budget");

    await report(`alerts-${stamp}-2`, 1_300_000);
    await page.reload();
    await expect(rows).toHaveCount(2);
    await expect(rows.first()).toContainText("Reached 100 % of its $2.50 budget");

    await page.getByRole("button", { name: "Mark all as read" }).click();
    await expect(page.getByRole("link", { name: "Alerts", exact: true })).toBeVisible();
  },
);

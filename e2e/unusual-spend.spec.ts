import { expect, test } from "@playwright/test";
import { DEMO_OTHER_ORG_ADMIN } from "@/db/seed/demo-credentials";
import { LoginPage } from "./pages/login-page";
import { SettingsPage } from "./pages/settings-page";

// Unusual spend as an admin meets it: the demo's runaway agent is already in the alerts with what
// drove it and marked on the spend trend; a spike the gateway reports now alerts within seconds,
// for the member, and the sensitivity is set in Settings. The live part runs in Globex, the
// second demo organisation, so that no other journey's figures move.

const dayMonth = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  timeZone: "UTC",
});

test("unusual spend is alerted with what drove it, marked on the trend, and its sensitivity set", async ({
  page,
  request,
}) => {
  test.setTimeout(90_000);
  await new LoginPage(page).signIn();
  await page.goto("/alerts");
  const incident = page
    .getByRole("row")
    .filter({ hasText: "Unusual" })
    .filter({ hasText: "DevOps Engineers" });
  await expect(incident).toHaveCount(1);
  await expect(incident).toContainText(/Spent \$\d+\.\d\d on \d+ \w+: \d+\.\d× its usual/);
  await expect(incident).toContainText(
    /Members: .* · Keys: eng-prod-key \$[\d.]+ · Models: claude-opus-4-1/,
  );
  await page.goto("/spend");
  await expect(
    page.getByRole("list", { name: "Unusual spend" }).getByRole("listitem").first(),
  ).toContainText(/Organisation on \d+ \w+: \$[\d,.]+, \d+\.\d× the usual/);

  // Globex: how readily, then a spike now.
  await page.context().clearCookies();
  await new LoginPage(page).signIn(DEMO_OTHER_ORG_ADMIN);
  await page.goto("/settings");
  const form = page.getByRole("form", { name: "Unusual spend" });
  await form.getByLabel("Ignore days under (USD)").fill("lots");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByRole("alert")).toHaveText("Enter an amount in dollars.");
  await form.getByLabel("Unusual spend").selectOption("high");
  await form.getByLabel("Ignore days under (USD)").fill("2");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Unusual spend alerts saved.")).toBeVisible();
  await page.reload();
  await expect(form.getByLabel("Unusual spend")).toHaveValue("high");
  await expect(form.getByLabel("Ignore days under (USD)")).toHaveValue("2.00");

  const token = await new SettingsPage(page).createGatewayToken(`unusual-${Date.now()}`);
  // One of Platform's people, who have spent a little most days for months.
  await page.goto("/groups");
  await page.getByRole("link", { name: "Platform", exact: true }).click();
  const email = (await page
    .getByRole("cell", { name: /@globex\.test$/ })
    .first()
    .textContent())!;
  await page.goto("/keys");
  await page.getByRole("link", { name: "globex-default" }).click();
  await expect(page).toHaveURL(/\/keys\/[0-9a-f-]{36}/);
  const keyId = page.url().split("/keys/")[1]!.split("?")[0]!;
  const reported = await request.post("/api/v1/usage", {
    headers: { authorization: `Bearer ${token}` },
    data: {
      events: [
        {
          eventId: `unusual-${Date.now()}`,
          occurredAt: new Date().toISOString(),
          user: { email: email.trim() },
          keyId,
          model: "gemini-2.5-flash",
          inputTokens: 900_000,
          outputTokens: 40_000,
          costMicros: 40_000_000,
        },
      ],
    },
  });
  expect(await reported.json()).toMatchObject({ accepted: 1 });

  // Checked a few seconds after usage arrives.
  const today = dayMonth.format(new Date());
  // The member's row: the group's and the organisation's name members among what drove them.
  const spike = page
    .getByRole("row")
    .filter({ hasText: "Unusual" })
    .filter({ hasText: "Member" })
    .filter({ hasNotText: "Members:" });
  await expect(async () => {
    await page.goto("/alerts");
    await expect(spike).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 45_000 });
  await expect(spike).toContainText(new RegExp(`Spent \\$4\\d\\.\\d\\d on ${today}`));
  await expect(spike).toContainText(/Keys: globex-default \$4\d\.\d\d · Models: gemini-2\.5-flash/);
  await expect(page.getByRole("link", { name: /^Alerts, \d+ unread$/ })).toBeVisible();
  await page.goto("/spend");
  await expect(page.getByRole("list", { name: "Unusual spend" })).toContainText(
    `Organisation on ${today}`,
  );
});

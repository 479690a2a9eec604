import { test as base, expect } from "@playwright/test";
import { LoginPage } from "./pages/login-page";
import { type Scene, createScene } from "./support/scene";

// An access review as an admin runs one: start it for one group (and the keys it is given),
// remove someone with a reason (taking effect at once), keep the rest in one click, complete it,
// and download the report an auditor asks for. In an organisation of the test's own, so that no
// other journey's people move; the demo's review under way is read in Acme. PostgreSQL only (the
// scene is written straight to the database).

const databaseUrl = process.env.DATABASE_URL ?? "";
const onPostgres = /^postgres(ql)?:\/\//.test(databaseUrl);

const test = base.extend<{ scene: Scene }>({
  scene: async ({}, provide) => {
    const scene = await createScene(databaseUrl);
    await provide(scene);
    await scene.close();
  },
});

test("the demo's review under way shows a removal decided with its reason and evidence", async ({
  page,
}) => {
  await new LoginPage(page).signIn();
  await page.goto("/reviews");
  const row = page.getByRole("row", { name: /Access review Q\d \d{4}/ });
  await expect(row).toContainText(/\d+ of \d+ decided/);
  await row.getByRole("link").click();
  await page
    .getByRole("navigation", { name: "Groups in this review" })
    .getByRole("link", { name: /^Content Team/ })
    .click();
  const table = page.getByRole("table", { name: "Content Team: access to review" });
  const marked = table.getByRole("row").filter({ hasText: "At the end of the review" });
  await expect(marked).toHaveCount(1);
  await expect(marked).toContainText("“Sales rep; has never used the marketing key”");
  await expect(marked).toContainText("None in 90 days");
});

test.describe(() => {
  test.skip(!onPostgres, "the scene is written to PostgreSQL");

  test("an admin reviews a group's access, removes one person with a reason, completes the review and downloads its report", async ({
    page,
    scene,
  }) => {
    const ann = await scene.member("Ann Keeper");
    const ben = await scene.member("Ben Leaver");
    const cal = await scene.member("Cal Keeper");
    const payments = await scene.group("Payments", {
      members: [ann.memberId, ben.memberId, cal.memberId],
    });
    await scene.apiKey("payments-key", [payments.id]);
    const untouched = await scene.group("Untouched", { members: [ben.memberId] });

    await new LoginPage(page).signIn(scene.owner);
    await page.getByRole("link", { name: "Access reviews" }).click();
    await expect(page.getByText("No access reviews yet.")).toBeVisible();
    await page.getByRole("link", { name: "Start a review" }).click();

    const form = page.getByRole("form", { name: "Start an access review" });
    await form.getByLabel("Name").fill("Payments Q4");
    await form.getByLabel("Due date").fill("2020-01-01");
    await form.getByLabel("Chosen groups").check();
    await form.getByLabel("Payments").check();
    await form.getByLabel("As each is decided").check();
    await form.getByRole("button", { name: "Start review" }).click();
    await expect(form.getByText("Choose today or a later date.")).toBeVisible();
    await form.getByLabel("Due date").fill("2099-12-31");
    await form.getByRole("button", { name: "Start review" }).click();

    await expect(page.getByRole("heading", { name: "Payments Q4", level: 1 })).toBeVisible();
    const table = page.getByRole("table", { name: "Payments: access to review" });
    await expect(table.getByRole("row")).toHaveCount(5); // header, three people, the key
    await expect(table.getByRole("row", { name: /payments-key/ })).toContainText("API key");
    await expect(
      page.getByRole("navigation", { name: "Groups in this review" }).getByRole("link"),
    ).toContainText("4 for you");

    await table.getByRole("button", { name: "Remove Ben Leaver in Payments" }).click();
    const dialog = page.getByRole("dialog", { name: "Remove Ben Leaver from Payments?" });
    await expect(dialog).toContainText("This takes effect now");
    await dialog.getByLabel("Reason (optional, in the report)").fill("Moved to Sales");
    await dialog.getByRole("button", { name: "Remove" }).click();
    await expect(page.getByText("Removed Ben Leaver from Payments.")).toBeVisible();
    await expect(table.getByRole("row", { name: /Ben Leaver/ })).toContainText("Removed");
    await expect(table.getByRole("row", { name: /Ben Leaver/ })).toContainText("“Moved to Sales”");

    await page.getByRole("button", { name: "Keep the 3 remaining" }).click();
    await expect(page.getByText("Kept the 3 remaining in Payments.")).toBeVisible();
    await expect(page.getByRole("progressbar", { name: "4 of 4 decided" })).toBeVisible();

    await page.getByRole("button", { name: "Complete review" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Complete review" }).click();
    await expect(page.getByText("Payments Q4 is complete.")).toBeVisible();
    await expect(page.getByText("This review is completed: it is now its report.")).toBeVisible();
    await expect(page.getByRole("button", { name: "Keep" })).toHaveCount(0);

    const download = page.waitForEvent("download");
    await page.getByRole("link", { name: "Download report (CSV)" }).click();
    const csv = await (await download).createReadStream().then(async (stream) => {
      let text = "";
      for await (const chunk of stream) text += chunk;
      return text;
    });
    const lines = csv.trim().split("\r\n");
    expect(lines).toHaveLength(5);
    // Who decided is named by email, as in the audit log.
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    expect(lines.find((l) => l.includes("Ben Leaver"))).toMatch(
      new RegExp(
        `^Payments Q4,completed,Payments,Actor,Membership,Ben Leaver,${escape(ben.email)},,0,remove,Moved to Sales,${escape(scene.owner.email)},[^,]+Z,[^,]+Z,removed$`,
      ),
    );
    expect(lines.find((l) => l.includes("payments-key"))).toContain(
      ",Key assignment,payments-key,",
    );

    // Ben is out of Payments, and still in the group the review did not cover.
    await page.goto(`/groups/${payments.id}`);
    await expect(page.getByRole("cell", { name: "Ann Keeper", exact: true })).toBeVisible();
    await expect(page.getByRole("cell", { name: "Ben Leaver", exact: true })).toHaveCount(0);
    await page.goto(`/groups/${untouched.id}`);
    await expect(page.getByRole("cell", { name: "Ben Leaver", exact: true })).toBeVisible();
    await page.goto("/reviews");
    await expect(page.getByRole("row", { name: /Payments Q4/ })).toContainText("Completed");
  });
});

import { test as base, expect } from "@playwright/test";
import { BoardPage } from "./pages/board-page";
import { LoginPage } from "./pages/login-page";
import { type Scene, createScene } from "./support/scene";

// An auto-assign rule as an admin makes one: previewed against today's people, applied to them
// with Undo, shown on the group as what put each person there, deleted; and a person it added,
// removed by hand, kept out of its reach. In an organisation
// of the test's own (PostgreSQL only: the scene is written to the database).

const databaseUrl = process.env.DATABASE_URL ?? "";
const test = base.extend<{ scene: Scene }>({
  scene: async ({}, provide) => {
    const scene = await createScene(databaseUrl);
    await provide(scene);
    await scene.close();
  },
});
test.skip(!/^postgres(ql)?:\/\//.test(databaseUrl), "the scene is written to PostgreSQL");

test("an admin previews an email-domain rule, applies it with Undo, sees it on the group, deletes it, keeps one person out and lets the rules decide again", async ({
  page,
  scene,
}) => {
  const ann = await scene.member("Ann Rule");
  await scene.member("Ben Rule");
  const staff = await scene.group("All staff");
  await scene.group("Managers");
  const domain = ann.email.split("@")[1]!;

  await new LoginPage(page).signIn(scene.owner);
  await page.getByRole("link", { name: "Auto-assign rules" }).click();
  await expect(page.getByText("No rules yet.")).toBeVisible();
  const form = page.getByRole("form", { name: "New rule" });
  const fill = async () => {
    await form.getByLabel("Name").fill("Staff");
    await form.getByLabel("When").selectOption("email_domain");
    await form.getByLabel("is any of").fill(domain.toUpperCase());
    await form.getByLabel("All staff").check();
  };
  await fill();
  // The owner, Ann and Ben share the domain.
  await expect(form.getByRole("status")).toHaveText(
    /^Matches 3 people now; would add 3 memberships \(.*Ann Rule.*\)\.$/,
  );
  await form.getByRole("button", { name: "Save rule" }).click();
  await expect(page.getByText("Rule saved; added 3 memberships now.")).toBeVisible();
  await page.getByRole("button", { name: "Undo" }).click();
  await expect(
    page.getByText("Taken back: the rule stays, for people who join from now on."),
  ).toBeVisible();
  const rule = page.getByRole("list", { name: "Rules" }).getByRole("listitem");
  await expect(rule).toContainText(`When email domain is “${domain}”, add to All staff.`);
  await expect(rule).toContainText("0 memberships made by it now");

  await rule.getByRole("button", { name: "Delete the rule Staff" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete rule" }).click();
  await expect(page.getByText("Deleted Staff.")).toBeVisible();
  await expect(page.getByText("No rules yet.")).toBeVisible();

  await fill();
  await form.getByRole("button", { name: "Save rule" }).click();
  await expect(page.getByText("Rule saved; added 3 memberships now.")).toBeVisible();
  await page.goto(`/groups/${staff.id}`);
  await expect(page.getByRole("cell", { name: /^Ann Rule/ })).toContainText("Rule: Staff");

  // Taking her out by hand asks whether the rule may add her back.
  await page.getByRole("checkbox", { name: "Select Ann Rule" }).check();
  await page.getByRole("button", { name: "Remove selected (1)" }).click();
  const ask = page.getByRole("dialog", { name: "Keep the rules from adding them back?" });
  await expect(ask).toContainText("Ann Rule (Staff) was added to All staff by a rule");
  await ask.getByRole("button", { name: "Remove and keep out" }).click();
  await expect(page.getByText("Removed 1 from All staff.")).toBeVisible();
  await expect(page.getByRole("cell", { name: /^Ann Rule/ })).toHaveCount(0);
  await expect(page.getByRole("cell", { name: /^Ben Rule/ })).toContainText("Rule: Staff");

  // On the board, dragging him out of the rule's group asks the same; Cancel moves nothing.
  const board = new BoardPage(page);
  await board.goto();
  await board.drag("Ben Rule", "All staff", "Managers");
  const boardAsk = page.getByRole("dialog", { name: "Keep the rules from adding them back?" });
  await expect(boardAsk).toContainText("Ben Rule (Staff) was added to All staff by a rule");
  await boardAsk.getByRole("button", { name: "Cancel" }).click();
  await expect(board.card("All staff", "Ben Rule")).toBeVisible();
  await board.drag("Ben Rule", "All staff", "Managers");
  await boardAsk.getByRole("button", { name: "Just move" }).click();
  await expect(board.toast("Moved Ben Rule from All staff to Managers.")).toBeVisible();
  await expect(board.card("Managers", "Ben Rule")).toBeVisible();

  // The rules page lists her as kept out; letting the rules decide brings her back at once.
  await page.goto("/groups/rules");
  const keptOut = page.getByRole("table", { name: "Kept out of the rules" });
  await expect(keptOut.getByRole("row")).toHaveCount(2);
  await expect(keptOut).toContainText("Ann Rule");
  await keptOut
    .getByRole("button", { name: "Let the rules decide for Ann Rule in All staff" })
    .click();
  await page.getByRole("dialog").getByRole("button", { name: "Let the rules decide" }).click();
  await expect(page.getByText("Ann Rule matches a rule: added to All staff again.")).toBeVisible();
  await expect(page.getByText("No one. Removing a member a rule added")).toBeVisible();
});

import { expect, test } from "@playwright/test";
import { EMBEDDED } from "./support/tags";
import { DEMO_MEMBER } from "@/db/seed/demo-credentials";
import { BoardPage } from "./pages/board-page";
import { LoginPage } from "./pages/login-page";

// Each test moves different people (picked from different columns) so that the tests can run
// side by side on the one demo organisation.
test.use({ viewport: { width: 1920, height: 1000 } });

test.beforeEach(async ({ page }) => {
  await new LoginPage(page).signIn();
});

test(
  "drag a member from Backend Engineers to Content Team with the mouse; it holds after a reload",
  { tag: EMBEDDED },
  async ({ page }) => {
    const board = new BoardPage(page);
    await board.goto();
    // A column's name, cut off when long, can be read whole on hover.
    await expect(
      page.getByRole("heading", { name: "Backend Engineers", level: 2 }),
    ).toHaveAttribute("title", "Backend Engineers");
    const member = await board.firstMember("Backend Engineers");
    await board.drag(member, "Backend Engineers", "Content Team");
    await expect(board.card("Content Team", member)).toBeVisible();
    await expect(board.card("Backend Engineers", member)).toHaveCount(0);
    await expect(
      board.toast(`Moved ${member} from Backend Engineers to Content Team.`),
    ).toBeVisible();
    await page.reload();
    await expect(board.card("Content Team", member)).toBeVisible();
    await expect(board.card("Backend Engineers", member)).toHaveCount(0);
  },
);

test("move a member with the keyboard only", async ({ page }) => {
  const board = new BoardPage(page);
  await board.goto();
  const member = await board.firstMember("DevOps Engineers");
  await board
    .card("DevOps Engineers", member)
    .getByRole("button", { name: `Drag ${member}` })
    .focus();
  await page.keyboard.press("Space");
  // The live region speaks each step as a screen-reader user needs it.
  await expect(
    page.getByText(
      new RegExp(`^Picked up ${member} from DevOps Engineers, column \\d+ of \\d+\\.`),
    ),
  ).toBeAttached();
  await page.keyboard.press("ArrowRight");
  await expect(
    page.getByText(
      new RegExp(
        `^Over Engineering, column \\d+ of \\d+: dropping here moves from DevOps Engineers to Engineering\\.$`,
      ),
    ),
  ).toBeAttached();
  await page.keyboard.press("Space");
  await expect(
    page.getByText(`Dropped: ${member} moves from DevOps Engineers to Engineering.`),
  ).toBeAttached();
  await expect(board.card("Engineering", member)).toBeVisible();
  await expect(board.card("DevOps Engineers", member)).toHaveCount(0);
  // The card moves at once; the server's answer comes after. Reloading before it would test the
  // optimistic board, not what was saved.
  await expect(board.toast(`Moved ${member} from DevOps Engineers to Engineering.`)).toBeVisible();
  await page.reload();
  await expect(board.card("Engineering", member)).toBeVisible();
});

test("Escape cancels a keyboard drag and nothing changes", async ({ page }) => {
  const board = new BoardPage(page);
  await board.goto();
  const member = await board.firstMember("Sales Engineers");
  await board
    .card("Sales Engineers", member)
    .getByRole("button", { name: `Drag ${member}` })
    .focus();
  await page.keyboard.press("Space");
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("Escape");
  await expect(page.getByText(`Cancelled. ${member} stays where it was.`)).toBeAttached();
  await expect(board.card("Sales Engineers", member)).toBeVisible();
});

test("undo restores exactly the previous memberships", async ({ page }) => {
  const board = new BoardPage(page);
  await board.goto();
  const member = await board.firstMember("Frontend Engineers");
  const before = await board.page
    .locator(`[data-testid="member-card"][data-member-name="${member}"]`)
    .count();
  await board.drag(member, "Frontend Engineers", "Design Team");
  await expect(board.card("Design Team", member)).toBeVisible();
  // Time to read it and decide: the notification with Undo stays well past sonner's 4 s.
  await page.waitForTimeout(7_000);
  await expect(board.toast(`Moved ${member}`)).toBeVisible();
  await board.toast(`Moved ${member}`).getByRole("button", { name: "Undo" }).click();
  await expect(board.toast("Undone")).toBeVisible();
  await expect(board.card("Frontend Engineers", member)).toBeVisible();
  await expect(board.card("Design Team", member)).toHaveCount(0);
  await page.reload();
  await expect(board.card("Frontend Engineers", member)).toBeVisible();
  await expect(
    board.page.locator(`[data-testid="member-card"][data-member-name="${member}"]`),
  ).toHaveCount(before);
});

test("dragging from All members adds and keeps the other groups; dropping again says it is already there", async ({
  page,
}) => {
  const board = new BoardPage(page);
  await board.goto();
  const member = await board.firstMember("Sales Reps");
  await page.getByLabel("Filter members").fill(member);
  await board.drag(member, "All members", "Research Division");
  await expect(board.card("Research Division", member)).toBeVisible();
  await expect(board.card("Sales Reps", member)).toBeVisible();
  await board.drag(member, "All members", "Research Division");
  await expect(board.toast(`${member} is already in Research Division.`)).toBeVisible();
});

test("the card menu moves without dragging", async ({ page }) => {
  const board = new BoardPage(page);
  await board.goto();
  const member = await board.firstMember("Content Team");
  await board
    .card("Content Team", member)
    .getByRole("button", { name: `Actions for ${member}` })
    .click();
  await page.getByRole("menuitem", { name: "Move to…" }).click();
  await page.getByRole("menuitem", { name: "Marketing", exact: true }).click();
  await expect(board.card("Marketing", member)).toBeVisible();
  await expect(board.card("Content Team", member)).toHaveCount(0);
});

test("a member-role user sees the board without any way to change it", async ({ browser }) => {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1000 } });
  await new LoginPage(page).signIn(DEMO_MEMBER);
  const board = new BoardPage(page);
  await board.goto();
  await expect(board.cards("Backend Engineers").first()).toBeVisible();
  await expect(page.getByRole("button", { name: /^Drag / })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Actions for / })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Copy mode/ })).toHaveCount(0);
});

test("several selected cards move together", async ({ page }) => {
  const board = new BoardPage(page);
  await board.goto();
  const names = [
    (await board.cards("Design Team").nth(1).getAttribute("data-member-name"))!,
    (await board.cards("Design Team").nth(2).getAttribute("data-member-name"))!,
  ];
  for (const name of names)
    await board
      .card("Design Team", name)
      .getByRole("checkbox", { name: `Select ${name}` })
      .check();
  await expect(page.getByText("2 selected: drag one of them to move all")).toBeVisible();
  await board.drag(names[0]!, "Design Team", "Sales");
  await expect(
    board.toast(`Moved ${names[0]} and ${names[1]} from Design Team to Sales.`),
  ).toBeVisible();
  for (const name of names) {
    await expect(board.card("Sales", name)).toBeVisible();
    await expect(board.card("Design Team", name)).toHaveCount(0);
  }
});

test("a move based on a stale board fails cleanly and keeps the other admin's change", async ({
  page,
  browser,
}) => {
  const mine = new BoardPage(page);
  await mine.goto();
  const member = (await mine.cards("Sales Reps").nth(1).getAttribute("data-member-name"))!;

  // Another admin moves the same person first.
  const otherPage = await browser.newPage({ viewport: { width: 1920, height: 1000 } });
  await new LoginPage(otherPage).signIn();
  const theirs = new BoardPage(otherPage);
  await theirs.goto();
  await theirs
    .card("Sales Reps", member)
    .getByRole("button", { name: `Actions for ${member}` })
    .click();
  await otherPage.getByRole("menuitem", { name: "Move to…" }).click();
  await otherPage.getByRole("menuitem", { name: "Sales Engineers", exact: true }).press("Enter");
  await expect(theirs.card("Sales Engineers", member)).toBeVisible();

  // This board still shows them in Sales Reps.
  await expect(mine.card("Sales Reps", member)).toBeVisible();
  await mine.drag(member, "Sales Reps", "Admins");
  await expect(
    mine.toast(`${member} is no longer in Sales Reps: someone else changed it.`),
  ).toBeVisible();
  await expect(mine.card("Sales Engineers", member)).toBeVisible();
  await expect(mine.card("Admins", member)).toHaveCount(0);
  await page.reload();
  await expect(mine.card("Sales Engineers", member)).toBeVisible();
  await expect(mine.card("Admins", member)).toHaveCount(0);
});

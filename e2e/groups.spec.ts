import { expect, test } from "@playwright/test";
import { EMBEDDED } from "./support/tags";
import { DEMO_MEMBER } from "@/db/seed/demo-credentials";
import { GroupsPage } from "./pages/groups-page";
import { LoginPage } from "./pages/login-page";

const unique = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;

test.describe("as an admin", () => {
  test.beforeEach(async ({ page }) => {
    await new LoginPage(page).signIn();
  });

  test("create, rename and nest a group through its menu", async ({ page }) => {
    const groups = new GroupsPage(page);
    await groups.goto();
    const name = `Launch ${unique()}`;
    await groups.create(name);

    await groups.openMenu(name);
    await page.getByRole("menuitem", { name: "Edit…" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill(`${name} crew`);
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect(groups.row(`${name} crew`)).toBeVisible();

    await groups.openMenu(`${name} crew`);
    await page.getByRole("menuitem", { name: "Move to…" }).click();
    // Chosen with the keyboard: the long submenu may open partly beyond the viewport.
    await page.getByRole("menuitem", { name: "Engineering", exact: true }).press("Enter");
    await expect(groups.toast(`Moved ${name} crew under Engineering.`)).toBeVisible();
    await groups
      .row(`${name} crew`)
      .getByRole("link", { name: `${name} crew` })
      .click();
    await expect(page.getByRole("navigation", { name: "Breadcrumb" })).toHaveText(
      /Groups \/ Engineering/,
    );
  });

  test("a duplicate or empty name gets a message next to the field, and nothing is created", async ({
    page,
  }) => {
    const groups = new GroupsPage(page);
    await groups.goto();
    await page.getByRole("button", { name: "New group" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill("backend engineers");
    await dialog.getByLabel("Description").fill("Kept while the name is corrected");
    await dialog.getByRole("button", { name: "Create group" }).click();
    await expect(dialog.getByText("A group named Backend Engineers already exists.")).toBeVisible();
    await expect(dialog.getByLabel("Description")).toHaveValue("Kept while the name is corrected");
    await dialog.getByLabel("Name").fill("   ");
    await dialog.getByRole("button", { name: "Create group" }).click();
    await expect(dialog.getByText("Enter a name.")).toBeVisible();
    await expect(dialog.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");
    // The field takes no more than the server accepts (100 characters), so nothing typed is lost.
    await dialog.getByLabel("Name").fill("x".repeat(200));
    await expect(dialog.getByLabel("Name")).toHaveValue("x".repeat(100));
  });

  test(
    "select 25 members and add them to two groups through the dialog",
    { tag: EMBEDDED },
    async ({ page }) => {
      const groups = new GroupsPage(page);
      await groups.goto();
      const [first, second] = [`Bulk ${unique()}`, `Bulk ${unique()}`];
      await groups.create(first);
      await groups.create(second);

      await page.goto("/members?role=member");
      const rows = page.getByRole("row");
      await expect(rows.nth(25)).toBeVisible();
      const boxes = page.getByRole("checkbox", { name: /^Select (?!all)/ });
      await boxes.nth(0).click();
      await boxes.nth(24).click({ modifiers: ["Shift"] });
      await expect(page.getByText("25 selected")).toBeVisible();
      await page.getByRole("button", { name: "Add to groups" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("Find a group").fill("Bulk");
      await dialog.getByLabel(first).check();
      await dialog.getByLabel(second).check();
      await expect(dialog.getByText("Will add 50 memberships; 0 already members.")).toBeVisible();
      await dialog.getByRole("button", { name: "Add to 2 groups" }).click();
      await expect(
        page.locator("[data-sonner-toast]").filter({ hasText: "Added 50 memberships." }),
      ).toBeVisible();

      const firstId = (await page
        .locator("#filter-groupId option", { hasText: first })
        .getAttribute("value"))!;
      await page.goto(`/members?groupId=${firstId}`);
      await expect(page.getByRole("heading", { name: "Members" })).toBeVisible();
      await expect(page.getByText("25 people match these filters.")).toBeVisible();
    },
  );
});

test.describe("dragging groups", () => {
  test("nest a group by dragging it onto another; a cycle is refused with a message", async ({
    browser,
  }) => {
    // Tall enough that no row sits near the bottom edge, where dnd-kit scrolls the page under
    // the pointer while the test holds the target's old position.
    const page = await browser.newPage({ viewport: { width: 1440, height: 2200 } });
    await new LoginPage(page).signIn();
    const groups = new GroupsPage(page);
    await groups.goto();
    const [parent, child] = [`Parent ${unique()}`, `Child ${unique()}`];
    await groups.create(parent);
    await groups.create(child);
    await groups.dragOnto(child, parent);
    await expect(groups.toast(`Moved ${child} under ${parent}.`)).toBeVisible();
    await expect(
      groups.row(parent).getByRole("button", { name: `Collapse ${parent}` }),
    ).toBeVisible();

    await groups.dragOnto(parent, child);
    await expect(
      groups.toast(`${parent} cannot go under ${child}: ${child} is inside ${parent}.`),
    ).toBeVisible();
  });
});

test("a member-role user sees no edit controls", async ({ page }) => {
  await new LoginPage(page).signIn(DEMO_MEMBER);
  const groups = new GroupsPage(page);
  await groups.goto();
  await expect(groups.row("Engineering")).toBeVisible();
  await expect(page.getByRole("button", { name: "New group" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Actions for / })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Drag / })).toHaveCount(0);
  await groups.row("Engineering").getByRole("link", { name: "Engineering" }).click();
  await expect(page.getByRole("button", { name: "Add members" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Remove selected/ })).toHaveCount(0);
  await page.goto("/members");
  await expect(page.getByRole("button", { name: "Add member" })).toHaveCount(0);
  await expect(page.getByRole("checkbox")).toHaveCount(0);
});

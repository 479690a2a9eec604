import { expect, test } from "@playwright/test";
import { EMBEDDED } from "./support/tags";
import { DEMO_ADMIN, DEMO_MEMBER } from "@/db/seed/demo-credentials";
import { AuditPage } from "./pages/audit-page";
import { GroupsPage } from "./pages/groups-page";
import { LoginPage } from "./pages/login-page";

const unique = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;

test(
  "an admin's rename shows in the audit log with before and after, and exports as CSV",
  { tag: EMBEDDED },
  async ({ page }) => {
    await new LoginPage(page).signIn();
    const groups = new GroupsPage(page);
    await groups.goto();
    const name = `Audited ${unique()}`;
    await groups.create(name);
    await groups.openMenu(name);
    await page.getByRole("menuitem", { name: "Edit…" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill(`${name} crew`);
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect(groups.row(`${name} crew`)).toBeVisible();

    const audit = new AuditPage(page);
    await audit.goto();
    await audit.filterByAction("group.updated");
    const renamed = audit.entry(`name: "${name}" → "${name} crew"`);
    await expect(renamed).toHaveCount(1);
    await expect(renamed).toContainText(DEMO_ADMIN.email);
    await expect(renamed).toContainText("User");
    await expect(renamed).toContainText("group.updated");
    await expect(audit.entries().filter({ hasText: "group.created" })).toHaveCount(0);

    // The filters combine, and survive a reload.
    await audit.filterByActor(DEMO_ADMIN.email);
    await page.reload();
    await expect(page.getByLabel("Action", { exact: true })).toHaveValue("group.updated");
    await expect(page.getByLabel("Actor", { exact: true })).toHaveValue(DEMO_ADMIN.email);
    await expect(renamed).toHaveCount(1);

    // The target links to its page, and narrows the log to its own history.
    await expect(renamed.getByRole("link", { name: `${name} crew`, exact: true })).toHaveAttribute(
      "href",
      /^\/groups\/[0-9a-f-]{36}$/,
    );
    await renamed.getByRole("link", { name: `Only entries for group ${name} crew` }).click();
    await expect(page).toHaveURL(/[?&]targetId=[0-9a-f-]{36}/);
    await expect(page.getByText(`Only entries for group ${name} crew`)).toBeVisible();
    await expect(page.getByLabel("Action", { exact: true })).toHaveValue("");
    await expect(audit.entries()).toHaveCount(2);
    await expect(audit.entry("group.created")).toHaveCount(1);

    // The export has every entry matching the filters, as shown.
    const csv = await audit.exportCsv();
    expect(csv.filename).toMatch(/^audit-log-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(csv.lines[0]).toBe(
      "Time (UTC),Actor kind,Actor,Actor user id,Action,Target type,Target id,Target name,Changes,Before (JSON),After (JSON),Entry id",
    );
    expect(csv.lines).toHaveLength(3);
    const updated = csv.lines.find((line) => line.includes(",group.updated,"));
    expect(updated).toContain(`user,${DEMO_ADMIN.email},`);
    expect(updated).toContain(`${name} crew`);
    expect(updated).toContain(`name: ""${name}"" → ""${name} crew""`);
    expect(csv.lines.some((line) => line.includes(",group.created,"))).toBe(true);

    await page.getByRole("button", { name: "Clear filters" }).click();
    await expect(page).toHaveURL(/\/audit$/);
    await expect(page.getByText("Only entries for group")).toHaveCount(0);
  },
);

test("a member-role user is told the audit log is for admins, cannot export it, and the admins see the attempt", async ({
  page,
  browser,
}) => {
  await new LoginPage(page).signIn(DEMO_MEMBER);
  await new AuditPage(page).goto();
  await expect(
    page.getByRole("heading", { name: "Only owners and admins can see this" }),
  ).toBeVisible();
  await expect(page.getByRole("table")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Export CSV" })).toHaveCount(0);
  const response = await page.request.get("/audit/export");
  expect(response.status()).toBe(403);

  const admin = await browser.newPage();
  await new LoginPage(admin).signIn(DEMO_ADMIN);
  await admin.goto("/audit?action=access.refused");
  const attempt = admin
    .getByRole("row")
    .filter({ hasText: DEMO_MEMBER.email })
    .filter({ hasText: "exportAuditLog" });
  await expect(attempt.first()).toContainText("Refused");
  await expect(attempt.first()).toContainText("You do not have permission to do that.");
  await admin.close();
});

test("the export refuses a visitor without a session", async ({ request }) => {
  const response = await request.get("/audit/export?action=group.updated");
  expect(response.status()).toBe(401);
  expect(await response.text()).not.toContain("group.updated,");
});

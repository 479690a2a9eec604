import { expect, test } from "@playwright/test";
import { EMBEDDED } from "./support/tags";
import { LoginPage } from "./pages/login-page";

test("an admin invites a new member, who sets a password through the link and signs in read-only", async ({
  page,
  browser,
}) => {
  await new LoginPage(page).signIn();
  await page.goto("/members");
  await page.getByRole("button", { name: "Add member" }).click();
  const dialog = page.getByRole("dialog");
  const email = `new.hire.${Date.now()}@acme.test`;
  await dialog.getByLabel("Name").fill("Nova Hire");
  await dialog.getByLabel("Email").fill("not-an-email");
  await dialog.getByRole("button", { name: "Add member" }).click();
  await expect(dialog.getByText("Enter a valid email address.")).toBeVisible();
  await dialog.getByLabel("Email").fill(email);
  await dialog.getByRole("button", { name: "Add member" }).click();
  const link = await dialog.getByLabel("Invitation link", { exact: true }).inputValue();
  expect(link).toMatch(/\/invite\/[\w-]{40,}$/);
  await dialog.getByRole("button", { name: "Done" }).click();

  const invitee = await browser.newPage();
  await invitee.goto(link);
  await invitee.getByLabel("New password (12 characters or more)").fill("short");
  await invitee.getByLabel("The same password again").fill("short");
  await invitee.getByRole("button", { name: "Set password" }).click();
  await expect(invitee.getByText("Use at least 12 characters.")).toBeVisible();
  await invitee.getByLabel("New password (12 characters or more)").fill("a sturdy passphrase");
  await invitee.getByLabel("The same password again").fill("a sturdy passphrase");
  await invitee.getByRole("button", { name: "Set password" }).click();
  await expect(invitee.getByText("Your password is set. Sign in with it now.")).toBeVisible();
  await new LoginPage(invitee).signIn({ email, password: "a sturdy passphrase" });
  await expect(invitee.getByRole("button", { name: "New group" })).toHaveCount(0);

  // The link works once.
  const again = await browser.newPage();
  await again.goto(link);
  await again.getByLabel("New password (12 characters or more)").fill("another passphrase");
  await again.getByLabel("The same password again").fill("another passphrase");
  await again.getByRole("button", { name: "Set password" }).click();
  await expect(again.getByText(/invalid, used or expired/)).toBeVisible();
});

test("the last owner cannot be demoted, with a message saying why", async ({ page }) => {
  await new LoginPage(page).signIn();
  await page.goto("/members?role=owner");
  await page.getByRole("button", { name: "Actions for Dana Whitfield" }).click();
  await page.getByRole("menuitemradio", { name: "Admin" }).click();
  await expect(
    page
      .locator("[data-sonner-toast]")
      .filter({ hasText: "Dana Whitfield is the last owner and cannot be demoted." }),
  ).toBeVisible();
  await page.reload();
  await expect(page.getByRole("row", { name: /Dana Whitfield/ })).toContainText("owner");
});

test(
  "suspend and reactivate a member from the table, and set a spending limit",
  { tag: EMBEDDED },
  async ({ page }) => {
    await new LoginPage(page).signIn();
    await page.goto("/members?role=member&sort=email&dir=desc");
    const row = page.getByRole("row").nth(1);
    const name = (await row.getByRole("cell").nth(1).getByRole("link").first().textContent())!;
    await row.getByRole("button", { name: `Actions for ${name}` }).click();
    await page.getByRole("menuitem", { name: "Suspend…" }).click();
    // It asks first, naming what suspending does; Cancel changes nothing.
    const confirm = page.getByRole("dialog", { name: `Suspend ${name}?` });
    await expect(confirm).toContainText("signed out of the console everywhere");
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByRole("row", { name: new RegExp(name) })).toContainText("active");
    await row.getByRole("button", { name: `Actions for ${name}` }).click();
    await page.getByRole("menuitem", { name: "Suspend…" }).click();
    await confirm.getByRole("button", { name: "Suspend" }).click();
    await expect(
      page.locator("[data-sonner-toast]").filter({ hasText: `${name} is suspended.` }),
    ).toBeVisible();
    await expect(page.getByRole("row", { name: new RegExp(name) })).toContainText("suspended");

    await page.getByRole("button", { name: `Actions for ${name}` }).click();
    await page.getByRole("menuitem", { name: "Reactivate" }).click();
    await expect(page.getByRole("row", { name: new RegExp(name) })).toContainText("active");

    await page.getByRole("button", { name: `Actions for ${name}` }).click();
    await page.getByRole("menuitem", { name: "Set spending limit…" }).click();
    await page.getByLabel("Limit (USD)").fill("-3");
    await page.getByRole("button", { name: "Save limit" }).click();
    await expect(
      page
        .locator("[data-sonner-toast]")
        .filter({ hasText: "Enter an amount between $0 and $10,000,000." }),
    ).toBeVisible();
    await page.getByRole("button", { name: `Actions for ${name}` }).click();
    await page.getByRole("menuitem", { name: "Set spending limit…" }).click();
    await page.getByLabel("Limit (USD)").fill("42.50");
    await page.getByRole("button", { name: "Save limit" }).click();
    await expect(page.getByRole("row", { name: new RegExp(name) })).toContainText("$42.50");
  },
);

test("an owner signs a member out everywhere: their open console goes back to sign-in", async ({
  page,
  browser,
}) => {
  // A fresh member with a password, signed in in their own browser.
  await new LoginPage(page).signIn();
  await page.goto("/members");
  await page.getByRole("button", { name: "Add member" }).click();
  const dialog = page.getByRole("dialog");
  const email = `signed.in.${Date.now()}@acme.test`;
  await dialog.getByLabel("Name").fill("Sid Signedin");
  await dialog.getByLabel("Email").fill(email);
  await dialog.getByRole("button", { name: "Add member" }).click();
  const link = await dialog.getByLabel("Invitation link", { exact: true }).inputValue();
  await dialog.getByRole("button", { name: "Done" }).click();
  const member = await (await browser.newContext()).newPage();
  await member.goto(link);
  await member.getByLabel("New password (12 characters or more)").fill("a sturdy passphrase");
  await member.getByLabel("The same password again").fill("a sturdy passphrase");
  await member.getByRole("button", { name: "Set password" }).click();
  await new LoginPage(member).signIn({ email, password: "a sturdy passphrase" });

  await page.goto(`/members?q=${encodeURIComponent(email)}`);
  await page.getByRole("button", { name: "Actions for Sid Signedin" }).click();
  await page.getByRole("menuitem", { name: "Sign out everywhere" }).click();
  await expect(
    page
      .locator("[data-sonner-toast]")
      .filter({ hasText: "Sid Signedin is signed out everywhere." }),
  ).toBeVisible();

  await member.goto("/groups");
  await expect(member).toHaveURL(/\/login$/);
});

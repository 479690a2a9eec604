import { expect, test } from "@playwright/test";
import { DEMO_OTHER_ORG_ADMIN } from "@/db/seed/demo-credentials";
import { LoginPage } from "./pages/login-page";

// Importing people from a spreadsheet as an admin does it: a file in the wrong encoding is
// refused with what to do, a good one is previewed (with its bad row named by line), imported,
// seen in Members and the group tree, and undone. In Globex, the second demo organisation, so
// that no other journey's people move.

test("an admin imports people and a new group from CSV, reads the preview, and undoes it", async ({
  page,
}) => {
  await new LoginPage(page).signIn(DEMO_OTHER_ORG_ADMIN);
  await page.goto("/members");
  await page.getByRole("link", { name: "Import CSV" }).click();
  await expect(page.getByRole("heading", { name: "Import members", level: 1 })).toBeVisible();
  const file = page.getByLabel("CSV file");

  // Windows-1252 ("Zoë"), as an old Excel saves it.
  await file.setInputFiles({
    name: "legacy.csv",
    mimeType: "text/csv",
    buffer: Buffer.from([...Buffer.from("email,name\nzoe@globex.test,Zo"), 0xeb, 0x0a]),
  });
  await expect(page.getByRole("alert").filter({ hasText: "not UTF-8" })).toBeVisible();

  const stamp = Date.now();
  const csv = [
    "E-mail address;Full name;Team",
    `ana.${stamp}@globex.test;Ana Import;Squad ${stamp}`,
    `ben.${stamp}@globex.test;"Ben ""Benny"" Import";"Squad ${stamp}; Platform"`,
    "not an email;Nobody;",
  ].join("\r\n");
  await file.setInputFiles({
    name: "people.csv",
    mimeType: "text/csv",
    buffer: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)]),
  });
  // The columns are guessed from the header.
  await expect(page.getByLabel("Email", { exact: true })).toHaveValue("0");
  await expect(page.getByLabel("Groups", { exact: true })).toHaveValue("2");
  const preview = page.getByRole("region", { name: "Preview" });
  const summary = preview.getByRole("list", { name: "Summary" });
  await expect(summary.getByRole("listitem").filter({ hasText: /^To add/ })).toContainText("2");
  await expect(
    summary.getByRole("listitem").filter({ hasText: "Memberships to add" }),
  ).toContainText("3");
  await expect(summary.getByRole("listitem").filter({ hasText: "New groups" })).toContainText("1");
  await expect(preview.getByRole("table", { name: "Rows with errors" })).toContainText(
    '4"not an email" is not an email address.',
  );
  await preview.getByRole("button", { name: "Import 2 rows, skip 1" }).click();
  await expect(page.getByText(/Imported people\.csv: 2 people added, 3 memberships/)).toBeVisible();

  await page.goto(`/members?q=${stamp}`);
  await expect(page.getByRole("cell", { name: `ben.${stamp}@globex.test` })).toBeVisible();
  await expect(page.getByText('Ben "Benny" Import')).toBeVisible();
  await page.goto("/groups");
  await expect(page.getByRole("link", { name: `Squad ${stamp}` })).toBeVisible();

  await page.goto("/members/import");
  const recent = page
    .getByRole("table", { name: "Recent imports" })
    .getByRole("row")
    .filter({ hasText: "people.csv" })
    .first();
  await expect(recent).toContainText("2 people added, 3 memberships, 1 new group");
  await recent.getByRole("button", { name: "Undo the import of people.csv" }).click();
  await expect(page.getByText("The import is undone.")).toBeVisible();
  await expect(recent).toContainText("Undone");
  await page.goto(`/members?q=${stamp}`);
  await expect(page.getByRole("cell", { name: `ben.${stamp}@globex.test` })).toHaveCount(0);
});

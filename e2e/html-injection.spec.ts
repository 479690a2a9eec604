import { type Page, expect, test } from "@playwright/test";
import { GroupsPage } from "./pages/groups-page";
import { KeysPage } from "./pages/keys-page";
import { LoginPage } from "./pages/login-page";

// Names are text everywhere they are shown: markup typed into a group, member or key name appears
// as typed and never becomes elements. (The CSP would stop an injected script from running; this
// checks the injection itself never happens.)

const markup = (label: string) =>
  `<img src=x onerror=alert(1)><b>${label}-${Date.now().toString(36)}</b>`;

/** No element the names could have become is on the page, and the name shows as typed. */
async function expectShownAsText(page: Page, ...names: string[]) {
  for (const name of names) await expect(page.getByText(name).first()).toBeVisible();
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  await expect(page.locator("main b")).toHaveCount(0);
}

test("markup in names is shown as text on every page that shows them", async ({ page }) => {
  const alerts: string[] = [];
  page.on("dialog", async (dialog) => {
    alerts.push(dialog.message());
    await dialog.dismiss();
  });
  await new LoginPage(page).signIn();

  const groupName = markup("group");
  const groups = new GroupsPage(page);
  await groups.goto();
  await groups.create(groupName);
  await expectShownAsText(page, groupName);

  const personName = markup("person");
  await page.goto("/members");
  await page.getByRole("button", { name: "Add member" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill(personName);
  await dialog.getByLabel("Email").fill(`markup.${Date.now()}@acme.test`);
  await dialog.getByRole("button", { name: "Add member" }).click();
  await dialog.getByRole("button", { name: "Done" }).click();
  await page.goto(`/members?q=${encodeURIComponent(personName.slice(-10, -4))}`);
  await expectShownAsText(page, personName);

  const keyName = markup("key");
  const keys = new KeysPage(page);
  await keys.startNewKey(keyName);
  await keys.allowModel("GPT-4o");
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByRole("heading", { name: `${keyName} is ready` })).toBeVisible();
  await expect(page.locator('img[src="x"]')).toHaveCount(0);

  for (const path of ["/groups", "/groups/board", "/keys", "/audit"]) {
    await page.goto(path);
    await expectShownAsText(page, ...(path === "/keys" ? [keyName] : [groupName]));
  }
  await page.goto("/audit?action=member.added");
  await expectShownAsText(page, personName);
  expect(alerts).toEqual([]);
});

import { type Page, expect } from "@playwright/test";

export class KeysPage {
  constructor(readonly page: Page) {}

  async startNewKey(name: string) {
    await this.page.goto("/keys");
    await this.page.getByRole("link", { name: "New key" }).click();
    await expect(this.page).toHaveURL(/\/keys\/new$/);
    await this.page.getByLabel("Name").fill(name);
  }

  allowModel(displayName: string) {
    return this.page
      .getByRole("group", { name: "Allowed models" })
      .getByRole("checkbox", { name: displayName, exact: true })
      .check();
  }

  async addFallback(displayName: string) {
    await this.page.getByLabel("Fallback model to add").selectOption({ label: displayName });
    await this.page.getByRole("button", { name: "Add fallback" }).click();
  }

  fallbackOrder() {
    return this.page.getByRole("list", { name: "Fallback models" }).getByRole("listitem");
  }

  /** Creates a key with the form's defaults; its secret, from the one-time reveal. */
  async createKey(name: string): Promise<string> {
    await this.startNewKey(name);
    await this.page.getByRole("button", { name: "Create key" }).click();
    await expect(this.page.getByRole("heading", { name: `${name} is ready` })).toBeVisible();
    return this.copySecret();
  }

  /** From the new key's reveal: assigns it to one group, and sees it listed there. */
  async assignToGroup(keyName: string, groupName: string) {
    await this.page.getByRole("link", { name: "Assign it to groups" }).click();
    await this.page.getByRole("button", { name: "Assign to groups" }).click();
    await this.page
      .getByRole("dialog")
      .getByRole("checkbox", { name: new RegExp(groupName) })
      .check();
    await this.page.getByRole("button", { name: "Assign to 1 group" }).click();
    await expect(
      this.page
        .getByRole("list", { name: `Groups with ${keyName}` })
        .getByRole("link", { name: groupName }),
    ).toBeVisible();
  }

  /** The secret from the one-time reveal, as the Copy button puts it on the clipboard. */
  async copySecret(): Promise<string> {
    await this.page.getByRole("button", { name: "Copy" }).click();
    await expect(this.page.getByRole("button", { name: "Copied" })).toBeVisible();
    return this.page.evaluate(() => navigator.clipboard.readText());
  }
}

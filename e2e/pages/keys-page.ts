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

  /** The secret from the one-time reveal, as the Copy button puts it on the clipboard. */
  async copySecret(): Promise<string> {
    await this.page.getByRole("button", { name: "Copy" }).click();
    await expect(this.page.getByRole("button", { name: "Copied" })).toBeVisible();
    return this.page.evaluate(() => navigator.clipboard.readText());
  }
}

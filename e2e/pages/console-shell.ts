import { type Page, expect } from "@playwright/test";

export class ConsoleShell {
  constructor(readonly page: Page) {}

  nav() {
    return this.page.getByRole("navigation", { name: "Main" });
  }

  orgSwitcher() {
    return this.page.getByRole("button", { name: /^Organisation: / });
  }

  async switchOrganisation(name: string) {
    await this.orgSwitcher().click();
    await this.page.getByRole("menuitemradio", { name: new RegExp(name) }).click();
    await expect(this.orgSwitcher()).toHaveAccessibleName(
      `Organisation: ${name}. Switch organisation`,
    );
  }

  /** Retried: a click before the header has hydrated opens nothing. */
  async openUserMenu() {
    const menu = this.page.getByRole("menu");
    await expect(async () => {
      if (!(await menu.isVisible()))
        await this.page.getByRole("button", { name: /, account menu$/ }).click();
      await expect(menu).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 15_000 });
  }

  async signOut() {
    await this.openUserMenu();
    await this.page.getByRole("menuitem", { name: "Sign out" }).click();
    await expect(this.page).toHaveURL(/\/login/);
  }
}

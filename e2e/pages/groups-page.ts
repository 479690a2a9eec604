import { type Page, expect } from "@playwright/test";
import { dragWithMouse } from "../support/drag";

export class GroupsPage {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto("/groups");
    await expect(this.page.getByRole("heading", { name: "Groups", level: 1 })).toBeVisible();
  }

  row(name: string) {
    return this.page.locator(`[data-testid="group-row"][data-group-name="${name}"]`);
  }

  async create(name: string, options: { parent?: string } = {}) {
    await this.page.getByRole("button", { name: "New group" }).click();
    const dialog = this.page.getByRole("dialog");
    await dialog.getByLabel("Name").fill(name);
    if (options.parent)
      await dialog.getByLabel("Parent group").selectOption({ label: options.parent });
    await dialog.getByRole("button", { name: "Create group" }).click();
    await expect(dialog).toBeHidden();
    await expect(this.row(name)).toBeVisible();
  }

  async openMenu(name: string) {
    await this.row(name)
      .getByRole("button", { name: `Actions for ${name}` })
      .click();
  }

  async dragOnto(name: string, target: string) {
    const handle = this.row(name).getByRole("button", { name: `Drag ${name} onto another group` });
    await dragWithMouse(this.page, handle, this.row(target));
  }

  toast(text: string | RegExp) {
    return this.page.locator("[data-sonner-toast]").filter({ hasText: text });
  }
}

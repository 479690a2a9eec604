import { type Page, expect } from "@playwright/test";

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

  /** Drags a group's handle onto another row, measuring the target once the drag has begun. */
  async dragOnto(name: string, target: string) {
    const handle = this.row(name).getByRole("button", { name: `Drag ${name} onto another group` });
    await handle.scrollIntoViewIfNeeded();
    const from = (await handle.boundingBox())!;
    await this.page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await this.page.mouse.down();
    await this.page.mouse.move(from.x + from.width / 2 + 10, from.y + from.height / 2 + 10, {
      steps: 3,
    });
    const to = (await this.row(target).boundingBox())!;
    await this.page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 10 });
    await this.page.mouse.up();
  }

  toast(text: string | RegExp) {
    return this.page.locator("[data-sonner-toast]").filter({ hasText: text });
  }
}

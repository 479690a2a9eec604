import { type Page, expect } from "@playwright/test";
import { dragWithMouse } from "../support/drag";

export class BoardPage {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto("/groups/board");
    await expect(this.page.getByRole("heading", { name: "Membership board" })).toBeVisible();
  }

  column(name: string) {
    return this.page.locator(`[data-testid="board-column"][data-column-name="${name}"]`);
  }

  cards(column: string) {
    return this.column(column).locator('[data-testid="member-card"]');
  }

  card(column: string, member: string) {
    return this.column(column).locator(`[data-testid="member-card"][data-member-name="${member}"]`);
  }

  /** The name on the first card of a column, read from the page. */
  async firstMember(column: string): Promise<string> {
    return (await this.cards(column).first().getAttribute("data-member-name"))!;
  }

  async drag(member: string, from: string, to: string) {
    await dragWithMouse(this.page, this.card(from, member), this.column(to), { x: 120, y: 60 });
  }

  toast(text: string | RegExp) {
    return this.page.locator("[data-sonner-toast]").filter({ hasText: text });
  }
}

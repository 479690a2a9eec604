import { readFile } from "node:fs/promises";
import { type Page, expect } from "@playwright/test";

export class AuditPage {
  constructor(readonly page: Page) {}

  async goto(query = "") {
    await this.page.goto(`/audit${query}`);
    await expect(this.page.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();
  }

  table() {
    return this.page.getByRole("table", { name: "Audit log entries" });
  }

  /** The entries shown (the header row has column headers, not cells). */
  entries() {
    return this.table()
      .getByRole("row")
      .filter({ has: this.page.getByRole("cell") });
  }

  entry(text: string) {
    return this.entries().filter({ hasText: text });
  }

  async filterByAction(action: string) {
    await this.page.getByLabel("Action", { exact: true }).selectOption(action);
    await expect(this.page).toHaveURL(new RegExp(`[?&]action=${action.replaceAll(".", "\\.")}`));
  }

  async filterByActor(text: string) {
    await this.page.getByLabel("Actor", { exact: true }).fill(text);
    await expect(this.page).toHaveURL(new RegExp(`[?&]actor=${encodeURIComponent(text)}`));
  }

  /** Clicks Export CSV and returns the file's name and lines. */
  async exportCsv() {
    const [download] = await Promise.all([
      this.page.waitForEvent("download"),
      this.page.getByRole("link", { name: "Export CSV" }).click(),
    ]);
    const text = await readFile((await download.path())!, "utf8");
    return { filename: download.suggestedFilename(), lines: text.trimEnd().split("\r\n") };
  }
}

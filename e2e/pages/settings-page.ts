import { type Page, expect } from "@playwright/test";

export class SettingsPage {
  constructor(readonly page: Page) {}

  /** Creates a gateway token in Settings and returns its secret, read from the one-time reveal. */
  async createGatewayToken(name: string): Promise<string> {
    await this.page.goto("/settings");
    await this.page.getByRole("button", { name: "New gateway token" }).click();
    await this.page.getByLabel("Name").fill(name);
    await this.page.getByRole("button", { name: "Create token" }).click();
    const token = await this.page.getByLabel("Gateway token", { exact: true }).inputValue();
    expect(token).toMatch(/^ghg_[0-9A-Za-z]{49}$/);
    await this.page.getByRole("button", { name: "Done" }).click();
    return token;
  }
}

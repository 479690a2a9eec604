import { type Page, expect } from "@playwright/test";

export class SettingsPage {
  constructor(readonly page: Page) {}

  /** Creates a gateway token in Settings and returns its secret, read from the one-time reveal. */
  createGatewayToken(name: string): Promise<string> {
    return this.createToken("gateway token", name, /^ghg_[0-9A-Za-z]{49}$/);
  }

  /** Creates a SCIM token (Settings → Directory sync) and returns its secret. */
  createScimToken(name: string): Promise<string> {
    return this.createToken("SCIM token", name, /^ghs_[0-9A-Za-z]{49}$/);
  }

  /** `noun` as the page words it: "New gateway token", and the reveal labelled "Gateway token". */
  private async createToken(noun: string, name: string, shape: RegExp): Promise<string> {
    await this.page.goto("/settings");
    await this.page.getByRole("button", { name: `New ${noun}` }).click();
    await this.page.getByLabel("Name", { exact: true }).fill(name);
    await this.page.getByRole("button", { name: "Create token" }).click();
    const label = noun.charAt(0).toUpperCase() + noun.slice(1);
    const token = await this.page.getByLabel(label, { exact: true }).inputValue();
    expect(token).toMatch(shape);
    await this.page.getByRole("button", { name: "Done" }).click();
    return token;
  }
}

import { type Page, expect } from "@playwright/test";
import { DEMO_ADMIN } from "@/db/seed/demo-credentials";

export class LoginPage {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto("/login");
  }

  async fill(email: string, password: string) {
    await this.page.getByLabel("Email").fill(email);
    await this.page.getByLabel("Password").fill(password);
  }

  async submit() {
    await this.page.getByRole("button", { name: "Sign in", exact: true }).click();
  }

  /** Submits and waits for the server's answer, so that attempts never overlap. */
  async submitAndWait() {
    const answered = this.page.waitForResponse(
      (r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/login",
    );
    await this.submit();
    await answered;
  }

  async signIn(credentials: { email: string; password: string } = DEMO_ADMIN) {
    await this.goto();
    await this.fill(credentials.email, credentials.password);
    await this.submit();
    await expect(this.page).toHaveURL(/\/groups$/, { timeout: 20_000 });
  }

  /** The form's error message; Next's empty route announcer also has role=alert. */
  error() {
    return this.page.getByRole("alert").filter({ hasText: /\S/ });
  }
}

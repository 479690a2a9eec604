import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { EMBEDDED } from "./support/tags";
import { DEMO_ADMIN, DEMO_MEMBER, DEMO_OTHER_ORG_ADMIN } from "@/db/seed/demo-credentials";
import { ConsoleShell } from "./pages/console-shell";
import { LoginPage } from "./pages/login-page";

test.describe("signing in", () => {
  test("a signed-out visitor is sent to /login from every console page", async ({ page }) => {
    for (const path of [
      "/",
      "/groups",
      "/members",
      "/members/import",
      "/reviews",
      "/keys",
      "/spend",
      "/audit",
      "/settings",
      "/groups/00000000-0000-4000-8000-000000000000",
    ]) {
      await page.goto(path);
      await expect(page, `visiting ${path}`).toHaveURL(/\/login$/);
    }
  });

  test(
    "the demo admin signs in, sees the console, and signs out",
    { tag: EMBEDDED },
    async ({ page }) => {
      const login = new LoginPage(page);
      await login.signIn(DEMO_ADMIN);
      const shell = new ConsoleShell(page);
      await expect(page.getByRole("heading", { name: "Groups", level: 1 })).toBeVisible();
      for (const item of ["Groups", "Members", "API keys", "Spend", "Audit log", "Settings"]) {
        await expect(shell.nav().getByRole("link", { name: item })).toBeVisible();
      }
      await expect(shell.orgSwitcher()).toHaveAccessibleName(
        "Organisation: Acme. Switch organisation",
      );
      const tree = page.getByRole("list", { name: "Groups" });
      await expect(tree.getByRole("link", { name: "Backend Engineers" })).toBeVisible();
      await expect(tree.getByRole("link", { name: "Product A Team" })).toBeVisible();

      await shell.signOut();
      await page.goto("/groups");
      await expect(page).toHaveURL(/\/login$/);
    },
  );

  test("a wrong password is refused with a message, and the email is kept", async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto();
    await login.fill(DEMO_ADMIN.email, "not-the-password");
    await login.submit();
    await expect(login.error()).toHaveText("Email or password is incorrect.");
    await expect(page.getByLabel("Email")).toHaveValue(DEMO_ADMIN.email);
    await expect(page).toHaveURL(/\/login$/);
  });

  test("an unknown account gets the same message as a wrong password", async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto();
    await login.fill("nobody-here@acme.test", "whatever");
    await login.submit();
    await expect(login.error()).toHaveText("Email or password is incorrect.");
  });

  test("malformed input gets a message next to each field, never a stack trace", async ({
    page,
  }) => {
    const login = new LoginPage(page);
    await login.goto();
    await login.submit();
    await expect(page.getByText("Enter your email address.")).toBeVisible();
    await expect(page.getByText("Enter your password.")).toBeVisible();
    await login.fill("not an email", "x");
    await login.submit();
    await expect(
      page.getByText("Enter a valid email address, like name@company.com."),
    ).toBeVisible();
    await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
    // The fields take no more than the server accepts; what is cut off is refused as malformed.
    await login.fill(`${"a".repeat(5000)}@acme.test`, "x".repeat(5000));
    expect((await page.getByLabel("Email").inputValue()).length).toBe(254);
    expect((await page.getByLabel("Password").inputValue()).length).toBe(1024);
    await login.submit();
    await expect(
      page.getByText("Enter a valid email address, like name@company.com."),
    ).toBeVisible();
    await expect(page.locator("body")).not.toContainText(/Error:|at \w+ \(/);
  });

  test("repeated failures for one account are throttled with a clear message", async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto();
    const email = `throttle-${test.info().workerIndex}-${Date.now()}@acme.test`;
    for (let i = 0; i < 5; i++) {
      await login.fill(email, `wrong-${i}`);
      await login.submitAndWait();
      await expect(login.error()).toHaveText("Email or password is incorrect.");
    }
    await login.fill(email, "wrong-again");
    await login.submitAndWait();
    await expect(login.error()).toHaveText(
      /Too many failed sign-in attempts\. Try again in \d+ minutes?\./,
    );
  });

  test("the sign-in page has no serious accessibility violations", async ({ page }) => {
    await page.goto("/login");
    const results = await new AxeBuilder({ page }).analyze();
    expect(
      results.violations.filter((v) => v.impact === "serious" || v.impact === "critical"),
    ).toEqual([]);
  });
});

test.describe("organisations", () => {
  test("an admin of Globex cannot open Acme's pages, even by URL", async ({ browser }) => {
    const acme = await browser.newPage();
    await new LoginPage(acme).signIn(DEMO_ADMIN);
    const href = await acme
      .getByRole("link", { name: "Backend Engineers" })
      .first()
      .getAttribute("href");
    expect(href).toMatch(/^\/groups\/[0-9a-f-]{36}$/);
    await acme.goto(href!);
    await expect(acme.getByRole("heading", { name: "Backend Engineers", level: 1 })).toBeVisible();

    const globex = await browser.newPage();
    await new LoginPage(globex).signIn(DEMO_OTHER_ORG_ADMIN);
    await expect(globex.getByRole("link", { name: "Platform" })).toBeVisible();
    await expect(globex.getByRole("link", { name: "Backend Engineers" })).toHaveCount(0);
    const response = await globex.goto(href!);
    expect(response?.status()).toBe(404);
    await expect(globex.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await expect(globex.getByText("Backend Engineers")).toHaveCount(0);
  });

  test("a user in two organisations switches between them", async ({ page }) => {
    await new LoginPage(page).signIn(DEMO_ADMIN);
    const shell = new ConsoleShell(page);
    await shell.switchOrganisation("Globex");
    await expect(page.getByRole("link", { name: "Platform" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Engineering" })).toHaveCount(0);
    await page.reload();
    await expect(shell.orgSwitcher()).toHaveAccessibleName(
      "Organisation: Globex. Switch organisation",
    );
    await shell.switchOrganisation("Acme");
    await expect(page.getByRole("link", { name: "Engineering", exact: true })).toBeVisible();
  });

  test("a member sees the console read-only, without admin sections", async ({ page }) => {
    await new LoginPage(page).signIn(DEMO_MEMBER);
    const shell = new ConsoleShell(page);
    await expect(shell.nav().getByRole("link", { name: "Groups" })).toBeVisible();
    await expect(shell.nav().getByRole("link", { name: "Audit log" })).toHaveCount(0);
    await expect(shell.nav().getByRole("link", { name: "Settings" })).toHaveCount(0);
    await page.goto("/settings");
    await expect(
      page.getByRole("heading", { name: "Only owners and admins can see this" }),
    ).toBeVisible();
  });
});

test.describe("the shell", () => {
  test("switches to the dark theme and keeps it", async ({ page }) => {
    await new LoginPage(page).signIn(DEMO_ADMIN);
    await new ConsoleShell(page).openUserMenu();
    await page.getByRole("menuitemradio", { name: "Dark" }).click();
    await expect(page.locator("html")).toHaveClass(/dark/);
    await page.reload();
    await expect(page.locator("html")).toHaveClass(/dark/);
  });

  // One test per scheme: they run side by side, each within its own time limit.
  for (const scheme of ["light", "dark"] as const) {
    test(`the console's pages have no serious accessibility violations (${scheme})`, async ({
      page,
    }) => {
      test.setTimeout(120_000);
      await page.emulateMedia({ colorScheme: scheme });
      await new LoginPage(page).signIn(DEMO_ADMIN);
      for (const path of [
        "/groups",
        "/keys",
        "/keys/new",
        "/access",
        "/spend",
        "/alerts",
        "/audit",
        "/settings",
        "/members/import",
        "/recommendations",
        "/reviews",
        "/reviews/new",
        "/groups/rules",
      ]) {
        await page.goto(path);
        // Rendered: the page's heading, and the charts' drawings where there are charts.
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
        if (path === "/spend")
          // The charts' code loads after first paint (lazy-charts.tsx): on a loaded machine that
          // can take longer than the default wait.
          await expect(page.locator(".recharts-surface").first()).toBeVisible({ timeout: 20_000 });
        const results = await new AxeBuilder({ page }).analyze();
        expect(
          results.violations
            .filter((v) => v.impact === "serious" || v.impact === "critical")
            .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
          `${path} (${scheme})`,
        ).toEqual([]);
      }
    });
  }

  test("the health check reports the database", async ({ request }) => {
    const response = await request.get("/api/health");
    expect(response.status()).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", database: "up" });
  });
});

import { chromium } from "@playwright/test";
import { chromiumArgs, chromiumExecutable } from "@/e2e/chromium";
import { timed } from "./timing";

// The console's pages over HTTP, signed in: an admin signs in through the login form in Chromium
// (the real sign-in), and each page's full HTML is then fetched with that session, p50 and p95 of
// 20 after two warm-ups. What an admin waits for before the page starts to paint; the baseline,
// in the same run, is the login page (no session, no database read).

export interface PageFigure {
  page: string;
  p50Ms: number;
  p95Ms: number;
  ratioToLogin: number | null;
}

async function sessionCookie(base: string, credentials: { email: string; password: string }) {
  const browser = await chromium.launch({
    executablePath: chromiumExecutable(),
    args: chromiumArgs,
  });
  try {
    const context = await browser.newContext({ baseURL: base });
    const page = await context.newPage();
    await page.goto("/login");
    await page.getByLabel("Email").fill(credentials.email);
    await page.getByLabel("Password").fill(credentials.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(/\/groups$/, { timeout: 60_000 });
    return (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  } finally {
    await browser.close();
  }
}

/** One fetch of a page's full HTML, which must be a 200 (no redirect to sign-in). */
async function fetchPage(url: string, cookie: string | null) {
  const response = await fetch(url, { headers: cookie ? { cookie } : {}, redirect: "manual" });
  await response.text();
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
}

export async function benchPages(
  base: string,
  credentials: { email: string; password: string },
  paths: string[],
): Promise<PageFigure[]> {
  const login = await timed(() => fetchPage(`${base}/login`, null), { warmUps: 2 });
  const cookie = await sessionCookie(base, credentials);
  const figures: PageFigure[] = [{ page: "/login (baseline)", ...login, ratioToLogin: null }];
  for (const path of paths) {
    const t = await timed(() => fetchPage(`${base}${path}`, cookie), { warmUps: 2 });
    figures.push({ page: path, ...t, ratioToLogin: +(t.p95Ms / login.p95Ms).toFixed(2) });
  }
  return figures;
}

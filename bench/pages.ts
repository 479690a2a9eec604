import { chromium } from "@playwright/test";
import { chromiumArgs } from "@/e2e/chromium";

// The console's pages over HTTP, signed in: an admin signs in through the login form in Chromium
// (the real sign-in), and each page's full HTML is then fetched with that session, p50 and p95 of
// RUNS after a warm-up. What an admin waits for before the page starts to paint; the baseline,
// in the same run, is the login page (no session, no database read).

const RUNS = 20;

export interface PageFigure {
  page: string;
  p50Ms: number;
  p95Ms: number;
  ratioToLogin: number | null;
}

async function sessionCookie(base: string, credentials: { email: string; password: string }) {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
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

async function timed(url: string, cookie: string | null) {
  const fetchOnce = async () => {
    const start = performance.now();
    const response = await fetch(url, {
      headers: cookie ? { cookie } : {},
      redirect: "manual",
    });
    await response.text();
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    return performance.now() - start;
  };
  await fetchOnce();
  await fetchOnce();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await fetchOnce());
  times.sort((a, b) => a - b);
  const at = (q: number) => +times[Math.min(RUNS - 1, Math.ceil(q * RUNS) - 1)]!.toFixed(1);
  return { p50Ms: at(0.5), p95Ms: at(0.95) };
}

export async function benchPages(
  base: string,
  credentials: { email: string; password: string },
  paths: string[],
): Promise<PageFigure[]> {
  const login = await timed(`${base}/login`, null);
  const cookie = await sessionCookie(base, credentials);
  const figures: PageFigure[] = [{ page: "/login (baseline)", ...login, ratioToLogin: null }];
  for (const path of paths) {
    const t = await timed(`${base}${path}`, cookie);
    figures.push({ page: path, ...t, ratioToLogin: +(t.p95Ms / login.p95Ms).toFixed(2) });
  }
  return figures;
}

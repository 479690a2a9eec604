import { type Page, chromium, expect } from "@playwright/test";
import { chromiumArgs, chromiumExecutable } from "@/e2e/chromium";
import { BoardPage } from "@/e2e/pages/board-page";

// The console in Chromium (Playwright, a real mouse and keyboard through the DevTools protocol),
// signed in to the large organisation: how long the board takes to become interactive, and the
// latency of what admins do most, as the browser itself measures it: Event Timing's
// PerformanceEventTiming.duration, from the input to the next paint after its handlers (what
// INP is made of), the longest event of each interaction. Chromium reports only events of 16 ms
// or more, so an interaction with none reported counts as 16 ("at most 16"). Target: < 100 ms.
// Baselines in the same browser: the login page's load, and typing in its email field.

export const INTERACTION_TARGET_MS = 100;
const RUNS = 7;

export interface BrowserFigure {
  case: string;
  p50Ms: number;
  p95Ms: number;
  /** p95 over the baseline's p95: a page load over the login page's, an interaction over typing in its form. */
  ratioToBaseline: number | null;
  /** Interactions: p95 over the 100 ms target (above 1: missed). */
  ratioToTarget: number | null;
}

// Chromium's Event Timing has interactionId; TypeScript's DOM types do not yet.
type EventTiming = PerformanceEventTiming & { interactionId?: number };

declare global {
  interface Window {
    __interactionMs?: Map<number, number>;
  }
}

// Collects, from the first script on, the longest event of each interaction by its id.
function observeInteractions() {
  window.__interactionMs = new Map();
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as EventTiming[]) {
      if (!entry.interactionId) continue;
      const longest = window.__interactionMs!.get(entry.interactionId) ?? 0;
      window.__interactionMs!.set(entry.interactionId, Math.max(longest, entry.duration));
    }
  }).observe({ type: "event", buffered: true, durationThreshold: 16 } as PerformanceObserverInit);
}

/** The longest interaction during `act`, in ms (16 when the browser reported none over 16). */
async function interactionLatency(page: Page, act: () => Promise<void>) {
  await page.evaluate(() => window.__interactionMs!.clear());
  await act();
  // Event Timing entries are delivered after the paint that ends them.
  await page.evaluate(
    () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 100))),
  );
  return page.evaluate(() => Math.max(16, ...window.__interactionMs!.values()));
}

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    +sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!.toFixed(1);
  return { p50Ms: at(0.5), p95Ms: at(0.95) };
}

function figure(
  name: string,
  samples: number[],
  kind: "load" | "interaction",
  baseline?: { p95Ms: number },
): BrowserFigure {
  const { p50Ms, p95Ms } = percentiles(samples);
  return {
    case: name,
    p50Ms,
    p95Ms,
    ratioToBaseline: baseline ? +(p95Ms / baseline.p95Ms).toFixed(2) : null,
    ratioToTarget: kind === "interaction" ? +(p95Ms / INTERACTION_TARGET_MS).toFixed(2) : null,
  };
}

async function repeat(runs: number, measure: (i: number) => Promise<number>) {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await measure(i));
  return samples;
}

/** From navigation start to the load event, or to a User Timing mark when it comes later. */
async function readyMs(page: Page, mark?: string) {
  return page.evaluate((name) => {
    const [navigation] = performance.getEntriesByType(
      "navigation",
    ) as PerformanceNavigationTiming[];
    const marked = name ? (performance.getEntriesByName(name)[0]?.startTime ?? Infinity) : 0;
    return Math.max(navigation!.loadEventEnd, marked);
  }, mark);
}

export async function benchBrowser(
  base: string,
  credentials: { email: string; password: string },
  members: number,
): Promise<BrowserFigure[]> {
  const browser = await chromium.launch({
    executablePath: chromiumExecutable(),
    args: chromiumArgs,
  });
  try {
    const context = await browser.newContext({
      baseURL: base,
      viewport: { width: 1440, height: 900 },
    });
    await context.addInitScript(observeInteractions);
    const page = await context.newPage();

    const loginLoad = await repeat(RUNS, async () => {
      await page.goto("/login", { waitUntil: "load" });
      return readyMs(page);
    });
    const email = page.getByLabel("Email");
    const loginTyping = await repeat(RUNS, (i) =>
      interactionLatency(page, () => email.pressSequentially(String.fromCharCode(97 + i))),
    );
    await email.fill(credentials.email);
    await page.getByLabel("Password").fill(credentials.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(/\/groups$/, { timeout: 60_000 });

    const board = new BoardPage(page);
    const boardReady = await repeat(RUNS, async () => {
      await page.goto("/groups/board", { waitUntil: "load" });
      await page.waitForFunction(() => performance.getEntriesByName("board:interactive").length);
      return readyMs(page, "board:interactive");
    });
    // Two group columns that show cards (departments hold their teams, not people).
    const columns = await page
      .locator('[data-testid="board-column"]')
      .evaluateAll((all) =>
        all
          .filter((c) => c.querySelector('[data-testid="member-card"]'))
          .map((c) => c.getAttribute("data-column-name")!),
      );
    const [from, to] = columns.filter((name) => name !== "All members");
    const drags = await repeat(RUNS, async (i) => {
      const [source, target] = i % 2 ? [to!, from!] : [from!, to!];
      const member = await board.firstMember(source);
      return interactionLatency(page, async () => {
        await board.drag(member, source, target);
        await expect(board.card(target, member)).toBeVisible();
      });
    });

    await page.goto("/members", { waitUntil: "load" });
    const firstRow = page.getByRole("checkbox", { name: /^Select (?!all)/ }).first();
    await firstRow.check();
    const bulkDialog = await repeat(RUNS, () =>
      interactionLatency(page, async () => {
        await page.getByRole("button", { name: "Add to groups" }).click();
        await expect(page.getByRole("dialog")).toBeVisible();
        await page.keyboard.press("Escape");
        await expect(page.getByRole("dialog")).toBeHidden();
      }),
    );
    const search = page.getByLabel("Search");
    const typing = await repeat(RUNS, (i) =>
      interactionLatency(page, () => search.pressSequentially("an".charAt(i % 2))),
    );

    await page.goto("/spend", { waitUntil: "load" });
    const ranges = ["90 days", "30 days", "12 months", "7 days"];
    const spendRange = await repeat(RUNS, (i) =>
      interactionLatency(page, async () => {
        await page.getByRole("button", { name: ranges[i % ranges.length], exact: true }).click();
        await page.waitForURL(/from=/);
      }),
    );

    const load = percentiles(loginLoad);
    const typed = percentiles(loginTyping);
    return [
      figure("the login page, navigation to load (baseline)", loginLoad, "load"),
      figure("typing in the login form's email field (baseline)", loginTyping, "interaction"),
      figure(
        `the board (${members.toLocaleString("en")} members), navigation to interactive`,
        boardReady,
        "load",
        load,
      ),
      figure(
        "drag-and-drop move of a member card (longest event of the drag)",
        drags,
        "interaction",
        typed,
      ),
      figure("opening the bulk dialog (Add to groups)", bulkDialog, "interaction", typed),
      figure("typing a character in the members filter", typing, "interaction", typed),
      figure("switching the spend range (preset buttons)", spendRange, "interaction", typed),
    ];
  } finally {
    await browser.close();
  }
}

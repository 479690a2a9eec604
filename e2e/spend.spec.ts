import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { EMBEDDED } from "./support/tags";
import postgres from "postgres";
import { LoginPage } from "./pages/login-page";

// Against PostgreSQL (DATABASE_URL set by scripts/e2e.ts) the figures on screen are checked
// against the database; on the embedded database, whose folder the server holds, they are checked
// against each other.
const databaseUrl = process.env.DATABASE_URL;

const dollars = (text: string | null) => Number((text ?? "").replace(/[^0-9.-]/g, ""));

async function fromDatabase<T>(query: (sql: postgres.Sql) => Promise<T>): Promise<T | null> {
  if (!databaseUrl) return null;
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    return await query(sql);
  } finally {
    await sql.end();
  }
}

test(
  "the overview and a group's budget bar show the database's totals",
  { tag: EMBEDDED },
  async ({ page }) => {
    await new LoginPage(page).signIn();
    await page.goto("/spend");
    const thisMonth = dollars(await page.getByTestId("spend-this-month").textContent());
    expect(thisMonth).toBeGreaterThan(0);

    // The chart's own figures: this month's organisation total is the card's.
    const monthly = page.getByRole("figure").filter({ hasText: "Spend by group, last 12 months" });
    await monthly.getByText("Show figures").click();
    expect(dollars(await monthly.getByTestId("month-total").last().textContent())).toBe(thisMonth);

    const engineering = page.getByTestId("budget-bar").filter({ hasText: "Engineering" }).first();
    const engineeringSpent = dollars(await engineering.getByTestId("budget-spent").textContent());
    expect(engineeringSpent).toBeGreaterThan(0);

    const expected = await fromDatabase(async (sql) => {
      const [org] = await sql`select id from orgs where slug = 'acme'`;
      const [raw] = await sql`select coalesce(sum(cost_micros), 0)::bigint as cost from usage_events
      where org_id = ${org!.id} and occurred_at >= date_trunc('month', now() at time zone 'UTC') at time zone 'UTC'`;
      const [group] = await sql`select coalesce(sum(u.cost_micros), 0)::bigint as cost
      from usage_daily_group u join groups g on g.id = u.group_id
      where g.org_id = ${org!.id} and g.name = 'Engineering' and u.day >= date_trunc('month', now() at time zone 'UTC')::date`;
      return { org: Number(raw!.cost) / 1e6, engineering: Number(group!.cost) / 1e6 };
    });
    if (expected) {
      expect(thisMonth).toBeCloseTo(expected.org, 2);
      expect(engineeringSpent).toBeCloseTo(expected.engineering, 2);
    }

    // The group's own spend tab says the same for this month.
    await engineering.getByRole("link", { name: "Engineering" }).click();
    await expect(page).toHaveURL(/tab=spend/);
    const groupChart = page.getByRole("figure").filter({ hasText: "Spend per month" });
    await groupChart.getByText("Show figures").click();
    expect(
      dollars(await groupChart.getByRole("row").last().getByRole("cell").last().textContent()),
    ).toBe(engineeringSpent);
  },
);

test("the range lives in the URL, and CSV export downloads the rows shown", async ({ page }) => {
  await new LoginPage(page).signIn();
  await page.goto("/spend");
  await page.getByRole("button", { name: "7 days" }).click();
  await expect(page).toHaveURL(/from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}&granularity=day/);
  const url = new URL(page.url());
  const from = url.searchParams.get("from")!;
  const to = url.searchParams.get("to")!;
  expect((Date.parse(to) - Date.parse(from)) / 86_400_000).toBe(6);
  await expect(
    page.getByRole("heading", { name: `Spend per day, ${from} to ${to}` }),
  ).toBeVisible();

  // A shared link opens the same view.
  await page.goto(`/spend?from=${from}&to=${to}&granularity=week`);
  await expect(page.getByLabel("Per", { exact: true })).toHaveValue("week");

  const table = page.getByRole("table", { name: "Top models" });
  const shown = await table.getByRole("row").count();
  const firstModel = (await table.getByRole("row").nth(1).getByRole("cell").first().innerText())
    .split("\n")[0]!
    .trim();
  const card = page.locator("div").filter({ has: table }).last();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    card.getByRole("button", { name: "Export CSV" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`top-models-${from}-${to}.csv`);
  const lines = (await readFile((await download.path())!, "utf8")).trim().split("\r\n");
  expect(lines[0]).toBe("Model,Detail,Requests,Tokens,Cost (USD)");
  expect(lines).toHaveLength(shown);
  expect(lines[1]!.startsWith(`${firstModel},`)).toBe(true);
});

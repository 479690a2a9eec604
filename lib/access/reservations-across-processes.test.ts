import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { and, eq, isNull } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Connection } from "@/db/connect";
import { budgetReservations, groups } from "@/db/schema";
import { insertApiKey } from "@/db/seed/builders";
import type { Actor } from "@/lib/auth/actor";
import { testDatabase, urlOf, usingPostgres } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import { authorize } from "./authorize";

// Hard budgets are exact across server processes: two processes, each with its own pool (and its
// own batches of reservations), 500 concurrent reserving calls each against one group's budget.

let connection: Connection;
beforeAll(async () => {
  connection = await testDatabase();
});

describe.runIf(usingPostgres)("hard budgets across two processes (PostgreSQL)", () => {
  it("allow exactly what fits of 1,000 concurrent reservations, within one estimate", async () => {
    const { db } = connection;
    const f = await orgFixture(db, "admin");
    const team = await f.group("Team");
    const ann = await f.person("Ann");
    await f.join(team, ann.id);
    const budget = 1_000_000;
    const estimate = 7_000;
    await db
      .update(groups)
      .set({ budgetMode: "hard", monthlyBudgetMicros: budget })
      .where(eq(groups.id, team));
    const { secret } = await insertApiKey(db, {
      orgId: f.org.id,
      name: "team-key",
      features: [],
      policy: { allowedModels: [], fallbackModels: [], loadBalancing: "none", weights: {} },
      groupIds: [team],
    });
    const email = `ann@${f.org.slug}.test`;
    const startAt = Date.now() + 3_000;
    const other = promisify(execFile)(
      process.execPath,
      [
        "--import",
        "tsx",
        path.resolve("test/authorize-worker.ts"),
        JSON.stringify({
          url: urlOf(connection),
          orgId: f.org.id,
          secret,
          email,
          count: 500,
          estimate,
        }),
        String(startAt),
      ],
      { encoding: "utf8" },
    );
    const gateway: Actor = { kind: "gateway", tokenId: "t", orgId: f.org.id, label: "gw" };
    await new Promise((r) => setTimeout(r, startAt - Date.now()));
    const mine = await Promise.all(
      Array.from({ length: 500 }, () =>
        authorize(db, gateway, {
          apiKey: secret,
          user: { email },
          model: "gpt-4o",
          estimatedCostMicros: estimate,
        }),
      ),
    );
    const theirs = JSON.parse((await other).stdout.trim()) as {
      allowed: number;
      reasons: string[];
    };
    const allowed = mine.filter((d) => d.allow).length + theirs.allowed;

    expect(allowed * estimate).toBeLessThanOrEqual(budget + estimate);
    expect(allowed).toBe(Math.floor(budget / estimate));
    // Both processes took part, and every refusal was the budget's.
    expect(mine.some((d) => d.allow) || theirs.allowed === allowed).toBe(true);
    expect(theirs.reasons.every((r) => r === "group_budget_exceeded")).toBe(true);
    expect(mine.every((d) => d.allow || d.reason === "group_budget_exceeded")).toBe(true);
    const open = await db
      .select({ id: budgetReservations.id })
      .from(budgetReservations)
      .where(and(eq(budgetReservations.orgId, f.org.id), isNull(budgetReservations.settledAt)));
    expect(open).toHaveLength(allowed);
  });
});

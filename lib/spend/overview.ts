import type { Db } from "@/db/connect";
import type { Actor } from "@/lib/auth/actor";
import { listGroupsWithCounts } from "@/lib/groups/queries";
import {
  budgetProgress,
  monthlySpendByGroup,
  spendSummary,
  spendTrend,
  topSpenders,
} from "./analytics";
import type { SpendFilters } from "./filter-query";
import { groupsSideBySide } from "./group-analytics";

/**
 * Everything the Spend page shows an admin, read in parallel: one function, so that the page
 * and the benchmark of it (bench/dashboards.ts) read the same things.
 */
export async function spendOverview(db: Db, actor: Actor, filters: SpendFilters, now = new Date()) {
  const [summary, budgets, monthly, trend, members, keys, models, groups, features, preferences] =
    await Promise.all([
      spendSummary(db, actor, now),
      budgetProgress(db, actor, now),
      monthlySpendByGroup(db, actor, { groupIds: filters.groupIds, now }),
      spendTrend(db, actor, filters),
      topSpenders(db, actor, "member", filters),
      topSpenders(db, actor, "key", filters),
      topSpenders(db, actor, "model", filters),
      listGroupsWithCounts(db, actor),
      groupsSideBySide(db, actor, "feature", filters),
      groupsSideBySide(db, actor, "model", filters),
    ]);
  return { summary, budgets, monthly, trend, members, keys, models, groups, features, preferences };
}

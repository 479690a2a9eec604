import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { type BudgetWindow, apiKeys, budgetWindows, groups, orgMembers, users } from "@/db/schema";
import { usedAgainstLimits } from "@/lib/access/used";
import { orgTimeZone } from "@/lib/orgs/time-zone";
import { audit } from "@/lib/audit/record";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { Invalid, NotFound } from "@/lib/errors";
import { type BudgetWindowInput, budgetWindowIdInput, budgetWindowInput } from "./schemas";
import { type ControlTarget, onTarget, requireTarget, targetColumns, targetIdOf } from "./targets";
import { amountInForce, endOfLocalDay, windowSpan } from "./windows";

// Budget windows on keys, groups and members (a day, a week, the last N days): set (one per
// target and length: setting it again changes it), listed with their spend, removed; every change
// audited before → after. Their days start in the organisation's time zone (lib/orgs/time-zone.ts).
// The gateway's instances pick a change up from the notification its commit sends.

const shown = (w: BudgetWindow | undefined) =>
  w && {
    keyId: w.keyId,
    groupId: w.groupId,
    memberId: w.memberId,
    period: w.period,
    days: w.days,
    amountMicros: w.amountMicros,
    mode: w.mode,
    alertThresholds: w.alertThresholds,
    raisedAmountMicros: w.raisedAmountMicros,
    raisedUntil: w.raisedUntil?.toISOString() ?? null,
  };

/** Sets a target's window of one length: a new one, or a change of the one there. */
export async function setBudgetWindow(
  db: Db,
  actor: Actor,
  raw: BudgetWindowInput,
  now = new Date(),
) {
  assertCan(actor, "org:manage");
  const input = budgetWindowInput.parse(raw);
  return db.transaction(async (tx) => {
    await requireTarget(tx, actor.orgId, input.target);
    // A temporary increase lasts to the end of its day where the organisation is.
    const raisedUntil =
      input.raisedUntil === null
        ? null
        : endOfLocalDay(input.raisedUntil, await orgTimeZone(tx, actor.orgId));
    if (raisedUntil && raisedUntil <= now)
      throw new Invalid("A temporary increase must last until today or later.", {
        raisedUntil: "Choose today or a later date.",
      });
    const [before] = await tx
      .select()
      .from(budgetWindows)
      .where(
        and(
          eq(budgetWindows.orgId, actor.orgId),
          onTarget(budgetWindows, input.target),
          eq(budgetWindows.period, input.period),
          sql`coalesce(${budgetWindows.days}, 0) = ${input.days ?? 0}`,
        ),
      )
      .for("update");
    const values = {
      amountMicros: input.amount,
      mode: input.mode,
      alertThresholds: input.alertThresholds,
      raisedAmountMicros: input.raisedAmount,
      raisedUntil,
      updatedAt: now,
    };
    const [after] = before
      ? await tx
          .update(budgetWindows)
          .set(values)
          .where(and(eq(budgetWindows.orgId, actor.orgId), eq(budgetWindows.id, before.id)))
          .returning()
      : await tx
          .insert(budgetWindows)
          .values({
            orgId: actor.orgId,
            ...targetColumns(input.target),
            period: input.period,
            days: input.days,
            ...values,
          })
          .returning();
    await audit(
      tx,
      actor,
      before ? "budget_window.changed" : "budget_window.set",
      { type: "budget_window", id: after!.id },
      { before: shown(before), after: shown(after) },
    );
    return after!;
  });
}

export async function removeBudgetWindow(db: Db, actor: Actor, raw: { budgetWindowId: string }) {
  assertCan(actor, "org:manage");
  const { budgetWindowId } = budgetWindowIdInput.parse(raw);
  return db.transaction(async (tx) => {
    const [removed] = await tx
      .delete(budgetWindows)
      .where(and(eq(budgetWindows.orgId, actor.orgId), eq(budgetWindows.id, budgetWindowId)))
      .returning();
    if (!removed) throw new NotFound("The budget window");
    await audit(
      tx,
      actor,
      "budget_window.removed",
      { type: "budget_window", id: removed.id },
      { before: shown(removed) },
    );
    return removed;
  });
}

export interface BudgetWindowStatus extends BudgetWindow {
  /** The key's, group's or member's name. */
  targetName: string;
  /** The amount in force now (a temporary increase while it lasts). */
  limitMicros: number;
  start: Date;
  /** When the window next moves: a day's or week's end, a "days" window's oldest day leaving. */
  end: Date;
  /** Spend in the window plus the open reservations of its target. */
  usedMicros: number;
  /** At the pace so far, what a day or week will have spent at its end (null for "days"). */
  forecastMicros: number | null;
}

/**
 * The budget windows of a key, group or member (or of the whole organisation) with their spend
 * now, and the organisation's time zone, where their days start.
 */
export async function budgetWindowsWithSpend(
  db: Db,
  actor: Actor,
  target: ControlTarget | "all",
  now = new Date(),
): Promise<{ timeZone: string; windows: BudgetWindowStatus[] }> {
  // Admins only, as the spend pages: a window shows what its target spent.
  assertCan(actor, "org:manage");
  const where = and(
    eq(budgetWindows.orgId, actor.orgId),
    target === "all" ? undefined : onTarget(budgetWindows, target),
  );
  const [named, timeZone] = await Promise.all([
    db
      .select({
        window: budgetWindows,
        targetName: sql<string>`coalesce(${groups.name}, ${apiKeys.name}, ${users.name}, '')`,
      })
      .from(budgetWindows)
      .leftJoin(
        groups,
        and(eq(groups.orgId, budgetWindows.orgId), eq(groups.id, budgetWindows.groupId)),
      )
      .leftJoin(
        apiKeys,
        and(eq(apiKeys.orgId, budgetWindows.orgId), eq(apiKeys.id, budgetWindows.keyId)),
      )
      .leftJoin(
        orgMembers,
        and(eq(orgMembers.orgId, budgetWindows.orgId), eq(orgMembers.id, budgetWindows.memberId)),
      )
      .leftJoin(users, eq(users.id, orgMembers.userId))
      .where(where)
      .orderBy(budgetWindows.createdAt),
    orgTimeZone(db, actor.orgId),
  ]);
  const rows = named.map((n) => n.window);
  const names = new Map(named.map((n) => [n.window.id, n.targetName]));
  if (!rows.length) return { timeZone, windows: [] };
  const spans = rows.map((w) => ({
    window: w,
    ...windowSpan(w, targetIdOf(w), timeZone, now),
  }));
  const used = await usedAgainstLimits(
    db,
    actor.orgId,
    {
      memberIds: rows.flatMap((w) => (w.memberId ? [w.memberId] : [])),
      keyIds: rows.flatMap((w) => (w.keyId ? [w.keyId] : [])),
      groupIds: rows.flatMap((w) => (w.groupId ? [w.groupId] : [])),
      windows: spans,
    },
    now,
  );
  const windows = spans.map(({ window, span, start, end }) => {
    const usedMicros = used.windows.get(span) ?? 0;
    const elapsed = now.getTime() - start.getTime();
    // An hour in, the pace means something; before, it would mostly be noise.
    const forecastMicros =
      window.period !== "days" && elapsed >= 3_600_000
        ? Math.round((usedMicros * (end.getTime() - start.getTime())) / elapsed)
        : null;
    return {
      ...window,
      targetName: names.get(window.id) ?? "",
      limitMicros: amountInForce(window, now),
      start,
      end,
      usedMicros,
      forecastMicros,
    };
  });
  return { timeZone, windows };
}

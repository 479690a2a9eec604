"use server";

import { action } from "@/app/_server/action";
import { removeBudgetWindow, setBudgetWindow } from "@/lib/limits/budget-windows";
import type { BudgetWindowInput } from "@/lib/limits/schemas";

// Budget windows are set from the key, group and member pages alike, and shown on /spend.
const revalidate = ["/keys", "/groups", "/members", "/access", "/spend"];

export const setBudgetWindowAction = action(
  "setBudgetWindow",
  async (input: BudgetWindowInput, actor, db) => {
    await setBudgetWindow(db, actor, input);
    return null;
  },
  { revalidate },
);

export const removeBudgetWindowAction = action(
  "removeBudgetWindow",
  async (input: { budgetWindowId: string }, actor, db) => {
    await removeBudgetWindow(db, actor, input);
    return null;
  },
  { revalidate },
);

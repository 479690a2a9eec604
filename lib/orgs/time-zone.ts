import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/connect";
import { orgs } from "@/db/schema";
import { audit } from "@/lib/audit/record";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { NotFound } from "@/lib/errors";
import { isTimeZone } from "@/lib/limits/windows";

// The organisation's time zone: where the days, weeks and months of its budget windows start
// (UTC unless set). Monthly budgets, limits and the charts count UTC months and days.

export const timeZoneInput = z.object({
  timeZone: z
    .string({ error: "Choose a time zone." })
    .trim()
    .min(1, "Choose a time zone.")
    .max(64, "Choose a time zone from the list.")
    .refine(isTimeZone, "Choose a time zone from the list (an IANA name like Europe/Berlin)."),
});

/** The organisation's time zone, for the domain's own reads (no actor: not an answer to anyone). */
export async function orgTimeZone(db: Db, orgId: string): Promise<string> {
  const [org] = await db.select({ timeZone: orgs.timeZone }).from(orgs).where(eq(orgs.id, orgId));
  return org?.timeZone ?? "UTC";
}

/** Sets where the organisation's days and weeks start for its budget windows. */
export async function setOrgTimeZone(db: Db, actor: Actor, raw: { timeZone: string }) {
  assertCan(actor, "org:manage");
  const { timeZone } = timeZoneInput.parse(raw);
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select({ timeZone: orgs.timeZone })
      .from(orgs)
      .where(eq(orgs.id, actor.orgId))
      .for("update");
    if (!before) throw new NotFound("The organisation");
    if (before.timeZone === timeZone) return { timeZone };
    await tx.update(orgs).set({ timeZone }).where(eq(orgs.id, actor.orgId));
    await audit(
      tx,
      actor,
      "org.time_zone_changed",
      { type: "org", id: actor.orgId },
      { before: { timeZone: before.timeZone }, after: { timeZone } },
    );
    return { timeZone };
  });
}

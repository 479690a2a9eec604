import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/connect";
import { orgs } from "@/db/schema";
import { audit } from "@/lib/audit/record";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { NotFound } from "@/lib/errors";
import { optionalDollars } from "@/lib/form-input";

// How readily the organisation's spend counts as unusual (anomaly-judge.ts), and the least a
// day must cost before it can.

export const anomalySettingsInput = z.object({
  sensitivity: z.enum(["off", "low", "medium", "high"], {
    error: "Choose Off, Low, Medium or High.",
  }),
  minSpend: optionalDollars.refine((v) => v !== null, "Enter an amount in dollars, like 1.00."),
});

export interface AnomalySettings {
  sensitivity: "off" | "low" | "medium" | "high";
  minSpendMicros: number;
}

export async function anomalySettings(db: Db, actor: Actor): Promise<AnomalySettings> {
  assertCan(actor, "org:manage");
  const [org] = await db
    .select({ sensitivity: orgs.anomalySensitivity, minSpendMicros: orgs.anomalyMinSpendMicros })
    .from(orgs)
    .where(eq(orgs.id, actor.orgId));
  if (!org) throw new NotFound("The organisation");
  return org;
}

export async function setAnomalySettings(
  db: Db,
  actor: Actor,
  raw: { sensitivity: string; minSpend: string },
): Promise<AnomalySettings> {
  assertCan(actor, "org:manage");
  const input = anomalySettingsInput.parse(raw);
  const after = { sensitivity: input.sensitivity, minSpendMicros: input.minSpend! };
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select({ sensitivity: orgs.anomalySensitivity, minSpendMicros: orgs.anomalyMinSpendMicros })
      .from(orgs)
      .where(eq(orgs.id, actor.orgId))
      .for("update");
    if (!before) throw new NotFound("The organisation");
    if (before.sensitivity === after.sensitivity && before.minSpendMicros === after.minSpendMicros)
      return after;
    await tx
      .update(orgs)
      .set({ anomalySensitivity: after.sensitivity, anomalyMinSpendMicros: after.minSpendMicros })
      .where(eq(orgs.id, actor.orgId));
    await audit(
      tx,
      actor,
      "org.anomaly_settings_changed",
      { type: "org", id: actor.orgId },
      {
        before,
        after,
      },
    );
    return after;
  });
}

import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/connect";
import { recommendationDismissals } from "@/db/schema";
import { audit } from "@/lib/audit/record";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { type CheaperModel, cheaperModels } from "./cheaper-model";
import { loadEvidence } from "./evidence";
import { type AddToGroup, groupFits } from "./group-fit";
import { type RemoveIdleMember, type UnassignIdleKey, idleAccess } from "./idle-access";
import { type UnusedKeyFeatures, type UnusedKeyModels, unusedAccess } from "./unused-access";

// Advice from the last 30 days of the daily rollups (never the raw events), each with its
// evidence and the console's own audited command that acts on it; a dismissed one stays
// dismissed. Least privilege (idle-access, unused-access), usage-based membership (group-fit)
// and cost efficiency (cheaper-model).

export type Recommendation =
  | RemoveIdleMember
  | UnassignIdleKey
  | UnusedKeyFeatures
  | UnusedKeyModels
  | AddToGroup
  | CheaperModel;

export type RecommendationKind = Recommendation["kind"];

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
/** What each kind's subject looks like (and the order the page lists them in). */
const subjects: Record<RecommendationKind, RegExp> = {
  add_to_group: new RegExp(`^${UUID}/${UUID}$`, "i"),
  remove_idle_member: new RegExp(`^${UUID}/${UUID}$`, "i"),
  unassign_idle_key: new RegExp(`^${UUID}/${UUID}$`, "i"),
  unused_key_features: new RegExp(`^${UUID}$`, "i"),
  unused_key_models: new RegExp(`^${UUID}$`, "i"),
  cheaper_model: new RegExp(`^${UUID}/[a-z0-9][a-z0-9.:-]{0,99}$`, "i"),
};
const kinds = Object.keys(subjects) as RecommendationKind[];

/** What a recommendation is about, for sorting within its kind. */
function title(r: Recommendation): string {
  switch (r.kind) {
    case "add_to_group":
    case "remove_idle_member":
      return `${r.group.name}\u0000${r.member.name}`;
    case "unassign_idle_key":
      return `${r.key.name}\u0000${r.group.name}`;
    case "unused_key_features":
    case "unused_key_models":
      return r.key.name;
    case "cheaper_model":
      return r.group.name;
  }
}

export async function recommendations(
  db: Db,
  actor: Actor,
  now = new Date(),
): Promise<Recommendation[]> {
  assertCan(actor, "org:manage");
  const [evidence, dismissed] = await Promise.all([
    loadEvidence(db, actor.orgId, now),
    db
      .select({ kind: recommendationDismissals.kind, subject: recommendationDismissals.subject })
      .from(recommendationDismissals)
      .where(eq(recommendationDismissals.orgId, actor.orgId)),
  ]);
  const gone = new Set(dismissed.map((d) => `${d.kind} ${d.subject}`));
  return [
    ...groupFits(evidence),
    ...idleAccess(evidence),
    ...unusedAccess(evidence),
    ...cheaperModels(evidence),
  ]
    .filter((r) => !gone.has(`${r.kind} ${r.subject}`))
    .sort(
      (a, b) => kinds.indexOf(a.kind) - kinds.indexOf(b.kind) || title(a).localeCompare(title(b)),
    );
}

/** The advice about one group or one member (the badge on their pages). */
export function concerning(
  advice: Recommendation[],
  about: { groupId?: string; memberId?: string },
) {
  return advice.filter(
    (r) =>
      (about.groupId &&
        (("group" in r && r.group.id === about.groupId) ||
          ("groups" in r && r.groups.some((g) => g.id === about.groupId)))) ||
      (about.memberId && "member" in r && r.member.id === about.memberId),
  );
}

export const dismissInput = z
  .object({
    kind: z.enum(kinds, { error: "Unknown recommendation." }),
    subject: z.string().max(200),
  })
  .refine((i) => subjects[i.kind].test(i.subject), "Unknown recommendation.");

/** Remembers that the admins do not want this advice; audited. */
export async function dismissRecommendation(
  db: Db,
  actor: Actor,
  raw: { kind: string; subject: string },
) {
  assertCan(actor, "org:manage");
  const input = dismissInput.parse(raw);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(recommendationDismissals)
      .values({
        orgId: actor.orgId,
        kind: input.kind,
        subject: input.subject,
        dismissedBy: actor.kind === "user" ? actor.userId : null,
      })
      .onConflictDoNothing()
      .returning();
    if (row)
      await audit(
        tx,
        actor,
        "recommendation.dismissed",
        { type: "recommendation", id: null },
        {
          after: input,
        },
      );
    return { dismissed: Boolean(row) };
  });
}

import { and, count, eq, isNotNull, isNull, max, ne } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/connect";
import { directorySettings, groups, orgMembers, scimTokens } from "@/db/schema";
import { audit } from "@/lib/audit/record";
import { type Actor, assertCan } from "@/lib/auth/actor";

// Settings → Directory sync: what the directory provisioned, when it last called, and whether a
// group it pushes may take over an existing group of the same name.

export async function getDirectorySync(db: Db, actor: Actor) {
  assertCan(actor, "org:manage");
  const [[settings], [lastSync], [members], [linkedGroups]] = await Promise.all([
    db
      .select({ linkGroupsByName: directorySettings.linkGroupsByName })
      .from(directorySettings)
      .where(eq(directorySettings.orgId, actor.orgId)),
    db
      .select({ at: max(scimTokens.lastUsedAt) })
      .from(scimTokens)
      .where(and(eq(scimTokens.orgId, actor.orgId), isNull(scimTokens.revokedAt))),
    db
      .select({ n: count() })
      .from(orgMembers)
      .where(
        and(
          eq(orgMembers.orgId, actor.orgId),
          isNotNull(orgMembers.directoryLinkedAt),
          ne(orgMembers.status, "removed"),
        ),
      ),
    db
      .select({ n: count() })
      .from(groups)
      .where(and(eq(groups.orgId, actor.orgId), isNotNull(groups.directoryLinkedAt))),
  ]);
  return {
    linkGroupsByName: settings?.linkGroupsByName ?? false,
    lastSyncAt: lastSync?.at ?? null,
    members: members?.n ?? 0,
    groups: linkedGroups?.n ?? 0,
  };
}

export const directorySettingsInput = z.object({ linkGroupsByName: z.boolean() });

export async function updateDirectorySettings(
  db: Db,
  actor: Actor,
  raw: { linkGroupsByName: boolean },
) {
  assertCan(actor, "org:manage");
  const input = directorySettingsInput.parse(raw);
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select({ linkGroupsByName: directorySettings.linkGroupsByName })
      .from(directorySettings)
      .where(eq(directorySettings.orgId, actor.orgId))
      .for("update");
    await tx
      .insert(directorySettings)
      .values({ orgId: actor.orgId, ...input })
      .onConflictDoUpdate({
        target: directorySettings.orgId,
        set: { ...input, updatedAt: new Date() },
      });
    await audit(
      tx,
      actor,
      "directory.settings_changed",
      { type: "directory_settings", id: actor.orgId },
      { before: { linkGroupsByName: before?.linkGroupsByName ?? false }, after: input },
    );
    return input;
  });
}

import { and, eq, isNotNull, isNull, lte, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { type Group, groups } from "@/db/schema";
import { audit } from "@/lib/audit/record";
import { type Actor, assertCan, systemActor } from "@/lib/auth/actor";
import { Invalid } from "@/lib/errors";
import { requireGroup } from "./lookup";
import {
  type CreateGroupInput,
  type MoveGroupInput,
  type SetGroupBudgetInput,
  type UpdateGroupInput,
  createGroupInput,
  groupIdInput,
  moveGroupInput,
  setGroupBudgetInput,
  updateGroupInput,
} from "./schemas";

// Changes to the group tree. Every command that can change who is whose ancestor takes the
// organisation's hierarchy lock first, so that no interleaving of concurrent moves can make a
// group its own ancestor: the second of two opposite moves sees the first and is refused.

async function lockHierarchy(tx: Db, orgId: string): Promise<void> {
  await tx.execute(
    sql`select pg_advisory_xact_lock(hashtextextended(${`gatehouse:groups:${orgId}`}, 0))`,
  );
}

async function assertNameFree(tx: Db, orgId: string, name: string, exceptId?: string) {
  const [clash] = await tx
    .select({ id: groups.id, name: groups.name })
    .from(groups)
    .where(and(eq(groups.orgId, orgId), sql`lower(${groups.name}) = lower(${name})`));
  if (clash && clash.id !== exceptId) {
    throw new Invalid(`A group named ${clash.name} already exists.`, {
      name: `A group named ${clash.name} already exists.`,
    });
  }
}

/** The ids of the group's ancestors, nearest first. */
async function ancestorIds(tx: Db, orgId: string, groupId: string): Promise<string[]> {
  const all = await tx
    .select({ id: groups.id, parentId: groups.parentId })
    .from(groups)
    .where(eq(groups.orgId, orgId));
  const parentOf = new Map(all.map((g) => [g.id, g.parentId]));
  const chain: string[] = [];
  for (let at = parentOf.get(groupId); at && chain.length <= all.length; at = parentOf.get(at))
    chain.push(at);
  return chain;
}

const snapshot = (g: Group) => ({
  name: g.name,
  kind: g.kind,
  description: g.description,
  parentId: g.parentId,
  endsAt: g.endsAt,
  isDefault: g.isDefault,
  archivedAt: g.archivedAt,
});

export async function createGroup(db: Db, actor: Actor, raw: CreateGroupInput): Promise<Group> {
  assertCan(actor, "org:manage");
  const input = createGroupInput.parse(raw);
  return db.transaction(async (tx) => {
    await lockHierarchy(tx, actor.orgId);
    await assertNameFree(tx, actor.orgId, input.name);
    if (input.parentId) await requireGroup(tx, actor.orgId, input.parentId, { live: true });
    const [group] = await tx
      .insert(groups)
      .values({
        orgId: actor.orgId,
        name: input.name,
        kind: input.kind,
        description: input.description,
        parentId: input.parentId,
        endsAt: input.endsOn,
        isDefault: input.isDefault,
      })
      .returning();
    await audit(
      tx,
      actor,
      "group.created",
      { type: "group", id: group!.id },
      { after: snapshot(group!) },
    );
    return group!;
  });
}

export async function updateGroup(db: Db, actor: Actor, raw: UpdateGroupInput): Promise<Group> {
  assertCan(actor, "org:manage");
  const input = updateGroupInput.parse(raw);
  return db.transaction(async (tx) => {
    await lockHierarchy(tx, actor.orgId);
    const before = await requireGroup(tx, actor.orgId, input.groupId);
    // The directory names its groups and owns their members: a default group gains members.
    if (before.directoryLinkedAt && input.name !== before.name)
      throw new Invalid("This group's name comes from your identity provider: rename it there.", {
        name: "Rename the group in your identity provider.",
      });
    if (before.directoryLinkedAt && input.isDefault && !before.isDefault)
      throw new Invalid(
        "New members cannot join a group whose members come from your identity provider.",
        {
          isDefault: "Its members come from your identity provider.",
        },
      );
    await assertNameFree(tx, actor.orgId, input.name, before.id);
    if (input.endsOn && input.endsOn < new Date() && !before.archivedAt) {
      throw new Invalid("The end date has passed: pick a later date, or archive the group.", {
        endsOn: "Pick a date in the future.",
      });
    }
    const [after] = await tx
      .update(groups)
      .set({
        name: input.name,
        kind: input.kind,
        description: input.description,
        endsAt: input.endsOn,
        isDefault: input.isDefault,
        updatedAt: new Date(),
      })
      .where(and(eq(groups.orgId, actor.orgId), eq(groups.id, before.id)))
      .returning();
    await audit(
      tx,
      actor,
      "group.updated",
      { type: "group", id: before.id },
      { before: snapshot(before), after: snapshot(after!) },
    );
    return after!;
  });
}

/** Puts a group under another parent (or at the top with parentId null). */
export async function moveGroup(db: Db, actor: Actor, raw: MoveGroupInput): Promise<Group> {
  assertCan(actor, "org:manage");
  const input = moveGroupInput.parse(raw);
  return db.transaction(async (tx) => {
    await lockHierarchy(tx, actor.orgId);
    const group = await requireGroup(tx, actor.orgId, input.groupId, { live: true });
    if (input.parentId === group.parentId) return group;
    if (input.parentId) {
      if (input.parentId === group.id)
        throw new Invalid(`${group.name} cannot be its own parent.`, {
          parentId: "A group cannot be its own parent.",
        });
      const parent = await requireGroup(tx, actor.orgId, input.parentId, { live: true });
      if ((await ancestorIds(tx, actor.orgId, parent.id)).includes(group.id)) {
        const message = `${group.name} cannot go under ${parent.name}: ${parent.name} is inside ${group.name}.`;
        throw new Invalid(message, { parentId: message });
      }
    }
    const [moved] = await tx
      .update(groups)
      .set({ parentId: input.parentId, updatedAt: new Date() })
      .where(and(eq(groups.orgId, actor.orgId), eq(groups.id, group.id)))
      .returning();
    await audit(
      tx,
      actor,
      "group.moved",
      { type: "group", id: group.id },
      { before: { parentId: group.parentId }, after: { parentId: input.parentId } },
    );
    return moved!;
  });
}

/** Archives a group: it grants nothing and leaves the board; its members and history stay. */
export async function archiveGroup(db: Db, actor: Actor, raw: { groupId: string }): Promise<Group> {
  assertCan(actor, "org:manage");
  const { groupId } = groupIdInput.parse(raw);
  return db.transaction(async (tx) => {
    await lockHierarchy(tx, actor.orgId);
    const group = await requireGroup(tx, actor.orgId, groupId);
    if (group.archivedAt) return group;
    const liveChildren = await tx
      .select({ name: groups.name })
      .from(groups)
      .where(
        and(
          eq(groups.orgId, actor.orgId),
          eq(groups.parentId, group.id),
          isNull(groups.archivedAt),
        ),
      );
    if (liveChildren.length) {
      throw new Invalid(
        `${group.name} has subgroups (${liveChildren.map((c) => c.name).join(", ")}): archive or move them first.`,
      );
    }
    const [archived] = await tx
      .update(groups)
      .set({ archivedAt: new Date(), isDefault: false, updatedAt: new Date() })
      .where(and(eq(groups.orgId, actor.orgId), eq(groups.id, group.id)))
      .returning();
    await audit(
      tx,
      actor,
      "group.archived",
      { type: "group", id: group.id },
      { before: snapshot(group), after: snapshot(archived!) },
    );
    return archived!;
  });
}

/** Restores an archived group; a temporary group whose end date has passed loses that date. */
export async function restoreGroup(db: Db, actor: Actor, raw: { groupId: string }): Promise<Group> {
  assertCan(actor, "org:manage");
  const { groupId } = groupIdInput.parse(raw);
  return db.transaction(async (tx) => {
    await lockHierarchy(tx, actor.orgId);
    const group = await requireGroup(tx, actor.orgId, groupId);
    if (!group.archivedAt) return group;
    if (group.parentId) {
      const parent = await requireGroup(tx, actor.orgId, group.parentId);
      if (parent.archivedAt)
        throw new Invalid(`Its parent ${parent.name} is archived: restore ${parent.name} first.`);
    }
    const now = new Date();
    const [restored] = await tx
      .update(groups)
      .set({
        archivedAt: null,
        endsAt: group.endsAt && group.endsAt <= now ? null : group.endsAt,
        updatedAt: now,
      })
      .where(and(eq(groups.orgId, actor.orgId), eq(groups.id, group.id)))
      .returning();
    await audit(
      tx,
      actor,
      "group.restored",
      { type: "group", id: group.id },
      { before: snapshot(group), after: snapshot(restored!) },
    );
    return restored!;
  });
}

/**
 * Archives every temporary group, of every organisation, whose end date has passed. Idempotent,
 * so any number of app instances may run it; each archive is audited as done by Gatehouse.
 */
export async function archiveExpiredGroups(db: Db, now = new Date()): Promise<Group[]> {
  return db.transaction(async (tx) => {
    const expired = await tx
      .update(groups)
      .set({ archivedAt: now, isDefault: false, updatedAt: now })
      .where(and(isNotNull(groups.endsAt), lte(groups.endsAt, now), isNull(groups.archivedAt)))
      .returning();
    for (const group of expired) {
      await audit(
        tx,
        systemActor(group.orgId),
        "group.archived",
        { type: "group", id: group.id },
        { after: { reason: "end date passed", endsAt: group.endsAt } },
      );
    }
    return expired;
  });
}

/** The group's monthly budget (none, soft: alerts only, hard: the gateway denies once reached). */
export async function setGroupBudget(
  db: Db,
  actor: Actor,
  raw: SetGroupBudgetInput,
): Promise<Group> {
  assertCan(actor, "org:manage");
  const input = setGroupBudgetInput.parse(raw);
  return db.transaction(async (tx) => {
    const before = await requireGroup(tx, actor.orgId, input.groupId, { forUpdate: true });
    const [after] = await tx
      .update(groups)
      .set({
        monthlyBudgetMicros: input.budgetDollars,
        budgetMode: input.mode,
        alertThresholds: input.thresholds,
        updatedAt: new Date(),
      })
      .where(eq(groups.id, before.id))
      .returning();
    const budget = (g: Group) => ({
      monthlyBudgetMicros: g.monthlyBudgetMicros,
      budgetMode: g.budgetMode,
      alertThresholds: g.alertThresholds,
    });
    await audit(
      tx,
      actor,
      "group.budget_set",
      { type: "group", id: before.id },
      { before: budget(before), after: budget(after!) },
    );
    return after!;
  });
}

import { and, count, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { uuidArray } from "@/db/rows";
import { groupMembers, groups } from "@/db/schema";
import { audit } from "@/lib/audit/record";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { Conflict, Invalid } from "@/lib/errors";
import { assertMembershipEditable, requireGroups } from "@/lib/groups/lookup";
import { requireMembers } from "@/lib/members/lookup";
import {
  type AddMembersInput,
  type MembershipChange,
  type MoveMembersInput,
  type RemoveMembersInput,
  addMembersInput,
  membershipChange,
  moveMembersInput,
  removeMembersInput,
} from "./schemas";
import { restoreMemberships } from "@/lib/rules/sync";
import { deleteMemberships, insertMemberships, keepOutOfRules, liftRuleExceptions } from "./write";

export interface ChangeResult extends MembershipChange {
  /** Pairs asked for that were already as requested (already a member, or not a member). */
  unchanged: number;
}

/** Adds every member to every group (a copy: other memberships stay), in one statement. */
export async function addMembers(
  db: Db,
  actor: Actor,
  raw: AddMembersInput,
): Promise<ChangeResult> {
  assertCan(actor, "org:manage");
  const input = addMembersInput.parse(raw);
  return db.transaction(async (tx) => {
    assertMembershipEditable(
      (await requireGroups(tx, actor.orgId, input.groupIds, { live: true })).values(),
    );
    await requireMembers(tx, actor.orgId, input.memberIds);
    const added = await insertMemberships(tx, actor, input);
    if (added.length) {
      await audit(
        tx,
        actor,
        "memberships.added",
        { type: "groups", id: input.groupIds.join(",") },
        { after: { added } },
      );
    }
    return {
      added,
      removed: [],
      unchanged: input.memberIds.length * input.groupIds.length - added.length,
    };
  });
}

/** What addMembers would do, for the confirmation step of the bulk dialog. */
export async function previewAddMembers(db: Db, actor: Actor, raw: AddMembersInput) {
  assertCan(actor, "org:manage");
  const input = addMembersInput.parse(raw);
  assertMembershipEditable(
    (await requireGroups(db, actor.orgId, input.groupIds, { live: true })).values(),
  );
  await requireMembers(db, actor.orgId, input.memberIds);
  const [row] = await db
    .select({ n: count() })
    .from(groupMembers)
    .where(
      and(
        eq(groupMembers.orgId, actor.orgId),
        inArray(groupMembers.groupId, input.groupIds),
        sql`${groupMembers.memberId} = any(${uuidArray(input.memberIds)})`,
      ),
    );
  const total = input.memberIds.length * input.groupIds.length;
  const alreadyMembers = row?.n ?? 0;
  return { toAdd: total - alreadyMembers, alreadyMembers };
}

/** Removes every member from every group. */
export async function removeMembers(
  db: Db,
  actor: Actor,
  raw: RemoveMembersInput,
): Promise<ChangeResult> {
  assertCan(actor, "org:manage");
  const input = removeMembersInput.parse(raw);
  return db.transaction(async (tx) => {
    assertMembershipEditable((await requireGroups(tx, actor.orgId, input.groupIds)).values());
    await requireMembers(tx, actor.orgId, input.memberIds);
    const keptOut = input.keepOutOfRules ? await keepOutOfRules(tx, actor, input) : [];
    const removed = await deleteMemberships(tx, actor, input);
    if (removed.length) {
      await audit(
        tx,
        actor,
        "memberships.removed",
        { type: "groups", id: input.groupIds.join(",") },
        { before: { removed }, after: keptOut.length ? { keptOutOfRules: keptOut } : undefined },
      );
    }
    return {
      added: [],
      removed,
      unchanged: input.memberIds.length * input.groupIds.length - removed.length,
    };
  });
}

/**
 * Moves members from one group to another in one transaction: out of the source, into the
 * target. Members already in the target are left as they are (nothing to move). If a member is
 * no longer in the source, someone else changed it since the caller looked: the whole move is
 * refused rather than overwriting that change.
 */
export async function moveMembers(
  db: Db,
  actor: Actor,
  raw: MoveMembersInput,
): Promise<ChangeResult> {
  assertCan(actor, "org:manage");
  const input = moveMembersInput.parse(raw);
  return db.transaction(async (tx) => {
    const groupsById = await requireGroups(tx, actor.orgId, [input.fromGroupId, input.toGroupId]);
    const target = groupsById.get(input.toGroupId)!;
    const source = groupsById.get(input.fromGroupId)!;
    assertMembershipEditable([source, target]);
    if (target.archivedAt) throw new Invalid(`${target.name} is archived: restore it first.`);
    const members = await requireMembers(tx, actor.orgId, input.memberIds);
    const alreadyInTarget = new Set(
      (
        await tx
          .select({ memberId: groupMembers.memberId })
          .from(groupMembers)
          .where(
            and(
              eq(groupMembers.groupId, target.id),
              sql`${groupMembers.memberId} = any(${uuidArray(input.memberIds)})`,
            ),
          )
      ).map((r) => r.memberId),
    );
    const moving = input.memberIds.filter((id) => !alreadyInTarget.has(id));
    const keptOut = input.keepOutOfRules
      ? await keepOutOfRules(tx, actor, { memberIds: moving, groupIds: [source.id] })
      : [];
    const removed = await deleteMemberships(tx, actor, {
      memberIds: moving,
      groupIds: [source.id],
    });
    if (removed.length !== moving.length) {
      const gone = moving
        .filter((id) => !removed.some((r) => r.memberId === id))
        .map((id) => members.get(id)!.name);
      throw new Conflict(
        `${listNames(gone)} ${gone.length === 1 ? "is" : "are"} no longer in ${source.name}: someone else changed it. Nothing was moved; the latest memberships are shown now.`,
      );
    }
    const added = await insertMemberships(tx, actor, { memberIds: moving, groupIds: [target.id] });
    // Someone may have added them to the target meanwhile: leaving the source is a change too.
    if (added.length || removed.length) {
      await audit(
        tx,
        actor,
        "memberships.moved",
        { type: "group", id: target.id },
        {
          before: { groupId: source.id, memberIds: moving },
          after: {
            groupId: target.id,
            memberIds: moving,
            keptOutOfRules: keptOut.length ? keptOut : undefined,
          },
        },
      );
    }
    return { added, removed, unchanged: alreadyInTarget.size };
  });
}

/** Undoes a change returned by one of the commands above: ends what it added, restores what it removed. */
export async function revertMembershipChange(
  db: Db,
  actor: Actor,
  raw: MembershipChange,
): Promise<ChangeResult> {
  assertCan(actor, "org:manage");
  const change = membershipChange.parse(raw);
  return db.transaction(async (tx) => {
    // Ids of another organisation's groups are ignored, like unknown ones (the write skips them).
    const touched = [...new Set([...change.added, ...change.removed].map((p) => p.groupId))];
    if (touched.length)
      assertMembershipEditable(
        await tx
          .select()
          .from(groups)
          .where(and(eq(groups.orgId, actor.orgId), inArray(groups.id, touched))),
      );
    const removed = await deleteMemberships(tx, actor, change.added);
    // Back in the group, no one is kept out of it any more (an undone "keep out" included).
    const exceptionsLifted = await liftRuleExceptions(tx, actor, change.removed);
    const added = await restoreMemberships(tx, actor, change.removed);
    if (added.length || removed.length) {
      await audit(
        tx,
        actor,
        "memberships.reverted",
        { type: "memberships" },
        {
          before: { added: change.added },
          after: {
            restored: added,
            exceptionsLifted: exceptionsLifted.length ? exceptionsLifted : undefined,
          },
        },
      );
    }
    return {
      added,
      removed,
      unchanged: change.added.length + change.removed.length - added.length - removed.length,
    };
  });
}

export function listNames(names: string[]): string {
  if (names.length <= 2) return names.join(" and ");
  return `${names.slice(0, 2).join(", ")} and ${names.length - 2} more`;
}

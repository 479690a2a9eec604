import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import { auditLog } from "@/db/schema";
import {
  archiveGroup,
  createGroup,
  moveGroup,
  restoreGroup,
  updateGroup,
} from "@/lib/groups/commands";
import {
  addMember,
  changeMemberRole,
  reactivateMember,
  removeMember,
  setSpendingLimit,
  suspendMember,
} from "@/lib/members/commands";
import {
  addMembers,
  moveMembers,
  removeMembers,
  revertMembershipChange,
} from "@/lib/memberships/commands";
import { testDatabase } from "@/test/db";
import { orgFixture } from "@/test/fixtures";

let db: Db;
beforeAll(async () => {
  ({ db } = await testDatabase());
});

// Every change an admin makes leaves exactly one audit row naming who, what and which target.
describe("audit rows", () => {
  it("are written by every group, membership and member command", async () => {
    const f = await orgFixture(db, "owner");
    const rows = async (action: string) =>
      db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.orgId, f.org.id), eq(auditLog.action, action)));
    const expectOne = async (action: string, targetId?: string) => {
      const found = await rows(action);
      expect(found, action).toHaveLength(1);
      expect(found[0]!.actorUserId).toBe(f.actor.kind === "user" ? f.actor.userId : null);
      if (targetId) expect(found[0]!.targetId).toBe(targetId);
    };

    const a = await createGroup(db, f.actor, { name: "A", kind: "department" });
    await expectOne("group.created", a.id);
    const b = await createGroup(db, f.actor, { name: "B", kind: "department" });
    await updateGroup(db, f.actor, { groupId: a.id, name: "A2", kind: "project" });
    await expectOne("group.updated", a.id);
    await moveGroup(db, f.actor, { groupId: b.id, parentId: a.id });
    await expectOne("group.moved", b.id);

    const p = await f.person("P");
    await addMembers(db, f.actor, { memberIds: [p.id], groupIds: [b.id] });
    await expectOne("memberships.added");
    const moved = await moveMembers(db, f.actor, {
      memberIds: [p.id],
      fromGroupId: b.id,
      toGroupId: a.id,
    });
    await expectOne("memberships.moved", a.id);
    await revertMembershipChange(db, f.actor, moved);
    await expectOne("memberships.reverted");
    await removeMembers(db, f.actor, { memberIds: [p.id], groupIds: [b.id] });
    await expectOne("memberships.removed");

    await moveGroup(db, f.actor, { groupId: b.id, parentId: null });
    await archiveGroup(db, f.actor, { groupId: b.id });
    await expectOne("group.archived", b.id);
    await restoreGroup(db, f.actor, { groupId: b.id });
    await expectOne("group.restored", b.id);

    const added = await addMember(db, f.actor, {
      access: "invite",
      email: "q@example.test",
      name: "Q",
      role: "member",
    });
    await expectOne("member.added", added.memberId);
    await changeMemberRole(db, f.actor, { memberId: added.memberId, role: "admin" });
    await expectOne("member.role_changed", added.memberId);
    await setSpendingLimit(db, f.actor, { memberId: added.memberId, limitDollars: "20" });
    await expectOne("member.limit_changed", added.memberId);
    await suspendMember(db, f.actor, { memberId: added.memberId });
    await expectOne("member.suspended", added.memberId);
    await reactivateMember(db, f.actor, { memberId: added.memberId });
    await expectOne("member.reactivated", added.memberId);
    await removeMember(db, f.actor, { memberId: added.memberId });
    await expectOne("member.removed", added.memberId);
  });

  it("are not written when a command is refused", async () => {
    const f = await orgFixture(db, "owner");
    await expect(createGroup(db, f.actor, { name: "", kind: "department" })).rejects.toThrow();
    await expect(
      changeMemberRole(db, f.actor, { memberId: f.me.id, role: "member" }),
    ).rejects.toThrow();
    const all = await db.select().from(auditLog).where(eq(auditLog.orgId, f.org.id));
    expect(all).toEqual([]);
  });

  it("cannot be changed or deleted, even by the database user the app runs as", async () => {
    const f = await orgFixture(db);
    await createGroup(db, f.actor, { name: "Z", kind: "custom" });
    // Drizzle wraps the database's error; the trigger's message is its cause.
    const refusal = (promise: Promise<unknown>) =>
      promise.then(
        () => "allowed",
        (error: Error & { cause?: Error }) => error.cause?.message ?? error.message,
      );
    expect(await refusal(db.delete(auditLog).where(eq(auditLog.orgId, f.org.id)))).toMatch(
      /cannot be changed or deleted/,
    );
    expect(
      await refusal(db.update(auditLog).set({ action: "x" }).where(eq(auditLog.orgId, f.org.id))),
    ).toMatch(/cannot be changed or deleted/);
  });
});

import { and, eq, isNull } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import { auditLog, groupMembers, groupMembershipHistory } from "@/db/schema";
import { Conflict, Forbidden, NotFound } from "@/lib/errors";
import { testDatabase } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import {
  addMembers,
  moveMembers,
  previewAddMembers,
  removeMembers,
  revertMembershipChange,
} from "./commands";

let db: Db;
beforeAll(async () => {
  ({ db } = await testDatabase());
});

async function groupsOf(memberId: string) {
  const rows = await db
    .select({ groupId: groupMembers.groupId })
    .from(groupMembers)
    .where(eq(groupMembers.memberId, memberId));
  return rows.map((r) => r.groupId).sort();
}

describe("moveMembers", () => {
  it("moves from the source to the target and keeps the member's other groups", async () => {
    const f = await orgFixture(db);
    const [backend, content, beta] = [
      await f.group("Backend"),
      await f.group("Content"),
      await f.group("Beta"),
    ];
    const ann = await f.person("Ann");
    await f.join(backend, ann.id);
    await f.join(beta, ann.id);
    const result = await moveMembers(db, f.actor, {
      memberIds: [ann.id],
      fromGroupId: backend,
      toGroupId: content,
    });
    expect(await groupsOf(ann.id)).toEqual([beta, content].sort());
    expect(result).toMatchObject({
      added: [{ groupId: content, memberId: ann.id }],
      removed: [{ groupId: backend, memberId: ann.id }],
    });
    const open = await db
      .select()
      .from(groupMembershipHistory)
      .where(
        and(eq(groupMembershipHistory.memberId, ann.id), isNull(groupMembershipHistory.validTo)),
      );
    expect(open.map((h) => h.groupId).sort()).toEqual([beta, content].sort());
    const audits = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.orgId, f.org.id), eq(auditLog.action, "memberships.moved")));
    expect(audits).toHaveLength(1);
  });

  it("leaves a member who is already in the target where they are, and says so", async () => {
    const f = await orgFixture(db);
    const [a, b] = [await f.group("A"), await f.group("B")];
    const bob = await f.person("Bob");
    await f.join(a, bob.id);
    await f.join(b, bob.id);
    const result = await moveMembers(db, f.actor, {
      memberIds: [bob.id],
      fromGroupId: a,
      toGroupId: b,
    });
    expect(result).toEqual({ added: [], removed: [], unchanged: 1 });
    expect(await groupsOf(bob.id)).toEqual([a, b].sort());
  });

  it("refuses a move based on stale data and changes nothing", async () => {
    const f = await orgFixture(db);
    const [a, b, c] = [await f.group("A"), await f.group("B"), await f.group("C")];
    const [cy, di] = [await f.person("Cy"), await f.person("Di")];
    await f.join(a, cy.id);
    await f.join(a, di.id);
    // Another admin moved Di to C meanwhile; this admin still sees Di in A.
    await moveMembers(db, f.actor, { memberIds: [di.id], fromGroupId: a, toGroupId: c });
    await expect(
      moveMembers(db, f.actor, { memberIds: [cy.id, di.id], fromGroupId: a, toGroupId: b }),
    ).rejects.toThrow(/Di is no longer in A/);
    expect(await groupsOf(cy.id)).toEqual([a]);
    expect(await groupsOf(di.id)).toEqual([c]);
  });
});

describe("addMembers (copy and bulk assign)", () => {
  it("only adds: existing memberships stay", async () => {
    const f = await orgFixture(db);
    const [a, b] = [await f.group("A"), await f.group("B")];
    const eve = await f.person("Eve");
    await f.join(a, eve.id);
    await addMembers(db, f.actor, { memberIds: [eve.id], groupIds: [b] });
    expect(await groupsOf(eve.id)).toEqual([a, b].sort());
  });

  it("is idempotent and reports what it did", async () => {
    const f = await orgFixture(db);
    const [a, b] = [await f.group("A"), await f.group("B")];
    const people = await Promise.all(Array.from({ length: 25 }, (_, i) => f.person(`P${i}`)));
    for (const p of people.slice(0, 5)) await f.join(a, p.id);
    const memberIds = people.map((p) => p.id);
    expect(await previewAddMembers(db, f.actor, { memberIds, groupIds: [a, b] })).toEqual({
      toAdd: 45,
      alreadyMembers: 5,
    });
    const first = await addMembers(db, f.actor, { memberIds, groupIds: [a, b] });
    expect(first.added).toHaveLength(45);
    expect(first.unchanged).toBe(5);
    const again = await addMembers(db, f.actor, { memberIds, groupIds: [a, b] });
    expect(again).toEqual({ added: [], removed: [], unchanged: 50 });
    const rows = await db.select().from(groupMembers).where(eq(groupMembers.orgId, f.org.id));
    expect(rows).toHaveLength(50);
  });

  it("refuses ids of another organisation as unknown, and writes nothing", async () => {
    const mine = await orgFixture(db);
    const theirs = await orgFixture(db);
    const myGroup = await mine.group("Mine");
    const theirGroup = await theirs.group("Theirs");
    const theirPerson = await theirs.person("Zed");
    const myPerson = await mine.person("Yan");
    await expect(
      addMembers(db, mine.actor, { memberIds: [myPerson.id], groupIds: [theirGroup] }),
    ).rejects.toBeInstanceOf(NotFound);
    await expect(
      addMembers(db, mine.actor, { memberIds: [theirPerson.id], groupIds: [myGroup] }),
    ).rejects.toBeInstanceOf(NotFound);
    await expect(
      moveMembers(db, mine.actor, {
        memberIds: [theirPerson.id],
        fromGroupId: theirGroup,
        toGroupId: myGroup,
      }),
    ).rejects.toBeInstanceOf(NotFound);
    await expect(
      removeMembers(db, mine.actor, { memberIds: [theirPerson.id], groupIds: [theirGroup] }),
    ).rejects.toBeInstanceOf(NotFound);
    expect(
      await db.select().from(groupMembers).where(eq(groupMembers.groupId, myGroup)),
    ).toHaveLength(0);
  });

  it("refuses members of the organisation with the member role", async () => {
    const f = await orgFixture(db, "member");
    const a = await f.group("A");
    await expect(
      addMembers(db, f.actor, { memberIds: [f.me.id], groupIds: [a] }),
    ).rejects.toBeInstanceOf(Forbidden);
  });
});

describe("revertMembershipChange (undo)", () => {
  it("restores exactly the memberships before a move", async () => {
    const f = await orgFixture(db);
    const [a, b, keep] = [await f.group("A"), await f.group("B"), await f.group("Keep")];
    const [gus, hal] = [await f.person("Gus"), await f.person("Hal")];
    await f.join(a, gus.id);
    await f.join(keep, gus.id);
    await f.join(a, hal.id);
    await f.join(b, hal.id);
    const before = [await groupsOf(gus.id), await groupsOf(hal.id)];
    const change = await moveMembers(db, f.actor, {
      memberIds: [gus.id, hal.id],
      fromGroupId: a,
      toGroupId: b,
    });
    await revertMembershipChange(db, f.actor, change);
    expect([await groupsOf(gus.id), await groupsOf(hal.id)]).toEqual(before);
  });

  it("restores what a bulk removal removed", async () => {
    const f = await orgFixture(db);
    const [a, b] = [await f.group("A"), await f.group("B")];
    const ivy = await f.person("Ivy");
    await f.join(a, ivy.id);
    await f.join(b, ivy.id);
    const change = await removeMembers(db, f.actor, { memberIds: [ivy.id], groupIds: [a, b] });
    expect(await groupsOf(ivy.id)).toEqual([]);
    await revertMembershipChange(db, f.actor, change);
    expect(await groupsOf(ivy.id)).toEqual([a, b].sort());
  });

  it("cannot touch another organisation's memberships", async () => {
    const mine = await orgFixture(db);
    const theirs = await orgFixture(db);
    const g = await theirs.group("G");
    const p = await theirs.person("P");
    await theirs.join(g, p.id);
    const result = await revertMembershipChange(db, mine.actor, {
      added: [{ groupId: g, memberId: p.id }],
      removed: [],
    });
    expect(result.removed).toEqual([]);
    expect(await groupsOf(p.id)).toEqual([g]);
  });
});

describe("input", () => {
  it("rejects empty and malformed selections with a message", async () => {
    const f = await orgFixture(db);
    await expect(addMembers(db, f.actor, { memberIds: [], groupIds: [] })).rejects.toThrow(
      /Choose at least one member/,
    );
    await expect(addMembers(db, f.actor, { memberIds: ["x"], groupIds: ["y"] })).rejects.toThrow(
      /Unknown member/,
    );
  });

  it("treats a concurrent identical bulk assign as one", async () => {
    const f = await orgFixture(db);
    const a = await f.group("A");
    const people = await Promise.all(Array.from({ length: 10 }, (_, i) => f.person(`C${i}`)));
    const input = { memberIds: people.map((p) => p.id), groupIds: [a] };
    const results = await Promise.allSettled([
      addMembers(db, f.actor, input),
      addMembers(db, f.actor, input),
    ]);
    const added = results.flatMap((r) => (r.status === "fulfilled" ? r.value.added : []));
    expect(added).toHaveLength(10);
    expect(results.every((r) => r.status === "fulfilled" || r.reason instanceof Conflict)).toBe(
      true,
    );
  });
});

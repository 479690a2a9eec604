import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import { groupMembers, orgMembers } from "@/db/schema";
import { insertGroup } from "@/db/seed/builders";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { Forbidden, Invalid } from "@/lib/errors";
import { testDatabase } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import {
  acceptInvitation,
  addMember,
  changeMemberRole,
  removeMember,
  setSpendingLimit,
  suspendMember,
} from "./commands";
import { listMembers, matchingMemberIds } from "./queries";

let db: Db;
beforeAll(async () => {
  ({ db } = await testDatabase());
});

const limits = { maxFailuresPerAccount: 5, maxFailuresPerIp: 100, windowMinutes: 15 };

describe("addMember", () => {
  it("adds a member with a password who can sign in, into the default groups", async () => {
    const f = await orgFixture(db);
    const everyone = await insertGroup(db, {
      orgId: f.org.id,
      name: "Everyone",
      kind: "custom",
      isDefault: true,
    });
    const result = await addMember(db, f.actor, {
      access: "password",
      email: "New.Person@Example.test",
      name: "New Person",
      role: "member",
      password: "a long enough password",
    });
    expect(result.defaultGroups).toEqual(["Everyone"]);
    expect(
      await db.select().from(groupMembers).where(eq(groupMembers.groupId, everyone.id)),
    ).toHaveLength(1);
    const signIn = await signInWithPassword(
      db,
      { email: "new.person@example.test", password: "a long enough password", ip: "1.1.1.1" },
      limits,
    );
    expect(signIn.ok).toBe(true);
    await expect(
      addMember(db, f.actor, {
        access: "invite",
        email: "new.person@example.test",
        name: "Again",
        role: "member",
      }),
    ).rejects.toThrow("new.person@example.test is already a member.");
  });

  it("invites with a link that works once", async () => {
    const f = await orgFixture(db);
    const { invitationPath } = await addMember(db, f.actor, {
      access: "invite",
      email: "inv@example.test",
      name: "Inv",
      role: "admin",
    });
    const token = invitationPath!.split("/").at(-1)!;
    await acceptInvitation(db, { token, password: "correct horse battery" });
    await expect(acceptInvitation(db, { token, password: "another password!!" })).rejects.toThrow(
      /invalid, used or expired/,
    );
    expect(
      (
        await signInWithPassword(
          db,
          { email: "inv@example.test", password: "correct horse battery", ip: "1.1.1.2" },
          limits,
        )
      ).ok,
    ).toBe(true);
  });

  it("lets only owners add owners", async () => {
    const f = await orgFixture(db, "admin");
    await expect(
      addMember(db, f.actor, {
        access: "invite",
        email: "o@example.test",
        name: "O",
        role: "owner",
      }),
    ).rejects.toBeInstanceOf(Forbidden);
  });
});

describe("owners", () => {
  it("never lets the last owner be demoted, suspended or removed", async () => {
    const f = await orgFixture(db, "owner");
    await expect(
      changeMemberRole(db, f.actor, { memberId: f.me.id, role: "admin" }),
    ).rejects.toThrow("Actor is the last owner and cannot be demoted.");
    await expect(suspendMember(db, f.actor, { memberId: f.me.id })).rejects.toBeInstanceOf(Invalid);
    await expect(removeMember(db, f.actor, { memberId: f.me.id })).rejects.toBeInstanceOf(Invalid);
    const second = await f.person("Second", "owner");
    await changeMemberRole(db, f.actor, { memberId: f.me.id, role: "admin" });
    const [row] = await db.select().from(orgMembers).where(eq(orgMembers.id, f.me.id));
    expect(row!.role).toBe("admin");
    expect(second.role).toBe("owner");
  });

  it("keeps one owner when two owners demote each other at once", async () => {
    const f = await orgFixture(db, "owner");
    const other = await f.person("Other", "owner");
    const otherActor = { ...f.actor, userId: other.userId, memberId: other.id, label: "Other" };
    const results = await Promise.allSettled([
      changeMemberRole(db, f.actor, { memberId: other.id, role: "member" }),
      changeMemberRole(db, otherActor, { memberId: f.me.id, role: "member" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const owners = await db.select().from(orgMembers).where(eq(orgMembers.orgId, f.org.id));
    expect(owners.filter((o) => o.role === "owner")).toHaveLength(1);
  });
});

describe("members", () => {
  it("removes a member from the organisation and all their groups", async () => {
    const f = await orgFixture(db);
    const g = await f.group("G");
    const p = await f.person("Leaving");
    await f.join(g, p.id);
    await removeMember(db, f.actor, { memberId: p.id });
    expect(
      await db.select().from(groupMembers).where(eq(groupMembers.memberId, p.id)),
    ).toHaveLength(0);
    const { rows } = await listMembers(db, f.actor, { q: "Leaving" });
    expect(rows).toHaveLength(0);
  });

  it("sets a spending limit in dollars and stores micro-dollars", async () => {
    const f = await orgFixture(db);
    const p = await f.person("Limited");
    await setSpendingLimit(db, f.actor, { memberId: p.id, limitDollars: "12.34" });
    const [row] = await db.select().from(orgMembers).where(eq(orgMembers.id, p.id));
    expect(row!.monthlyLimitMicros).toBe(12_340_000);
    await expect(
      setSpendingLimit(db, f.actor, { memberId: p.id, limitDollars: "-5" }),
    ).rejects.toThrow(/between \$0/);
    await expect(
      setSpendingLimit(db, f.actor, { memberId: p.id, limitDollars: "abc" }),
    ).rejects.toThrow();
  });

  it("filters by search, group and not-in-group, and counts every match", async () => {
    const f = await orgFixture(db);
    const [a, b] = [await f.group("A"), await f.group("B")];
    const people = await Promise.all(["Alma", "Alba", "Bert", "Ceri"].map((n) => f.person(n)));
    await f.join(a, people[0]!.id);
    await f.join(a, people[1]!.id);
    await f.join(b, people[1]!.id);
    expect((await listMembers(db, f.actor, { q: "al" })).total).toBe(2);
    expect(
      (await listMembers(db, f.actor, { groupId: a, notInGroupId: b })).rows.map((r) => r.name),
    ).toEqual(["Alma"]);
    expect((await listMembers(db, f.actor, { q: "%" })).total).toBe(0);
    const page = await listMembers(db, f.actor, { pageSize: 10, sort: "name", dir: "desc" });
    expect(page.rows.map((r) => r.name)).toEqual(["Ceri", "Bert", "Alma", "Alba", "Actor"]);
    expect(await matchingMemberIds(db, f.actor, { notInGroupId: a })).toHaveLength(3);
  });
});

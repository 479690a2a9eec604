import { and, eq, isNull } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import type { Db } from "@/db/connect";
import {
  auditLog,
  groupMembershipHistory,
  groups,
  orgMembers,
  userSessions,
  users,
} from "@/db/schema";
import { insertApiKey } from "@/db/seed/builders";
import { authorize } from "@/lib/access/authorize";
import { startSession } from "@/lib/auth/sessions";
import { bothDatabases, testDatabase } from "@/test/db";
import { GROUP, USER, patchOp, scimOrg } from "@/test/scim";

// Okta's provisioning flows (developer.okta.com, "SCIM 2.0 … Okta's SCIM implementation"),
// replayed as Okta sends them: a lookup by userName before every create, POST with a password and
// `groups: []`, PUT of the full user to update, deactivation by PATCH without a path (never a
// DELETE), group push by POST then PATCHes that carry the group's name with every membership
// change, and member removal by a value filter.

vi.mock("@/db/client", () => ({ getDb: vi.fn() }));
vi.mock("@/app/_server/auth", () => ({ publicOrigin: () => "https://gatehouse.test" }));

const oktaUser = (login: string, given: string, family: string, extra: object = {}) => ({
  schemas: [USER],
  userName: login,
  name: { givenName: given, familyName: family },
  emails: [{ primary: true, value: login, type: "work" }],
  displayName: `${given} ${family}`,
  locale: "en-US",
  externalId: `00u${given.toLowerCase()}`,
  groups: [],
  password: "Okta-s3cret-Passw0rd",
  active: true,
  ...extra,
});

describe.each(bothDatabases())("Okta against %s", (on) => {
  let db: Db;
  beforeAll(async () => {
    ({ db } = await testDatabase(on));
    vi.mocked(getDb).mockResolvedValue(db);
  });

  it("provisions, updates, deactivates and reactivates a user as Okta does", async () => {
    const o = await scimOrg(db);
    const everyone = await o.group("Everyone");
    await db.update(groups).set({ isDefault: true }).where(eq(groups.id, everyone));
    const lookup = await o.scim.get(
      `/Users?filter=${encodeURIComponent('userName eq "ann.lee@acme.com"')}&startIndex=1&count=100`,
    );
    expect(lookup.status).toBe(200);
    expect(lookup.body).toMatchObject({ totalResults: 0, Resources: [] });

    const created = await o.scim.post("/Users", oktaUser("ann.lee@acme.com", "Ann", "Lee"));
    expect(created.status).toBe(201);
    expect(created.headers.get("content-type")).toBe("application/scim+json");
    expect(created.headers.get("location")).toBe(created.body.meta.location);
    expect(created.body).toMatchObject({
      userName: "ann.lee@acme.com",
      externalId: "00uann",
      active: true,
      name: { givenName: "Ann", familyName: "Lee" },
    });
    expect(created.body.password).toBeUndefined();
    const id = created.body.id as string;

    // A member: no password, in the default group, signs in by single sign-on.
    const [member] = await db
      .select({
        status: orgMembers.status,
        role: orgMembers.role,
        passwordHash: users.passwordHash,
        name: users.name,
      })
      .from(orgMembers)
      .innerJoin(users, eq(users.id, orgMembers.userId))
      .where(eq(orgMembers.id, id));
    expect(member).toEqual({
      status: "active",
      role: "member",
      passwordHash: null,
      name: "Ann Lee",
    });
    const history = await db
      .select({ groupId: groupMembershipHistory.groupId, source: groupMembershipHistory.source })
      .from(groupMembershipHistory)
      .where(eq(groupMembershipHistory.memberId, id));
    expect(history).toEqual([{ groupId: everyone, source: "rule" }]);

    // Okta's update: the full user again, here without `active` — nobody is suspended by that.
    const { active: _active, ...withoutActive } = oktaUser("ann.lee@acme.com", "Ann", "Lee-Smith", {
      title: "Staff Engineer",
    });
    const updated = await o.scim.put(`/Users/${id}`, withoutActive);
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      active: true,
      title: "Staff Engineer",
      name: { familyName: "Lee-Smith" },
    });

    // Sessions and the gateway: deactivation ends both at once.
    const [userRow] = await db
      .select({ userId: orgMembers.userId })
      .from(orgMembers)
      .where(eq(orgMembers.id, id));
    await startSession(db, userRow!.userId);
    const team = await o.group("Team");
    await o.join(team, id);
    const { secret } = await insertApiKey(db, {
      orgId: o.org.id,
      name: "team-key",
      features: [],
      policy: { allowedModels: [], fallbackModels: [], loadBalancing: "none", weights: {} },
      groupIds: [team],
    });
    const gateway = {
      kind: "gateway" as const,
      tokenId: "t",
      orgId: o.org.id,
      label: "gateway:test",
    };
    const ask = () =>
      authorize(db, gateway, {
        apiKey: secret,
        user: { email: "ann.lee@acme.com" },
        model: "gpt-4o-mini",
      });
    expect((await ask()).allow).toBe(true);

    const deactivated = await o.scim.patch(
      `/Users/${id}`,
      patchOp({ op: "replace", value: { active: false } }),
    );
    expect(deactivated.status).toBe(200);
    expect(deactivated.body.active).toBe(false);
    expect(await ask()).toMatchObject({ allow: false, reason: "user_suspended" });
    const live = await db
      .select({ id: userSessions.id })
      .from(userSessions)
      .where(and(eq(userSessions.userId, userRow!.userId), isNull(userSessions.endedAt)));
    expect(live).toEqual([]);
    // Suspended, not removed: their groups stay, for when they come back.
    expect((await o.scim.get(`/Users/${id}`)).body.active).toBe(false);

    const reactivated = await o.scim.patch(
      `/Users/${id}`,
      patchOp({ op: "replace", value: { active: true } }),
    );
    expect(reactivated.body.active).toBe(true);
    expect((await ask()).allow).toBe(true);

    const actions = await db
      .select({ action: auditLog.action, kind: auditLog.actorKind, label: auditLog.actorLabel })
      .from(auditLog)
      .where(and(eq(auditLog.orgId, o.org.id), eq(auditLog.targetId, id)))
      .orderBy(auditLog.createdAt);
    expect(actions.map((a) => a.action)).toEqual([
      "member.provisioned",
      "member.directory_updated",
      "member.suspended",
      "member.reactivated",
    ]);
    expect(new Set(actions.map((a) => `${a.kind} ${a.label}`))).toEqual(
      new Set(["directory directory:okta"]),
    );
  });

  it("links a person who is already a member instead of duplicating them", async () => {
    const o = await scimOrg(db);
    const bob = await o.person("Bob");
    const email = `bob@${o.org.slug}.test`;
    const created = await o.scim.post("/Users", oktaUser(email, "Bob", "Stone"));
    expect(created.status).toBe(201);
    expect(created.body.id).toBe(bob.id);
    const count = await db
      .select({ id: orgMembers.id })
      .from(orgMembers)
      .where(eq(orgMembers.orgId, o.org.id));
    expect(count).toHaveLength(2);
    // Provisioning the same person again is a duplicate.
    const again = await o.scim.post("/Users", oktaUser(email, "Bob", "Stone"));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ scimType: "uniqueness", status: "409" });
  });

  it("pushes a group, adds and removes members, and renames it as Okta does", async () => {
    const o = await scimOrg(db);
    const ann = (await o.scim.post("/Users", oktaUser("ann@okta.example", "Ann", "Lee"))).body.id;
    const bob = (await o.scim.post("/Users", oktaUser("bob@okta.example", "Bob", "Ray"))).body.id;
    expect(
      (await o.scim.get(`/Groups?filter=${encodeURIComponent('displayName eq "Backend"')}`)).body
        .totalResults,
    ).toBe(0);
    const pushed = await o.scim.post("/Groups", {
      schemas: [GROUP],
      displayName: "Backend",
      members: [],
    });
    expect(pushed.status).toBe(201);
    const gid = pushed.body.id as string;

    const add = await o.scim.patch(
      `/Groups/${gid}`,
      patchOp(
        { op: "replace", value: { id: gid, displayName: "Backend" } },
        {
          op: "add",
          path: "members",
          value: [
            { value: ann, display: "ann@okta.example" },
            { value: bob, display: "bob@okta.example" },
          ],
        },
      ),
    );
    expect(add.status).toBe(204);
    const read = await o.scim.get(`/Groups/${gid}`);
    expect(read.body.members.map((m: { value: string }) => m.value).sort()).toEqual(
      [ann, bob].sort(),
    );

    const removeAt = new Date();
    const remove = await o.scim.patch(
      `/Groups/${gid}`,
      patchOp(
        { op: "replace", value: { id: gid, displayName: "Backend Engineers" } },
        { op: "remove", path: `members[value eq "${bob}"]` },
      ),
    );
    expect(remove.status).toBe(204);
    const after = await o.scim.get(`/Groups/${gid}`);
    expect(after.body.displayName).toBe("Backend Engineers");
    expect(after.body.members.map((m: { value: string }) => m.value)).toEqual([ann]);

    // The membership history ends Bob's membership when Okta removed it: spend stays point in time.
    const bobHistory = await db
      .select({
        from: groupMembershipHistory.validFrom,
        to: groupMembershipHistory.validTo,
        source: groupMembershipHistory.source,
      })
      .from(groupMembershipHistory)
      .where(
        and(eq(groupMembershipHistory.groupId, gid), eq(groupMembershipHistory.memberId, bob)),
      );
    expect(bobHistory).toHaveLength(1);
    expect(bobHistory[0]!.source).toBe("sync");
    expect(bobHistory[0]!.to!.getTime()).toBeGreaterThanOrEqual(removeAt.getTime() - 1000);

    const [group] = await db.select().from(groups).where(eq(groups.id, gid));
    expect(group).toMatchObject({ name: "Backend Engineers" });
    expect(group!.directoryLinkedAt).not.toBeNull();
    const actions = await db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(and(eq(auditLog.orgId, o.org.id), eq(auditLog.targetId, gid)))
      .orderBy(auditLog.createdAt);
    expect(actions.map((a) => a.action)).toEqual([
      "group.provisioned",
      "memberships.synced",
      "group.directory_updated",
      "memberships.synced",
    ]);
  });
});

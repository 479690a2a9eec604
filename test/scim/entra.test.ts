import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import type { Db } from "@/db/connect";
import { auditLog, groupMembershipHistory, orgMembers, users } from "@/db/schema";
import { bothDatabases, testDatabase } from "@/test/db";
import { ENTERPRISE, GROUP, USER, patchOp, scimOrg } from "@/test/scim";

// Microsoft Entra ID's provisioning service (learn.microsoft.com, "Tutorial: Develop and plan
// provisioning for a SCIM endpoint"), replayed as Entra sends it: "Test connection" queries a
// user that does not exist; ops are capitalised ("Replace"), booleans are strings ("False"),
// paths reach into emails[type eq "work"].value and the enterprise extension, a path-less
// Replace carries dotted keys (without the aadOptscim062020 flag), groups carry a Microsoft
// schema and are listed with excludedAttributes=members, and members leave by a Remove that lists
// them.

vi.mock("@/db/client", () => ({ getDb: vi.fn() }));
vi.mock("@/app/_server/auth", () => ({ publicOrigin: () => "https://gatehouse.test" }));

const filter = (text: string) => encodeURIComponent(text);

const entraUser = (upn: string, extra: object = {}) => ({
  schemas: [USER, ENTERPRISE],
  externalId: upn.split("@")[0],
  userName: upn,
  active: true,
  displayName: "Ann Lee",
  emails: [{ primary: true, type: "work", value: upn }],
  meta: { resourceType: "User" },
  name: { formatted: "Ann Lee", familyName: "Lee", givenName: "Ann" },
  title: "Engineer",
  [ENTERPRISE]: { department: "Engineering", manager: { value: "boss-1" } },
  ...extra,
});

describe.each(bothDatabases())("Microsoft Entra ID against %s", (on) => {
  let db: Db;
  beforeAll(async () => {
    ({ db } = await testDatabase(on));
    vi.mocked(getDb).mockResolvedValue(db);
  });

  it("passes Test connection: a random user that does not exist is an empty list", async () => {
    const o = await scimOrg(db, "entra");
    const answer = await o.scim.get(
      `/Users?filter=${filter('userName eq "non-existent user 3f1c9a2e-5b7d-4e0a-9c1b-2d3e4f5a6b7c"')}`,
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
  });

  it("creates, updates, disables, enables and deletes a user as Entra does", async () => {
    const o = await scimOrg(db, "entra");
    expect(
      (await o.scim.get(`/Users?filter=${filter('userName eq "ann@contoso.example"')}`)).body
        .totalResults,
    ).toBe(0);
    const created = await o.scim.post("/Users", entraUser("ann@contoso.example"));
    expect(created.status).toBe(201);
    expect(created.body.schemas).toEqual([USER, ENTERPRISE]);
    expect(created.body[ENTERPRISE]).toEqual({
      department: "Engineering",
      manager: { value: "boss-1" },
    });
    const id = created.body.id as string;
    expect(
      (await o.scim.get(`/Users?filter=${filter('externalId eq "ann"')}`)).body.Resources[0].id,
    ).toBe(id);

    const updated = await o.scim.patch(
      `/Users/${id}`,
      patchOp(
        { op: "Replace", path: "displayName", value: "Ann Smith" },
        { op: "Replace", path: 'emails[type eq "work"].value', value: "ann.smith@contoso.example" },
        { op: "Replace", path: "name.familyName", value: "Smith" },
        { op: "Add", path: `${ENTERPRISE}:department`, value: "Platform" },
        { op: "Add", path: 'phoneNumbers[type eq "mobile"].value', value: "+44 20 7946 0000" },
      ),
    );
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      displayName: "Ann Smith",
      emails: [{ primary: true, type: "work", value: "ann.smith@contoso.example" }],
      name: { familyName: "Smith", givenName: "Ann" },
      phoneNumbers: [{ type: "mobile", value: "+44 20 7946 0000" }],
      [ENTERPRISE]: { department: "Platform" },
    });
    // The console shows the name Entra sends; the sign-in email stays the userName.
    const [row] = await db
      .select({ name: users.name, email: users.email })
      .from(orgMembers)
      .innerJoin(users, eq(users.id, orgMembers.userId))
      .where(eq(orgMembers.id, id));
    expect(row).toEqual({ name: "Ann Smith", email: "ann@contoso.example" });

    // Without aadOptscim062020: a path-less Replace with dotted and URN-qualified keys.
    const pathless = await o.scim.patch(
      `/Users/${id}`,
      patchOp({
        op: "Replace",
        value: { "name.givenName": "Annie", [`${ENTERPRISE}:costCenter`]: "CC-42", title: "Lead" },
      }),
    );
    expect(pathless.body).toMatchObject({
      name: { givenName: "Annie", familyName: "Smith" },
      title: "Lead",
      [ENTERPRISE]: { department: "Platform", costCenter: "CC-42" },
    });

    const disabled = await o.scim.patch(
      `/Users/${id}`,
      patchOp({ op: "Replace", path: "active", value: "False" }),
    );
    expect(disabled.body.active).toBe(false);
    const [suspended] = await db
      .select({ status: orgMembers.status })
      .from(orgMembers)
      .where(eq(orgMembers.id, id));
    expect(suspended!.status).toBe("suspended");
    const enabled = await o.scim.patch(
      `/Users/${id}`,
      patchOp({ op: "Replace", path: "active", value: "True" }),
    );
    expect(enabled.body.active).toBe(true);

    expect((await o.scim.delete(`/Users/${id}`)).status).toBe(204);
    expect((await o.scim.get(`/Users/${id}`)).status).toBe(404);
    const [afterDelete] = await db
      .select({ status: orgMembers.status })
      .from(orgMembers)
      .where(eq(orgMembers.id, id));
    expect(afterDelete!.status).toBe("suspended");
    const actions = await db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(and(eq(auditLog.orgId, o.org.id), eq(auditLog.targetId, id)))
      .orderBy(auditLog.createdAt);
    expect(actions.map((a) => a.action)).toEqual([
      "member.provisioned",
      "member.directory_updated",
      "member.directory_updated",
      "member.suspended",
      "member.reactivated",
      "member.suspended",
      "member.deprovisioned",
    ]);
    // Provisioned again later: the same member comes back, not a second one.
    const again = await o.scim.post("/Users", entraUser("ann@contoso.example"));
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ id, active: true });
  });

  it("pushes a group with Microsoft's schema, adds, removes and renames as Entra does", async () => {
    const o = await scimOrg(db, "entra");
    const ann = (await o.scim.post("/Users", entraUser("ann@fabrikam.example"))).body.id;
    const bob = (
      await o.scim.post(
        "/Users",
        entraUser("bob@fabrikam.example", { externalId: "bob", displayName: "Bob Ray" }),
      )
    ).body.id;
    const listed = await o.scim.get(
      `/Groups?excludedAttributes=members&filter=${filter('displayName eq "Marketing"')}`,
    );
    expect(listed.body.totalResults).toBe(0);
    const pushed = await o.scim.post("/Groups", {
      schemas: [GROUP, "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
      externalId: "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
      displayName: "Marketing",
      members: [],
    });
    expect(pushed.status).toBe(201);
    const gid = pushed.body.id as string;

    expect(
      (
        await o.scim.patch(
          `/Groups/${gid}`,
          patchOp({ op: "Add", path: "members", value: [{ value: ann }, { value: bob }] }),
        )
      ).status,
    ).toBe(204);
    expect(
      (
        await o.scim.patch(
          `/Groups/${gid}`,
          patchOp({ op: "Remove", path: "members", value: [{ value: ann }] }),
        )
      ).status,
    ).toBe(204);
    expect(
      (
        await o.scim.patch(
          `/Groups/${gid}`,
          patchOp({ op: "Replace", path: "displayName", value: "Growth Marketing" }),
        )
      ).status,
    ).toBe(204);

    const slim = await o.scim.get(
      `/Groups?excludedAttributes=members&filter=${filter('externalId eq "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159"')}`,
    );
    expect(slim.body.Resources).toHaveLength(1);
    expect(slim.body.Resources[0]).toMatchObject({ id: gid, displayName: "Growth Marketing" });
    expect(slim.body.Resources[0].members).toBeUndefined();
    const full = await o.scim.get(`/Groups/${gid}`);
    expect(full.body.members.map((m: { value: string }) => m.value)).toEqual([bob]);
    // The user shows the group it is in.
    expect((await o.scim.get(`/Users/${bob}`)).body.groups).toMatchObject([
      { value: gid, display: "Growth Marketing" },
    ]);

    const annHistory = await db
      .select({ to: groupMembershipHistory.validTo })
      .from(groupMembershipHistory)
      .where(
        and(eq(groupMembershipHistory.groupId, gid), eq(groupMembershipHistory.memberId, ann)),
      );
    expect(annHistory).toHaveLength(1);
    expect(annHistory[0]!.to).not.toBeNull();
  });
});

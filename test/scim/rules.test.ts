import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import type { Db } from "@/db/connect";
import { groupMembers } from "@/db/schema";
import { createRule } from "@/lib/rules/commands";
import { bothDatabases, testDatabase } from "@/test/db";
import { ENTERPRISE, USER, patchOp, scimOrg } from "@/test/scim";

// Auto-assign rules over directory sync, as an identity provider drives them: a person
// provisioned with a department joins the rule's group; when the provider changes their
// department, they leave it (and join the new department's), and a group an admin gave them
// stays.

vi.mock("@/db/client", () => ({ getDb: vi.fn() }));
vi.mock("@/app/_server/auth", () => ({ publicOrigin: () => "https://gatehouse.test" }));

describe.each(bothDatabases())("rules over SCIM on %s", (on) => {
  let db: Db;
  beforeAll(async () => {
    ({ db } = await testDatabase(on));
    vi.mocked(getDb).mockResolvedValue(db);
  });

  it("follows the department the identity provider sends", async () => {
    const o = await scimOrg(db);
    const finance = await o.group("Finance");
    const sales = await o.group("Sales");
    const handPicked = await o.group("Hand-picked");
    await createRule(db, o.actor, {
      name: "Finance",
      attribute: "department",
      values: "Finance",
      groupIds: [finance],
    });
    await createRule(db, o.actor, {
      name: "Sales",
      attribute: "department",
      values: "sales",
      groupIds: [sales],
    });
    const created = await o.scim.post("/Users", {
      schemas: [USER, ENTERPRISE],
      userName: "ann@acme.com",
      name: { givenName: "Ann", familyName: "Lee" },
      emails: [{ primary: true, value: "ann@acme.com" }],
      active: true,
      [ENTERPRISE]: { department: "FINANCE" },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await o.join(handPicked, id);
    const groupsOf = async () =>
      (
        await db
          .select({ groupId: groupMembers.groupId, source: groupMembers.source })
          .from(groupMembers)
          .where(and(eq(groupMembers.orgId, o.org.id), eq(groupMembers.memberId, id)))
      )
        .map(
          (g) =>
            `${g.groupId === finance ? "Finance" : g.groupId === sales ? "Sales" : "Hand-picked"} (${g.source})`,
        )
        .sort();
    expect(await groupsOf()).toEqual(["Finance (rule)", "Hand-picked (manual)"]);

    const moved = await o.scim.patch(
      `/Users/${id}`,
      patchOp({ op: "replace", path: `${ENTERPRISE}:department`, value: "Sales" }),
    );
    expect(moved.status).toBe(200);
    expect(await groupsOf()).toEqual(["Hand-picked (manual)", "Sales (rule)"]);
  });
});

import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import type { Db } from "@/db/connect";
import { groups } from "@/db/schema";
import { moveGroup, setGroupBudget, updateGroup } from "@/lib/groups/commands";
import { addMembers, moveMembers, removeMembers } from "@/lib/memberships/commands";
import { updateDirectorySettings } from "@/lib/scim/settings";
import { bothDatabases, testDatabase } from "@/test/db";
import { GROUP, USER, scimOrg } from "@/test/scim";

// What the console may still do with what the directory owns: a pushed group's direct members
// and name are the identity provider's; nesting, budgets and keys stay the admins'.

vi.mock("@/db/client", () => ({ getDb: vi.fn() }));
vi.mock("@/app/_server/auth", () => ({ publicOrigin: () => "https://gatehouse.test" }));

describe.each(bothDatabases())("directory groups in the console, against %s", (on) => {
  let db: Db;
  beforeAll(async () => {
    ({ db } = await testDatabase(on));
    vi.mocked(getDb).mockResolvedValue(db);
  });

  async function pushedGroup() {
    const o = await scimOrg(db);
    const ann = (await o.scim.post("/Users", { schemas: [USER], userName: "ann@dir.example" })).body
      .id as string;
    const pushed = await o.scim.post("/Groups", {
      schemas: [GROUP],
      displayName: "Design",
      members: [{ value: ann }],
    });
    return { ...o, ann, gid: pushed.body.id as string };
  }

  it("keeps a pushed group's members and name read-only, and its budget and place the admins'", async () => {
    const o = await pushedGroup();
    const other = await o.group("Other");
    const bob = await o.person("Bob");
    const readOnly = /come from your identity provider/;
    await expect(
      addMembers(db, o.actor, { memberIds: [bob.id], groupIds: [o.gid] }),
    ).rejects.toThrow(readOnly);
    await expect(
      removeMembers(db, o.actor, { memberIds: [o.ann], groupIds: [o.gid] }),
    ).rejects.toThrow(readOnly);
    await expect(
      moveMembers(db, o.actor, { memberIds: [o.ann], fromGroupId: o.gid, toGroupId: other }),
    ).rejects.toThrow(readOnly);
    await expect(
      moveMembers(db, o.actor, { memberIds: [bob.id], fromGroupId: other, toGroupId: o.gid }),
    ).rejects.toThrow(readOnly);
    await expect(
      updateGroup(db, o.actor, {
        groupId: o.gid,
        name: "Renamed",
        kind: "custom",
        description: "",
      }),
    ).rejects.toThrow(/identity provider/);
    await updateGroup(db, o.actor, {
      groupId: o.gid,
      name: "Design",
      kind: "department",
      description: "Product design",
    });
    await setGroupBudget(db, o.actor, {
      groupId: o.gid,
      budgetDollars: "500",
      mode: "hard",
      thresholds: "80, 100",
    });
    await moveGroup(db, o.actor, { groupId: o.gid, parentId: other });
    const [row] = await db.select().from(groups).where(eq(groups.id, o.gid));
    expect(row).toMatchObject({
      kind: "department",
      monthlyBudgetMicros: 500_000_000,
      parentId: other,
    });
    expect((await o.scim.get(`/Groups/${o.gid}`)).body.members).toMatchObject([{ value: o.ann }]);
  });

  it("hands a group back to the admins when the directory deletes it", async () => {
    const o = await pushedGroup();
    expect((await o.scim.delete(`/Groups/${o.gid}`)).status).toBe(204);
    expect((await o.scim.get(`/Groups/${o.gid}`)).status).toBe(404);
    const [row] = await db.select().from(groups).where(eq(groups.id, o.gid));
    expect(row).toMatchObject({ name: "Design", directoryLinkedAt: null, archivedAt: null });
    const bob = await o.person("Bob");
    expect(
      (await addMembers(db, o.actor, { memberIds: [bob.id], groupIds: [o.gid] })).added,
    ).toHaveLength(1);
  });

  it("takes over a group of the same name only when an admin allowed it", async () => {
    const o = await scimOrg(db);
    const existing = await o.group("Finance");
    const refused = await o.scim.post("/Groups", { schemas: [GROUP], displayName: "finance" });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/Settings → Directory sync/);
    await updateDirectorySettings(db, o.actor, { linkGroupsByName: true });
    const linked = await o.scim.post("/Groups", { schemas: [GROUP], displayName: "finance" });
    expect(linked.status).toBe(201);
    expect(linked.body).toMatchObject({ id: existing, displayName: "Finance" });
  });
});

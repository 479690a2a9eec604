import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import {
  insertGroup,
  insertMember,
  insertMembership,
  insertOrg,
  insertUser,
} from "@/db/seed/builders";
import type { Actor } from "@/lib/auth/actor";
import { NotFound } from "@/lib/errors";
import { testDatabase } from "@/test/db";
import { getGroupDetail, listGroupsWithCounts } from "./queries";

let db: Db;
let admin: Actor;
let otherOrgAdmin: Actor;
const ids: Record<string, string> = {};

beforeAll(async () => {
  ({ db } = await testDatabase());
  const acme = await insertOrg(db, { name: "Acme", slug: "acme" });
  const globex = await insertOrg(db, { name: "Globex", slug: "globex" });
  const person = async (orgId: string, name: string) => {
    const user = await insertUser(db, { email: `${name}@example.test`, name });
    return (await insertMember(db, { orgId, userId: user.id })).id;
  };
  ids.eng = (await insertGroup(db, { orgId: acme.id, name: "Engineering", kind: "department" })).id;
  ids.backend = (
    await insertGroup(db, {
      orgId: acme.id,
      name: "Backend",
      kind: "department",
      parentId: ids.eng,
    })
  ).id;
  ids.frontend = (
    await insertGroup(db, {
      orgId: acme.id,
      name: "Frontend",
      kind: "department",
      parentId: ids.eng,
    })
  ).id;
  ids.globexGroup = (
    await insertGroup(db, { orgId: globex.id, name: "Platform", kind: "department" })
  ).id;
  const [ann, bob, cy] = [
    await person(acme.id, "ann"),
    await person(acme.id, "bob"),
    await person(acme.id, "cy"),
  ];
  await insertMembership(db, { orgId: acme.id, groupId: ids.eng, memberId: ann });
  await insertMembership(db, { orgId: acme.id, groupId: ids.backend, memberId: bob });
  await insertMembership(db, { orgId: acme.id, groupId: ids.backend, memberId: cy });
  await insertMembership(db, { orgId: acme.id, groupId: ids.frontend, memberId: cy });
  admin = { kind: "user", userId: ann, memberId: ann, orgId: acme.id, role: "admin", label: "ann" };
  otherOrgAdmin = {
    kind: "user",
    userId: "x",
    memberId: "x",
    orgId: globex.id,
    role: "admin",
    label: "x",
  };
});

describe("listGroupsWithCounts", () => {
  it("counts direct members, and each person once in the totals of parents", async () => {
    const groups = await listGroupsWithCounts(db, admin);
    const byName = Object.fromEntries(groups.map((g) => [g.name, g]));
    expect(byName.Engineering).toMatchObject({ directMembers: 1, totalMembers: 3 });
    expect(byName.Backend).toMatchObject({ directMembers: 2, totalMembers: 2 });
    expect(byName.Frontend).toMatchObject({ directMembers: 1, totalMembers: 1 });
  });

  it("lists only the actor's organisation", async () => {
    const names = (await listGroupsWithCounts(db, otherOrgAdmin)).map((g) => g.name);
    expect(names).toEqual(["Platform"]);
  });
});

describe("getGroupDetail", () => {
  it("gives the path from the root and the direct members", async () => {
    const detail = await getGroupDetail(db, admin, ids.backend!);
    expect(detail.path.map((p) => p.name)).toEqual(["Engineering"]);
    expect(detail.members.map((m) => m.name)).toEqual(["bob", "cy"]);
  });

  it("answers an id of another organisation exactly as an unknown id", async () => {
    await expect(getGroupDetail(db, otherOrgAdmin, ids.backend!)).rejects.toBeInstanceOf(NotFound);
    await expect(getGroupDetail(db, admin, ids.globexGroup!)).rejects.toBeInstanceOf(NotFound);
    await expect(getGroupDetail(db, admin, "not-a-uuid")).rejects.toBeInstanceOf(NotFound);
  });
});

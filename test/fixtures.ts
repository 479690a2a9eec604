import { randomUUID } from "node:crypto";
import type { Db } from "@/db/connect";
import type { MemberRole } from "@/db/schema";
import {
  insertGroup,
  insertMember,
  insertMembership,
  insertOrg,
  insertUser,
} from "@/db/seed/builders";
import type { Actor } from "@/lib/auth/actor";

/** A fresh organisation with an actor of the given role, and helpers to people it. */
export async function orgFixture(db: Db, role: MemberRole = "admin") {
  const slug = `org-${randomUUID().slice(0, 8)}`;
  const org = await insertOrg(db, { name: slug, slug });
  const person = async (name: string, memberRole: MemberRole = "member") => {
    const user = await insertUser(db, {
      email: `${name.toLowerCase().replace(/\W/g, ".")}@${slug}.test`,
      name,
    });
    const member = await insertMember(db, { orgId: org.id, userId: user.id, role: memberRole });
    return { ...member, userId: user.id, name };
  };
  const me = await person("Actor", role);
  const actor: Actor = {
    kind: "user",
    userId: me.userId,
    memberId: me.id,
    orgId: org.id,
    role,
    label: me.name,
  };
  const group = async (name: string, parentId?: string) =>
    (await insertGroup(db, { orgId: org.id, name, kind: "department", parentId })).id;
  const join = (groupId: string, memberId: string) =>
    insertMembership(db, { orgId: org.id, groupId, memberId });
  return { org, actor, me, person, group, join };
}

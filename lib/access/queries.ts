import { type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/connect";
import { queryRows } from "@/db/rows";
import { type Actor, assertCan } from "@/lib/auth/actor";

// Who may use which key, and why: a member reaches a key through each live group they belong to
// that the key is assigned to, or that has such a group as an ancestor. Each grant is reported with
// its path, from the group the key is assigned to down to the member's own group.

export interface Grant {
  groupId: string;
  groupName: string;
  // Group names from the assigned group down to the member's direct group; one name = direct.
  path: string[];
}

export interface KeyAccess {
  keyId: string;
  keyName: string;
  prefix: string;
  lastFour: string;
  expiresAt: Date | null;
  grants: Grant[];
}

export interface MemberWithAccess {
  memberId: string;
  name: string;
  email: string;
  status: string;
  grants: Grant[];
}

interface GrantRow {
  member_id: string;
  key_id: string;
  group_id: string;
  group_name: string;
  path: string[];
}

/** Every (member, live key, granting group, path) in the org, narrowed by `where`. */
function grantRows(db: Db, orgId: string, where: SQL) {
  return queryRows<GrantRow>(
    db,
    sql`
    with recursive closure (group_id, ancestor_id, path) as (
      select id, id, array[name] from groups where org_id = ${orgId}::uuid and archived_at is null
      union all
      select c.group_id, p.id, array_prepend(p.name, c.path) from closure c
      join groups g on g.id = c.ancestor_id
      join groups p on p.id = g.parent_id and p.archived_at is null
      where cardinality(c.path) < 64
    )
    select gm.member_id, akg.key_id, c.ancestor_id as group_id, c.path[1] as group_name, c.path
    from group_members gm
    join closure c on c.group_id = gm.group_id
    join api_key_groups akg on akg.group_id = c.ancestor_id
    join api_keys k on k.id = akg.key_id and k.revoked_at is null
    where gm.org_id = ${orgId}::uuid and ${where}
    order by cardinality(c.path), c.path`,
  );
}

const toGrant = (r: GrantRow): Grant => ({
  groupId: r.group_id,
  groupName: r.group_name,
  path: r.path,
});

/** The live keys a member may use, each with the groups (and paths) that grant it. */
export async function memberAccess(
  db: Db,
  actor: Actor,
  rawMemberId: string,
): Promise<KeyAccess[]> {
  assertCan(actor, "org:read");
  const memberId = z.uuid().safeParse(rawMemberId);
  if (!memberId.success) return [];
  const [rows, keys] = await Promise.all([
    grantRows(db, actor.orgId, sql`gm.member_id = ${memberId.data}::uuid`),
    queryRows<{
      id: string;
      name: string;
      prefix: string;
      last_four: string;
      expires_at: string | null;
    }>(
      db,
      sql`select id, name, prefix, last_four, expires_at from api_keys
          where org_id = ${actor.orgId}::uuid and revoked_at is null order by lower(name)`,
    ),
  ]);
  return keys
    .map((k) => ({
      keyId: k.id,
      keyName: k.name,
      prefix: k.prefix,
      lastFour: k.last_four,
      expiresAt: k.expires_at === null ? null : new Date(k.expires_at),
      grants: rows.filter((r) => r.key_id === k.id).map(toGrant),
    }))
    .filter((k) => k.grants.length);
}

/** Every active or suspended member who reaches the key through a group, with how. */
export async function keyAccess(
  db: Db,
  actor: Actor,
  rawKeyId: string,
): Promise<MemberWithAccess[]> {
  assertCan(actor, "org:read");
  const keyId = z.uuid().safeParse(rawKeyId);
  if (!keyId.success) return [];
  const [rows, members] = await Promise.all([
    grantRows(db, actor.orgId, sql`akg.key_id = ${keyId.data}::uuid`),
    queryRows<{ id: string; name: string; email: string; status: string }>(
      db,
      sql`select om.id, u.name, u.email, om.status from org_members om
          join users u on u.id = om.user_id
          where om.org_id = ${actor.orgId}::uuid and om.status <> 'removed'
            and om.id in (
              select gm.member_id from group_members gm
              where gm.org_id = ${actor.orgId}::uuid)
          order by lower(u.name)`,
    ),
  ]);
  const byMember = new Map<string, GrantRow[]>();
  for (const row of rows)
    byMember.set(row.member_id, [...(byMember.get(row.member_id) ?? []), row]);
  return members
    .filter((m) => byMember.has(m.id))
    .map((m) => ({
      memberId: m.id,
      name: m.name,
      email: m.email,
      status: m.status,
      grants: byMember.get(m.id)!.map(toGrant),
    }));
}

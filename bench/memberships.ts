import { sql } from "drizzle-orm";
import type { Connection } from "@/db/connect";
import { queryRows, uuidArray } from "@/db/rows";
import { insertGroup, insertMember, insertOrg } from "@/db/seed/builders";
import { groupMembers, groupMembershipHistory, orgMembers, users } from "@/db/schema";
import type { Actor } from "@/lib/auth/actor";
import { boardData } from "@/lib/groups/board";
import { addMembers, moveMembers } from "@/lib/memberships/commands";
import { timed } from "./timing";

// The bulk case as admins meet it: 10,000 members added to 3 groups at once (30,000
// memberships, their history rows and the audit row) through addMembers, the domain function
// the bulk dialog calls, against a bare INSERT … SELECT of the same rows; how many write
// transactions it took; then the board's data load and one move, in an organisation of 10,000
// members and 40 groups (each member already in one team).

const MEMBERS = 10_000;
const GROUPS = 40;
const TARGETS = 3;

export async function benchMemberships(connection: Connection) {
  const { db } = connection;
  const org = await insertOrg(db, { name: "Big", slug: `big-${Date.now()}` });
  const groupIds: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    groupIds.push(
      (
        await insertGroup(db, {
          orgId: org.id,
          name: `Group ${g}`,
          kind: "department",
          parentId: g >= 8 ? groupIds[g % 8] : null,
        })
      ).id,
    );
  }
  const userRows = await db
    .insert(users)
    .values(
      Array.from({ length: MEMBERS }, (_, i) => ({
        email: `p${i}@${org.slug}.test`,
        name: `Person ${i}`,
      })),
    )
    .returning({ id: users.id });
  const memberRows = await db
    .insert(orgMembers)
    .values(userRows.map((u) => ({ orgId: org.id, userId: u.id })))
    .returning({ id: orgMembers.id });
  const memberIds = memberRows.map((m) => m.id);
  const teams = memberIds.map((memberId, i) => ({
    orgId: org.id,
    groupId: groupIds[8 + (i % 32)]!,
    memberId,
  }));
  await db.insert(groupMembers).values(teams);
  await db
    .insert(groupMembershipHistory)
    .values(teams.map((m) => ({ ...m, validFrom: new Date() })));
  const admin = await insertMember(db, {
    orgId: org.id,
    userId: (
      await db
        .insert(users)
        .values({ email: `admin@${org.slug}.test`, name: "Admin" })
        .returning()
    )[0]!.id,
    role: "admin",
  });
  const actor: Actor = {
    kind: "user",
    userId: admin.userId,
    memberId: admin.id,
    orgId: org.id,
    role: "admin",
    label: "bench",
  };

  const targets = groupIds.slice(0, TARGETS);
  const inTargets = uuidArray(targets);
  const reset = async () => {
    await db.execute(sql`delete from group_members where group_id = any(${inTargets})`);
    await db.execute(sql`delete from group_membership_history where group_id = any(${inTargets})`);
  };
  // The rows addMembers must write, and nothing else: the memberships and their history rows.
  const bareInsert = () =>
    db.execute(sql`
      with added as (
        insert into group_members (org_id, group_id, member_id)
        select ${org.id}::uuid, g.id, m.id from groups g cross join org_members m
        where g.id = any(${inTargets}) and m.org_id = ${org.id}::uuid and m.role = 'member'
        returning org_id, group_id, member_id
      )
      insert into group_membership_history (org_id, group_id, member_id, valid_from)
      select org_id, group_id, member_id, clock_timestamp() from added`);
  // The next transaction id, read without taking one: how many write transactions ran between.
  const nextXid = async () => {
    const [row] = await queryRows<{ xid: string }>(
      db,
      sql`select txid_snapshot_xmax(txid_current_snapshot())::text as xid`,
    );
    return BigInt(row!.xid);
  };

  const baseline = await timed(bareInsert, { runs: 5, warmUps: 0, setUp: reset });
  const bulk = await timed(() => addMembers(db, actor, { memberIds, groupIds: targets }), {
    runs: 5,
    setUp: reset,
  });
  await reset();
  const before = await nextXid();
  const { added } = await addMembers(db, actor, { memberIds, groupIds: targets });
  const transactions = (await nextXid()) - before;
  const again = await timed(() => addMembers(db, actor, { memberIds, groupIds: targets }), {
    runs: 5,
  });
  const board = await timed(() => boardData(db, actor), { runs: 5 });
  const members = (await boardData(db, actor)).members.length;
  const move = await timed(
    (() => {
      let i = 0;
      return () =>
        moveMembers(db, actor, {
          memberIds: [memberIds[i]!],
          fromGroupId: groupIds[8 + (i % 32)]!,
          toGroupId: groupIds[8 + ((i++ + 1) % 32)]!,
        });
    })(),
    { runs: 5 },
  );
  const ratio = (ms: number) => +(ms / baseline.p95Ms).toFixed(2);
  const row = (name: string, t: { p50Ms: number; p95Ms: number }) => ({
    case: name,
    p50Ms: t.p50Ms,
    p95Ms: t.p95Ms,
    ratio: ratio(t.p95Ms),
  });
  return [
    row(
      `bare INSERT … SELECT of ${(MEMBERS * TARGETS).toLocaleString("en-US")} memberships and their history rows (baseline)`,
      baseline,
    ),
    row(
      `addMembers ${MEMBERS.toLocaleString("en-US")} × ${TARGETS} (added ${added.length.toLocaleString("en-US")} with history and audit; ${transactions} write transaction${transactions === 1n ? "" : "s"})`,
      bulk,
    ),
    row(`addMembers again (all ${(MEMBERS * TARGETS).toLocaleString("en-US")} already in)`, again),
    row(`boardData (${members.toLocaleString("en-US")} members, ${GROUPS} groups)`, board),
    row("moveMembers, one member", move),
  ];
}

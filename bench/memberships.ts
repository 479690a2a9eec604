import { sql } from "drizzle-orm";
import type { Connection } from "@/db/connect";
import { insertGroup, insertMember, insertMembership, insertOrg } from "@/db/seed/builders";
import { orgMembers, users } from "@/db/schema";
import type { Actor } from "@/lib/auth/actor";
import { boardData } from "@/lib/groups/board";
import { addMembers, moveMembers } from "@/lib/memberships/commands";

// A 2,000-person organisation with 40 groups: bulk assign 2,000 × 5 (10,000 memberships, one
// statement) against a bare insert of the same rows; the board's data load; and one move.

const MEMBERS = 2_000;
const GROUPS = 40;

async function time<T>(run: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await run();
  return [result, performance.now() - start];
}

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
  for (let i = 0; i < MEMBERS; i += 1)
    await insertMembership(db, {
      orgId: org.id,
      groupId: groupIds[8 + (i % 32)]!,
      memberId: memberIds[i]!,
    });
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

  const targets = groupIds.slice(0, 5);
  const [, baselineMs] = await time(() =>
    db.execute(sql`
      insert into group_members (org_id, group_id, member_id)
      select ${org.id}::uuid, g.id, m.id from groups g cross join org_members m
      where g.id in (${sql.join(
        targets.map((id) => sql`${id}::uuid`),
        sql`, `,
      )}) and m.org_id = ${org.id}::uuid`),
  );
  await db.execute(
    sql`delete from group_members where org_id = ${org.id}::uuid and group_id in (${sql.join(
      targets.map((id) => sql`${id}::uuid`),
      sql`, `,
    )})`,
  );
  const [added, bulkMs] = await time(() => addMembers(db, actor, { memberIds, groupIds: targets }));
  const [again, repeatMs] = await time(() =>
    addMembers(db, actor, { memberIds, groupIds: targets }),
  );
  const [board, boardMs] = await time(() => boardData(db, actor));
  const [, moveMs] = await time(() =>
    moveMembers(db, actor, {
      memberIds: [memberIds[0]!],
      fromGroupId: groupIds[8]!,
      toGroupId: groupIds[9]!,
    }),
  );
  const ratio = (ms: number) => +(ms / baselineMs).toFixed(2);
  return [
    { case: "bare insert of 10,000 memberships (baseline)", ms: Math.round(baselineMs), ratio: 1 },
    {
      case: `addMembers 2,000 × 5 (added ${added.added.length.toLocaleString("en-US")}, with history + audit)`,
      ms: Math.round(bulkMs),
      ratio: ratio(bulkMs),
    },
    {
      case: `addMembers again (all ${again.unchanged.toLocaleString("en-US")} skipped)`,
      ms: Math.round(repeatMs),
      ratio: ratio(repeatMs),
    },
    {
      case: `boardData (${board.members.length.toLocaleString("en-US")} members, ${board.groups.length} groups)`,
      ms: Math.round(boardMs),
      ratio: ratio(boardMs),
    },
    { case: "moveMembers, one member", ms: Math.round(moveMs), ratio: ratio(moveMs) },
  ];
}

import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import { queryRows } from "@/db/rows";
import { seededRandom } from "@/db/seed/random";
import { moveGroup } from "@/lib/groups/commands";
import { PublicError } from "@/lib/errors";
import { testDatabase, usingPostgres } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import {
  type ChangeResult,
  addMembers,
  moveMembers,
  removeMembers,
  revertMembershipChange,
} from "./commands";

// Many admins at once: hundreds of moves, bulk assigns, removals, undos and re-parentings run
// concurrently, and afterwards the invariants hold: no duplicate memberships, history agrees with
// the current memberships, the tree has no cycle, and every committed change wrote its audit row.

let db: Db;
beforeAll(async () => {
  ({ db } = await testDatabase());
});

const OPERATIONS = usingPostgres ? 400 : 80;
const AT_ONCE = usingPostgres ? 40 : 8;

describe("many admins at once", () => {
  it("keep memberships, history, tree and audit consistent", async () => {
    const f = await orgFixture(db, "admin");
    const random = seededRandom(20261128);
    const groups: string[] = [];
    for (let i = 0; i < 8; i++) groups.push(await f.group(`G${i}`));
    const members: string[] = [];
    for (let i = 0; i < 30; i++) {
      const person = await f.person(`P${i}`);
      members.push(person.id);
      await f.join(groups[i % groups.length]!, person.id);
    }
    const pick = <T>(list: T[]) => random.pick(list);
    const some = <T>(list: T[], max: number) => {
      const n = 1 + Math.floor(random.next() * max);
      return [...new Set(Array.from({ length: n }, () => pick(list)))];
    };

    const changes: ChangeResult[] = [];
    let committedMembershipChanges = 0;
    const groupMoves = new Set<string>();
    let refused = 0;
    const operation = async () => {
      const kind = random.next();
      try {
        if (kind < 0.25) {
          const r = await addMembers(db, f.actor, {
            memberIds: some(members, 5),
            groupIds: some(groups, 2),
          });
          if (r.added.length) {
            committedMembershipChanges++;
            changes.push(r);
          }
        } else if (kind < 0.4) {
          const r = await removeMembers(db, f.actor, {
            memberIds: some(members, 4),
            groupIds: [pick(groups)],
          });
          if (r.removed.length) {
            committedMembershipChanges++;
            changes.push(r);
          }
        } else if (kind < 0.7) {
          const from = pick(groups);
          let to = pick(groups);
          if (to === from) to = groups[(groups.indexOf(from) + 1) % groups.length]!;
          const r = await moveMembers(db, f.actor, {
            memberIds: some(members, 3),
            fromGroupId: from,
            toGroupId: to,
          });
          if (r.added.length || r.removed.length) {
            committedMembershipChanges++;
            changes.push(r);
          }
        } else if (kind < 0.85) {
          if (!changes.length) return;
          const r = await revertMembershipChange(db, f.actor, pick(changes));
          if (r.added.length || r.removed.length) committedMembershipChanges++;
        } else {
          const group = pick(groups);
          const parent = random.next() < 0.3 ? null : pick(groups);
          const started = Date.now();
          const moved = await moveGroup(db, f.actor, { groupId: group, parentId: parent });
          // A move to the parent it already has changes (and audits) nothing, and returns the
          // group as the last real move left it: count each real move once, by its time.
          if (moved.updatedAt.getTime() >= started)
            groupMoves.add(`${moved.id}@${moved.updatedAt.toISOString()}`);
        }
      } catch (error) {
        // Refusals are expected (a stale move, a cycle, a member no longer there); anything else
        // is a bug.
        if (!(error instanceof PublicError)) throw error;
        refused++;
      }
    };
    for (let done = 0; done < OPERATIONS; done += AT_ONCE)
      await Promise.all(Array.from({ length: AT_ONCE }, operation));

    // No duplicate memberships (the primary key would refuse them; count anyway).
    const [dupes] = await queryRows<{ n: string }>(
      db,
      sql`select count(*) - count(distinct (group_id, member_id)) as n from group_members
          where org_id = ${f.org.id}::uuid`,
    );
    expect(Number(dupes!.n)).toBe(0);

    // History agrees with the present: exactly one open period for each current membership and
    // none for anything else, and no overlapping periods for one person in one group.
    const [mismatch] = await queryRows<{ n: string }>(
      db,
      sql`select count(*) as n from (
            select group_id, member_id from group_members where org_id = ${f.org.id}::uuid
            except all
            select group_id, member_id from group_membership_history
            where org_id = ${f.org.id}::uuid and valid_to is null
          ) a full join (
            select group_id, member_id from group_membership_history
            where org_id = ${f.org.id}::uuid and valid_to is null
            except all
            select group_id, member_id from group_members where org_id = ${f.org.id}::uuid
          ) b on false`,
    );
    expect(Number(mismatch!.n)).toBe(0);
    const [overlaps] = await queryRows<{ n: string }>(
      db,
      sql`select count(*) as n from group_membership_history a
          join group_membership_history b on a.group_id = b.group_id and a.member_id = b.member_id
            and a.id < b.id
            and a.valid_from < coalesce(b.valid_to, 'infinity')
            and b.valid_from < coalesce(a.valid_to, 'infinity')
          where a.org_id = ${f.org.id}::uuid`,
    );
    expect(Number(overlaps!.n)).toBe(0);

    // No cycles: walking up from any group reaches the top within as many steps as groups.
    const tree = await queryRows<{ id: string; parent_id: string | null }>(
      db,
      sql`select id, parent_id from groups where org_id = ${f.org.id}::uuid`,
    );
    const parentOf = new Map(tree.map((g) => [g.id, g.parent_id]));
    for (const g of tree) {
      let steps = 0;
      for (let at: string | null | undefined = g.id; at; at = parentOf.get(at)) steps++;
      expect(steps).toBeLessThanOrEqual(tree.length);
    }

    // Every committed change wrote exactly one audit row.
    const audited = await queryRows<{ action: string; n: string }>(
      db,
      sql`select action, count(*) as n from audit_log where org_id = ${f.org.id}::uuid
          and (action like 'memberships.%' or action = 'group.moved') group by action`,
    );
    const count = (pred: (a: string) => boolean) =>
      audited.filter((a) => pred(a.action)).reduce((s, a) => s + Number(a.n), 0);
    expect(count((a) => a.startsWith("memberships."))).toBe(committedMembershipChanges);
    expect(count((a) => a === "group.moved")).toBe(groupMoves.size);
    // The run did exercise both paths.
    expect(committedMembershipChanges).toBeGreaterThan(OPERATIONS / 4);
    expect(refused).toBeGreaterThan(0);
  }, 120_000);
});

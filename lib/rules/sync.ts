import { sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { queryRows, textArray, uuidArray } from "@/db/rows";
import { audit } from "@/lib/audit/record";
import type { Actor } from "@/lib/auth/actor";
import { deleteMemberships, insertMemberships, lastGivenByRules } from "@/lib/memberships/write";
import type { MembershipPair } from "@/lib/memberships/schemas";
import { RULE_ATTRIBUTES, type RuleAttribute, attributeMatchesSql } from "./attributes";

interface Desired {
  rule_id: string;
  rule_name: string;
  group_id: string;
  member_id: string;
  member_name: string;
  /** Not a membership yet. */
  missing: boolean;
}

/** A rule not saved yet, as previewRule asks about it. */
export interface CandidateRule {
  attribute: RuleAttribute;
  values: string[];
  groupIds: string[];
}

/** Whether a rule `r` matches a member `m` (with user `u`): their attribute is one of its values. */
const matches = sql`coalesce(case r.attribute::text ${sql.join(
  RULE_ATTRIBUTES.map((a) => sql`when ${a}::text then ${attributeMatchesSql(a)}`),
  sql` `,
)} end, false)`;

/**
 * The memberships the organisation's rules call for, each with the first rule (oldest) that
 * calls for it: only live groups the directory does not own, only members not removed, none an
 * admin kept out (rule_exceptions). Narrowed to some members, or to some rules; or what one
 * unsaved candidate rule alone would call for.
 */
export function desiredMemberships(
  tx: Db,
  orgId: string,
  scope: { memberIds?: string[]; ruleIds?: string[]; candidate?: CandidateRule },
): Promise<Desired[]> {
  const org = sql`${orgId}::uuid`;
  const { candidate } = scope;
  const rules = candidate
    ? sql`(select null::uuid as id, ''::text as name, now() as created_at, ${org} as org_id,
          ${candidate.attribute}::text as attribute, ${textArray(candidate.values)} as values,
          ${uuidArray(candidate.groupIds)} as group_ids)`
    : sql`membership_rules`;
  return queryRows<Desired>(
    tx,
    sql`select distinct on (g.id, m.id) r.id as rule_id, r.name as rule_name, g.id as group_id,
          m.id as member_id, u.name as member_name,
          not exists (select 1 from group_members gm
            where gm.org_id = ${org} and gm.group_id = g.id and gm.member_id = m.id) as missing
        from ${rules} r
        cross join unnest(r.group_ids) as t(group_id)
        join groups g on g.org_id = ${org} and g.id = t.group_id and g.archived_at is null and g.directory_linked_at is null
        join org_members m on m.org_id = ${org} and m.status <> 'removed'
        join users u on u.id = m.user_id
        where r.org_id = ${org} and ${matches}
          and not exists (select 1 from rule_exceptions e
            where e.org_id = ${org} and e.group_id = g.id and e.member_id = m.id)
          ${scope.memberIds ? sql`and m.id = any(${uuidArray(scope.memberIds)})` : sql``}
          ${scope.ruleIds ? sql`and r.id = any(${uuidArray(scope.ruleIds)})` : sql``}
        order by g.id, m.id, r.created_at, r.id`,
  );
}

const pairKey = (p: { group_id: string; member_id: string }) => `${p.group_id}/${p.member_id}`;
const pairRowKey = (p: MembershipPair) => pairKey({ group_id: p.groupId, member_id: p.memberId });

/** Adds the desired memberships that are missing, by rule, each rule's additions audited. */
async function addDesired(tx: Db, actor: Actor, desired: Desired[]) {
  const byRule = new Map<string, { name: string; pairs: MembershipPair[] }>();
  for (const d of desired) {
    const entry = byRule.get(d.rule_id) ?? { name: d.rule_name, pairs: [] };
    entry.pairs.push({ groupId: d.group_id, memberId: d.member_id });
    byRule.set(d.rule_id, entry);
  }
  const added: MembershipPair[] = [];
  for (const [ruleId, { name, pairs }] of byRule) {
    const made = await insertMemberships(tx, actor, pairs, "rule", ruleId);
    if (made.length)
      await audit(
        tx,
        actor,
        "memberships.added",
        { type: "membership_rule", id: ruleId },
        { after: { added: made, rule: name } },
      );
    added.push(...made);
  }
  return added;
}

/**
 * Brings these members' rule-made memberships in line with the rules, in the caller's
 * transaction: adds what a rule they match calls for, and takes away what a rule put there that
 * they no longer match (unless another rule calls for it too, which then owns it). Memberships
 * an admin or the directory made are never touched. Run when someone joins and when their
 * attributes change.
 */
export async function syncMemberRules(tx: Db, actor: Actor, memberIds: string[]) {
  if (!memberIds.length) return { added: [], removed: [] };
  const desired = await desiredMemberships(tx, actor.orgId, { memberIds });
  const byPair = new Map(desired.map((d) => [pairKey(d), d]));
  const ruled = await queryRows<{
    group_id: string;
    member_id: string;
    rule_id: string;
    rule_name: string | null;
  }>(
    tx,
    sql`select gm.group_id, gm.member_id, gm.rule_id, r.name as rule_name from group_members gm
        left join membership_rules r on r.org_id = gm.org_id and r.id = gm.rule_id
        where gm.org_id = ${actor.orgId}::uuid and gm.rule_id is not null
          and gm.member_id = any(${uuidArray(memberIds)})`,
  );
  const stale = ruled.filter((r) => !byPair.has(pairKey(r)));
  const handedOver = ruled.filter((r) => {
    const now = byPair.get(pairKey(r));
    return now !== undefined && now.rule_id !== r.rule_id;
  });
  for (const h of handedOver)
    await tx.execute(
      sql`update group_members set rule_id = ${byPair.get(pairKey(h))!.rule_id}::uuid
          where org_id = ${actor.orgId}::uuid and group_id = ${h.group_id}::uuid and member_id = ${h.member_id}::uuid`,
    );
  const removed = await deleteMemberships(
    tx,
    actor,
    stale.map((s) => ({ groupId: s.group_id, memberId: s.member_id })),
  );
  if (removed.length)
    await audit(
      tx,
      actor,
      "memberships.removed",
      { type: "membership_rule" },
      {
        before: {
          removed,
          reason: `No longer matched: ${[...new Set(stale.map((s) => s.rule_name ?? "a rule"))].join(", ")}`,
        },
      },
    );
  const added = await addDesired(tx, actor, desired);
  return { added, removed };
}

/** Adds everyone who matches these rules now (an admin's "apply to current members"). */
export async function applyRules(tx: Db, actor: Actor, ruleIds: string[]) {
  return addDesired(tx, actor, await desiredMemberships(tx, actor.orgId, { ruleIds }));
}

/** Adds one person to one group if a rule calls for it now (after an admin lifts an exception). */
export async function applyRulesToMembership(tx: Db, actor: Actor, pair: MembershipPair) {
  const desired = await desiredMemberships(tx, actor.orgId, { memberIds: [pair.memberId] });
  return addDesired(
    tx,
    actor,
    desired.filter((d) => d.group_id === pair.groupId),
  );
}

/**
 * Restores ended memberships (an Undo) as they were: those a rule or a default group gave come
 * back as the rules' again, under the rule that calls for them now (so its badge shows and it
 * takes them away when they stop matching); the rest as made by hand.
 */
export async function restoreMemberships(tx: Db, actor: Actor, pairs: MembershipPair[]) {
  const ruleGiven = await lastGivenByRules(tx, actor.orgId, pairs);
  const desired = ruleGiven.length
    ? await desiredMemberships(tx, actor.orgId, {
        memberIds: [...new Set(ruleGiven.map((p) => p.memberId))],
      })
    : [];
  const ruleOf = new Map(desired.map((d) => [pairKey(d), d.rule_id]));
  const given = new Set(ruleGiven.map(pairRowKey));
  const byHand = pairs.filter((p) => !given.has(pairRowKey(p)));
  const byRule = new Map<string | null, MembershipPair[]>();
  for (const p of ruleGiven) {
    const ruleId = ruleOf.get(pairRowKey(p)) ?? null;
    byRule.set(ruleId, [...(byRule.get(ruleId) ?? []), p]);
  }
  const added = await insertMemberships(tx, actor, byHand);
  for (const [ruleId, rulePairs] of byRule)
    added.push(...(await insertMemberships(tx, actor, rulePairs, "rule", ruleId)));
  return added.sort(
    (a, b) => a.groupId.localeCompare(b.groupId) || a.memberId.localeCompare(b.memberId),
  );
}

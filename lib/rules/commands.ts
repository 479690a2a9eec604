import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { queryRows, textArray, uuidArray } from "@/db/rows";
import { membershipRules } from "@/db/schema";
import { audit } from "@/lib/audit/record";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { Invalid, NotFound } from "@/lib/errors";
import { requireGroups } from "@/lib/groups/lookup";
import { type RuleInput, ruleInput, ruleRef } from "./schemas";
import { attributeSql } from "./attributes";
import { applyRules } from "./sync";

/** The live groups a rule may fill: not archived, and not owned by the directory. */
async function requireRuleGroups(tx: Db, orgId: string, groupIds: string[]) {
  const found = [...(await requireGroups(tx, orgId, groupIds, { live: true })).values()];
  const linked = found.find((g) => g.directoryLinkedAt);
  if (linked)
    throw new Invalid(
      `${linked.name}'s members come from your identity provider (directory sync): a rule cannot add to it.`,
      { groupIds: "Choose groups the directory does not own." },
    );
  return found;
}

/**
 * What a new rule would do to the current members: how many memberships it would add (people
 * matching it who are not in those groups yet), with a few of their names.
 */
export async function previewRule(db: Db, actor: Actor, raw: RuleInput) {
  assertCan(actor, "org:manage");
  const input = ruleInput.parse(raw);
  await requireRuleGroups(db, actor.orgId, input.groupIds);
  const org = sql`${actor.orgId}::uuid`;
  const [row] = await queryRows<{ people: string; memberships: string; names: string[] | null }>(
    db,
    sql`with matching as (
          select m.id, u.name from org_members m join users u on u.id = m.user_id
          where m.org_id = ${org} and m.status <> 'removed'
            and ${attributeSql(input.attribute)} = any(${textArray(input.values)})
        ),
        missing as (
          select g.id as group_id, x.id as member_id, x.name from matching x
          cross join unnest(${uuidArray(input.groupIds)}) as g(id)
          where not exists (select 1 from group_members gm where gm.org_id = ${org} and gm.group_id = g.id and gm.member_id = x.id)
            and not exists (select 1 from rule_exceptions e where e.org_id = ${org} and e.group_id = g.id and e.member_id = x.id)
        )
        select (select count(*) from matching) as people, count(*) as memberships,
          (array_agg(distinct name))[1:5] as names
        from missing`,
  );
  return {
    matching: Number(row?.people ?? 0),
    toAdd: Number(row?.memberships ?? 0),
    examples: row?.names ?? [],
  };
}

/**
 * Creates a rule; from now on it adds people when they join or their attributes change. With
 * `applyToExisting`, the current members who match are added now, in the same transaction (the
 * answer lists them, for Undo).
 */
export async function createRule(db: Db, actor: Actor, raw: RuleInput) {
  assertCan(actor, "org:manage");
  const input = ruleInput.parse(raw);
  return db.transaction(async (tx) => {
    const found = await requireRuleGroups(tx, actor.orgId, input.groupIds);
    const [rule] = await tx
      .insert(membershipRules)
      .values({
        orgId: actor.orgId,
        name: input.name,
        attribute: input.attribute,
        values: input.values,
        groupIds: input.groupIds,
        createdBy: actor.kind === "user" ? actor.userId : null,
      })
      .onConflictDoNothing()
      .returning();
    if (!rule)
      throw new Invalid(`A rule named ${input.name} exists already.`, {
        name: "Choose another name.",
      });
    await audit(
      tx,
      actor,
      "membership_rule.created",
      { type: "membership_rule", id: rule.id },
      {
        after: {
          name: rule.name,
          attribute: rule.attribute,
          values: rule.values,
          groups: found.map((g) => g.name),
        },
      },
    );
    const added = input.applyToExisting ? await applyRules(tx, actor, [rule.id]) : [];
    return { id: rule.id, added };
  });
}

/**
 * Deletes a rule. The memberships it made stay (now as if made by hand: nobody is taken out of
 * a group because a rule was deleted); it adds no one from now on.
 */
export async function deleteRule(db: Db, actor: Actor, raw: { ruleId: string }) {
  assertCan(actor, "org:manage");
  const { ruleId } = ruleRef.parse(raw);
  return db.transaction(async (tx) => {
    const [rule] = await tx
      .delete(membershipRules)
      .where(and(eq(membershipRules.orgId, actor.orgId), eq(membershipRules.id, ruleId)))
      .returning();
    if (!rule) throw new NotFound("The rule");
    const kept = await queryRows<{ n: string }>(
      tx,
      sql`with kept as (update group_members set rule_id = null
            where org_id = ${actor.orgId}::uuid and rule_id = ${rule.id}::uuid returning 1)
          select count(*) as n from kept`,
    );
    await audit(
      tx,
      actor,
      "membership_rule.deleted",
      { type: "membership_rule", id: rule.id },
      {
        before: { name: rule.name, attribute: rule.attribute, values: rule.values },
        after: { membershipsKept: Number(kept[0]?.n ?? 0) },
      },
    );
    return { membershipsKept: Number(kept[0]?.n ?? 0) };
  });
}

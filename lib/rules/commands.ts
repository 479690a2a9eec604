import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { queryRows } from "@/db/rows";
import { membershipRules } from "@/db/schema";
import { audit } from "@/lib/audit/record";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { Invalid, NotFound } from "@/lib/errors";
import { requireGroups } from "@/lib/groups/lookup";
import { liftRuleExceptions } from "@/lib/memberships/write";
import { type RuleInput, ruleExceptionRef, ruleInput, ruleRef } from "./schemas";
import { applyRules, applyRulesToMembership, desiredMemberships } from "./sync";

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
  const desired = await desiredMemberships(db, actor.orgId, { candidate: input });
  const missing = desired.filter((d) => d.missing);
  return {
    matching: new Set(desired.map((d) => d.member_id)).size,
    toAdd: missing.length,
    examples: [...new Set(missing.map((d) => d.member_name))]
      .sort((a, b) => a.localeCompare(b))
      .slice(0, 5),
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

/**
 * Lets the rules decide again for one person and group an admin kept out: the exception goes,
 * and a rule they match now adds them back at once, in the same transaction (the answer says
 * whether it did).
 */
export async function liftRuleException(
  db: Db,
  actor: Actor,
  raw: { groupId: string; memberId: string },
) {
  assertCan(actor, "org:manage");
  const { groupId, memberId } = ruleExceptionRef.parse(raw);
  return db.transaction(async (tx) => {
    const [lifted] = await liftRuleExceptions(tx, actor, [{ groupId, memberId }]);
    if (!lifted) throw new NotFound("The exception");
    await audit(
      tx,
      actor,
      "rule_exception.lifted",
      { type: "member", id: memberId },
      { before: { groupId } },
    );
    return { added: await applyRulesToMembership(tx, actor, lifted) };
  });
}

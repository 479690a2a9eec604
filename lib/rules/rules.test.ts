import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import { auditLog, groupMembers, groups, orgMembers } from "@/db/schema";
import { insertMembership } from "@/db/seed/builders";
import type { Actor } from "@/lib/auth/actor";
import { Forbidden, NotFound } from "@/lib/errors";
import { addMember } from "@/lib/members/commands";
import { boardData } from "@/lib/groups/board";
import { archiveGroup } from "@/lib/groups/commands";
import {
  addMembers,
  moveMembers,
  removeMembers,
  revertMembershipChange,
} from "@/lib/memberships/commands";
import { ENTERPRISE_SCHEMA } from "@/lib/scim/schema-ids";
import { bothDatabases, testDatabase } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import { createRule, deleteRule, liftRuleException, previewRule } from "./commands";
import { listRuleExceptions, listRules } from "./queries";
import { syncMemberRules } from "./sync";

// Auto-assign rules: matching people join the rule's groups when they join the organisation, when
// the rule is applied to current members, and when the directory changes their attributes; a
// membership a rule made goes when they stop matching (unless another rule still calls for it),
// and one an admin made never does. Not into groups the directory owns, nor archived ones.

describe.each(bothDatabases())("auto-assign rules on %s", (on) => {
  let db: Db;
  beforeAll(async () => {
    db = (await testDatabase(on)).db;
  });

  async function scene() {
    const f = await orgFixture(db, "admin");
    const finance = await f.group("Finance");
    const budgetOwners = await f.group("Budget Owners");
    const sales = await f.group("Sales");
    const ann = await f.person("Ann");
    const bob = await f.person("Bob");
    const cat = await f.person("Cat");
    const directory: Actor = { kind: "directory", tokenId: "t", orgId: f.org.id, label: "Okta" };
    const setDepartment = async (memberId: string, department: string | null) => {
      await db
        .update(orgMembers)
        .set({
          directoryAttributes:
            department === null ? {} : { [ENTERPRISE_SCHEMA]: { department: ` ${department} ` } },
        })
        .where(eq(orgMembers.id, memberId));
      return syncMemberRules(db, directory, [memberId]);
    };
    const membership = async (groupId: string, memberId: string) =>
      (
        await db
          .select({ source: groupMembers.source, ruleId: groupMembers.ruleId })
          .from(groupMembers)
          .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.memberId, memberId)))
      )[0] ?? null;
    /** The rule most cases need: the Finance department joins Finance. */
    const financeRule = async () =>
      (
        await createRule(db, f.actor, {
          name: "Finance",
          attribute: "department",
          values: ["finance"],
          groupIds: [finance],
        })
      ).id;
    return {
      ...f,
      finance,
      budgetOwners,
      sales,
      ann,
      bob,
      cat,
      setDepartment,
      membership,
      financeRule,
    };
  }

  it("applies a rule to current members who match, as previewed, and to people who join", async () => {
    const s = await scene();
    await s.setDepartment(s.ann.id, "Finance");
    await s.setDepartment(s.bob.id, "FP&A");
    await s.setDepartment(s.cat.id, "Sales");
    // Bob is in Finance already, by hand.
    await insertMembership(db, { orgId: s.org.id, groupId: s.finance, memberId: s.bob.id });
    const input = {
      name: "Finance people",
      attribute: "department" as const,
      values: "finance, fp&a",
      groupIds: [s.finance, s.budgetOwners],
    };
    expect(await previewRule(db, s.actor, input)).toEqual({
      matching: 2,
      toAdd: 3,
      examples: ["Ann", "Bob"],
    });
    const { id, added } = await createRule(db, s.actor, { ...input, applyToExisting: true });
    expect(added).toHaveLength(3);
    expect(await s.membership(s.finance, s.ann.id)).toEqual({ source: "rule", ruleId: id });
    expect(await s.membership(s.budgetOwners, s.bob.id)).toEqual({ source: "rule", ruleId: id });
    // Made by hand, it stays the admin's.
    expect(await s.membership(s.finance, s.bob.id)).toEqual({ source: "manual", ruleId: null });
    expect(await s.membership(s.finance, s.cat.id)).toBeNull();

    const domain = await createRule(db, s.actor, {
      name: "Everyone at the sales office",
      attribute: "email_domain",
      values: ["SALES.example.com"],
      groupIds: [s.sales],
    });
    expect(domain.added).toEqual([]);
    const joined = await addMember(db, s.actor, {
      email: "dan@sales.example.com",
      name: "Dan",
      role: "member",
      access: "invite",
    });
    expect(await s.membership(s.sales, joined.memberId)).toEqual({
      source: "rule",
      ruleId: domain.id,
    });
    const rules = await listRules(db, s.actor);
    expect(
      rules.map((r) => [r.name, r.values, r.groups.map((g) => g.name), r.memberships]),
    ).toEqual([
      ["Finance people", ["finance", "fp&a"], ["Budget Owners", "Finance"], 3],
      ["Everyone at the sales office", ["sales.example.com"], ["Sales"], 1],
    ]);
  });

  it("follows a change of department: out of what the old rule gave, into what the new one gives", async () => {
    const s = await scene();
    const finance = await createRule(db, s.actor, {
      name: "Finance",
      attribute: "department",
      values: ["finance"],
      groupIds: [s.finance, s.budgetOwners],
    });
    const managers = await createRule(db, s.actor, {
      name: "Sales",
      attribute: "department",
      values: ["sales"],
      groupIds: [s.sales, s.budgetOwners],
    });
    await s.setDepartment(s.ann.id, "Finance");
    expect(await s.membership(s.finance, s.ann.id)).toMatchObject({ ruleId: finance.id });
    const moved = await s.setDepartment(s.ann.id, "Sales");
    expect(moved.removed).toEqual([{ groupId: s.finance, memberId: s.ann.id }]);
    expect(await s.membership(s.finance, s.ann.id)).toBeNull();
    expect(await s.membership(s.sales, s.ann.id)).toMatchObject({ ruleId: managers.id });
    // Budget Owners is called for by both rules: she stays, now by the Sales rule.
    expect(await s.membership(s.budgetOwners, s.ann.id)).toMatchObject({ ruleId: managers.id });
    // Once the rule is deleted, what it made is kept and left alone.
    expect(await deleteRule(db, s.actor, { ruleId: managers.id })).toEqual({ membershipsKept: 2 });
    await s.setDepartment(s.ann.id, null);
    expect(await s.membership(s.sales, s.ann.id)).toEqual({ source: "rule", ruleId: null });
  });

  it("keeps out whom an admin removed by hand and asked to keep out, until added back by hand", async () => {
    const s = await scene();
    await s.financeRule();
    await s.setDepartment(s.ann.id, "Finance");
    await s.setDepartment(s.bob.id, "Finance");
    await removeMembers(db, s.actor, {
      memberIds: [s.ann.id],
      groupIds: [s.finance],
      keepOutOfRules: true,
    });
    await removeMembers(db, s.actor, { memberIds: [s.bob.id], groupIds: [s.finance] });
    // The directory sends them again (as Okta's periodic PUT does): Bob comes back, Ann does not.
    await s.setDepartment(s.ann.id, "Finance");
    await s.setDepartment(s.bob.id, "Finance");
    expect(await s.membership(s.finance, s.ann.id)).toBeNull();
    expect(await s.membership(s.finance, s.bob.id)).toMatchObject({ source: "rule" });
    expect(
      await previewRule(db, s.actor, {
        name: "again",
        attribute: "department",
        values: "finance",
        groupIds: [s.finance],
      }),
      // Ann is kept out: the rule covers only Bob, who is in already.
    ).toMatchObject({ matching: 1, toAdd: 0 });
    // Added back by hand, then removed plainly: the rule may add her again.
    await addMembers(db, s.actor, { memberIds: [s.ann.id], groupIds: [s.finance] });
    await removeMembers(db, s.actor, { memberIds: [s.ann.id], groupIds: [s.finance] });
    await s.setDepartment(s.ann.id, "Finance");
    expect(await s.membership(s.finance, s.ann.id)).toMatchObject({ source: "rule" });
  });

  it("lists whom the rules keep out and lets an admin let the rules decide again", async () => {
    const s = await scene();
    const id = await s.financeRule();
    await s.setDepartment(s.ann.id, "Finance");
    await s.setDepartment(s.bob.id, "Finance");
    await removeMembers(db, s.actor, {
      memberIds: [s.ann.id, s.bob.id],
      groupIds: [s.finance],
      keepOutOfRules: true,
    });
    await s.setDepartment(s.bob.id, "Sales");
    expect(
      (await listRuleExceptions(db, s.actor)).map((e) => [e.memberName, e.groupName]).sort(),
    ).toEqual([
      ["Ann", "Finance"],
      ["Bob", "Finance"],
    ]);
    const stranger = await orgFixture(db, "admin");
    expect(await listRuleExceptions(db, stranger.actor)).toEqual([]);
    await expect(
      liftRuleException(db, stranger.actor, { groupId: s.finance, memberId: s.ann.id }),
    ).rejects.toBeInstanceOf(NotFound);
    const member = await orgFixture(db, "member");
    await expect(
      liftRuleException(db, member.actor, { groupId: s.finance, memberId: s.ann.id }),
    ).rejects.toBeInstanceOf(Forbidden);

    // Ann still matches: she is back at once. Bob no longer does: nothing now, the rule later.
    expect(
      await liftRuleException(db, s.actor, { groupId: s.finance, memberId: s.ann.id }),
    ).toEqual({ added: [{ groupId: s.finance, memberId: s.ann.id }] });
    expect(await s.membership(s.finance, s.ann.id)).toEqual({ source: "rule", ruleId: id });
    expect(
      await liftRuleException(db, s.actor, { groupId: s.finance, memberId: s.bob.id }),
    ).toEqual({ added: [] });
    expect(await s.membership(s.finance, s.bob.id)).toBeNull();
    await s.setDepartment(s.bob.id, "Finance");
    expect(await s.membership(s.finance, s.bob.id)).toEqual({ source: "rule", ruleId: id });
    expect(await listRuleExceptions(db, s.actor)).toEqual([]);
    await expect(
      liftRuleException(db, s.actor, { groupId: s.finance, memberId: s.ann.id }),
    ).rejects.toBeInstanceOf(NotFound);
    const [entry] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.orgId, s.org.id), eq(auditLog.action, "rule_exception.lifted")))
      .limit(1);
    expect(entry).toMatchObject({ targetType: "member", before: { groupId: s.finance } });
    // Kept out of a group since archived: the rules could not add them anyway, so not listed.
    await removeMembers(db, s.actor, {
      memberIds: [s.ann.id],
      groupIds: [s.finance],
      keepOutOfRules: true,
    });
    expect(await listRuleExceptions(db, s.actor)).toHaveLength(1);
    await archiveGroup(db, s.actor, { groupId: s.finance });
    expect(await listRuleExceptions(db, s.actor)).toEqual([]);
  });

  it("shows the board what a rule made, and a move by hand out of it can keep the rules out", async () => {
    const s = await scene();
    const id = await s.financeRule();
    await s.setDepartment(s.ann.id, "Finance");
    await s.setDepartment(s.bob.id, "Finance");
    await addMembers(db, s.actor, { memberIds: [s.cat.id], groupIds: [s.finance] });
    const board = await boardData(db, s.actor);
    expect(board.groups.find((g) => g.id === s.finance)?.ruleNames).toEqual({
      [s.ann.id]: "Finance",
      [s.bob.id]: "Finance",
    });
    await moveMembers(db, s.actor, {
      memberIds: [s.ann.id],
      fromGroupId: s.finance,
      toGroupId: s.sales,
      keepOutOfRules: true,
    });
    await moveMembers(db, s.actor, {
      memberIds: [s.bob.id],
      fromGroupId: s.finance,
      toGroupId: s.sales,
    });
    await s.setDepartment(s.ann.id, "Finance");
    await s.setDepartment(s.bob.id, "Finance");
    expect(await s.membership(s.finance, s.ann.id)).toBeNull();
    expect(await s.membership(s.finance, s.bob.id)).toEqual({ source: "rule", ruleId: id });
  });

  it("keeps out only whom a rule added, and an Undo gives back exactly what the rules had given", async () => {
    const s = await scene();
    const id = await s.financeRule();
    await s.setDepartment(s.ann.id, "Finance");
    await addMembers(db, s.actor, { memberIds: [s.cat.id], groupIds: [s.finance] });
    const moved = await moveMembers(db, s.actor, {
      memberIds: [s.ann.id, s.cat.id],
      fromGroupId: s.finance,
      toGroupId: s.sales,
      keepOutOfRules: true,
    });
    // Cat was added by hand: no rule is kept from adding her, and the audit row says whom it kept out.
    expect((await listRuleExceptions(db, s.actor)).map((e) => e.memberName)).toEqual(["Ann"]);
    const annInFinance = [{ groupId: s.finance, memberId: s.ann.id }];
    const afterOf = async (action: string) =>
      (
        await db
          .select({ after: auditLog.after })
          .from(auditLog)
          .where(and(eq(auditLog.orgId, s.org.id), eq(auditLog.action, action)))
      ).map((r) => r.after);
    expect(await afterOf("memberships.moved")).toEqual([
      expect.objectContaining({ keptOutOfRules: annInFinance }),
    ]);
    await revertMembershipChange(db, s.actor, moved);
    expect(await afterOf("memberships.reverted")).toEqual([
      expect.objectContaining({ exceptionsLifted: annInFinance }),
    ]);
    expect(await s.membership(s.finance, s.ann.id)).toEqual({ source: "rule", ruleId: id });
    expect(await s.membership(s.finance, s.cat.id)).toMatchObject({ source: "manual" });
    expect(await s.membership(s.sales, s.ann.id)).toBeNull();
    expect(await listRuleExceptions(db, s.actor)).toEqual([]);
    // The rule owns Ann's membership again: it goes when she stops matching; Cat's stays.
    await s.setDepartment(s.ann.id, "Sales");
    await s.setDepartment(s.cat.id, "Sales");
    expect(await s.membership(s.finance, s.ann.id)).toBeNull();
    expect(await s.membership(s.finance, s.cat.id)).toMatchObject({ source: "manual" });
  });

  it("matches a manager by email, name or the provider's id, and a group named at sign-in", async () => {
    const s = await scene();
    const setAttributes = async (memberId: string, attributes: object, ssoGroups?: string[]) => {
      await db
        .update(orgMembers)
        .set({ directoryAttributes: attributes, ssoGroups: ssoGroups ?? null })
        .where(eq(orgMembers.id, memberId));
      return syncMemberRules(db, s.actor, [memberId]);
    };
    const dana = await s.person("Dana");
    await db
      .update(orgMembers)
      .set({ directoryExternalId: "00u-dana" })
      .where(eq(orgMembers.id, dana.id));
    const reportsToDana = await createRule(db, s.actor, {
      name: "Dana's team",
      attribute: "manager",
      values: `dana@${s.org.slug}.test`,
      groupIds: [s.sales],
    });
    const finance = await createRule(db, s.actor, {
      name: "Finance at sign-in",
      attribute: "sso_group",
      values: "GH-Finance",
      groupIds: [s.finance],
    });
    const manager = (reference: object) => ({ [ENTERPRISE_SCHEMA]: { manager: reference } });
    // Entra: our id for Dana; Okta: its own id for her; by name; someone else.
    await setAttributes(s.ann.id, manager({ value: dana.id }));
    await setAttributes(s.bob.id, manager({ value: "00u-dana" }));
    await setAttributes(s.cat.id, manager({ value: "someone", displayName: "Eve" }));
    expect(await s.membership(s.sales, s.ann.id)).toEqual({
      source: "rule",
      ruleId: reportsToDana.id,
    });
    expect(await s.membership(s.sales, s.bob.id)).toEqual({
      source: "rule",
      ruleId: reportsToDana.id,
    });
    expect(await s.membership(s.sales, s.cat.id)).toBeNull();

    await setAttributes(s.cat.id, {}, ["gh-engineering", " gh-finance "]);
    await setAttributes(s.bob.id, {}, ["gh-engineering"]);
    expect(await s.membership(s.finance, s.cat.id)).toEqual({ source: "rule", ruleId: finance.id });
    expect(await s.membership(s.finance, s.bob.id)).toBeNull();
    // Bob's manager is gone from his attributes: so is what the rule gave him.
    expect(await s.membership(s.sales, s.bob.id)).toBeNull();
  });

  it("never adds to a group the directory owns or an archived one, and refuses bad rules", async () => {
    const s = await scene();
    await db.update(groups).set({ directoryLinkedAt: new Date() }).where(eq(groups.id, s.sales));
    await expect(
      createRule(db, s.actor, {
        name: "x",
        attribute: "department",
        values: ["sales"],
        groupIds: [s.sales],
      }),
    ).rejects.toThrow("a rule cannot add to it");
    await expect(
      createRule(db, s.actor, {
        name: "x",
        attribute: "department",
        values: " , ",
        groupIds: [s.finance],
      }),
    ).rejects.toThrow("Enter at least one value.");
    await expect(
      createRule(db, s.actor, {
        name: "x",
        attribute: "shoe_size" as "title",
        values: "9",
        groupIds: [s.finance],
      }),
    ).rejects.toThrow("Choose what the rule looks at.");
    await createRule(db, s.actor, {
      name: "Finance",
      attribute: "title",
      values: "cfo",
      groupIds: [s.finance],
    });
    await expect(
      createRule(db, s.actor, {
        name: "FINANCE",
        attribute: "title",
        values: "cfo",
        groupIds: [s.finance],
      }),
    ).rejects.toThrow("exists already");
    // The group is archived after the rule: the rule adds no one to it.
    await db.update(groups).set({ archivedAt: new Date() }).where(eq(groups.id, s.finance));
    await db
      .update(orgMembers)
      .set({ directoryAttributes: { title: "CFO" } })
      .where(eq(orgMembers.id, s.cat.id));
    expect((await syncMemberRules(db, s.actor, [s.cat.id])).added).toEqual([]);

    const member = await orgFixture(db, "member");
    await expect(listRules(db, member.actor)).rejects.toBeInstanceOf(Forbidden);
    await expect(
      createRule(db, member.actor, {
        name: "x",
        attribute: "title",
        values: "cfo",
        groupIds: [s.finance],
      }),
    ).rejects.toBeInstanceOf(Forbidden);
    const stranger = await orgFixture(db, "admin");
    await expect(
      createRule(db, stranger.actor, {
        name: "x",
        attribute: "title",
        values: "cfo",
        groupIds: [s.budgetOwners],
      }),
    ).rejects.toBeInstanceOf(NotFound);
    const [rule] = await listRules(db, s.actor);
    await expect(deleteRule(db, stranger.actor, { ruleId: rule!.id })).rejects.toBeInstanceOf(
      NotFound,
    );
  });
});

import type { Metadata } from "next";
import { requireConsole } from "@/app/_server/session";
import { AdminOnly } from "@/components/layout/admin-only";
import { PageHeader } from "@/components/layout/page-header";
import { RuleExceptionList } from "@/components/rules/rule-exception-list";
import { RuleForm } from "@/components/rules/rule-form";
import { RuleList } from "@/components/rules/rule-list";
import { getDb } from "@/db/client";
import { listGroupsWithCounts } from "@/lib/groups/queries";
import { orgTimeZone } from "@/lib/orgs/time-zone";
import { listRuleExceptions, listRules } from "@/lib/rules/queries";
import { revertMembershipChangeAction } from "../membership-actions";
import {
  createRuleAction,
  deleteRuleAction,
  liftRuleExceptionAction,
  previewRuleAction,
} from "./actions";

export const metadata: Metadata = { title: "Auto-assign rules · Gatehouse" };

export default async function RulesPage() {
  const { actor } = await requireConsole();
  if (actor.role === "member") return <AdminOnly what="Auto-assign rules" />;
  const db = await getDb();
  const [rules, groups, exceptions, timeZone] = await Promise.all([
    listRules(db, actor),
    listGroupsWithCounts(db, actor),
    listRuleExceptions(db, actor),
    orgTimeZone(db, actor.orgId),
  ]);
  return (
    <>
      <PageHeader
        title="Auto-assign rules"
        description="People join a rule's groups when they join the organisation (added in the console, invited, imported, signed in with SSO, provisioned over SCIM), whenever the directory changes their attributes and whenever your sign-in provider names other groups for them; when they stop matching, what the rule gave them goes. Memberships made by hand are never touched."
      />
      <div className="grid gap-6 lg:grid-cols-[1fr_26rem]">
        <section aria-label="Rules" className="min-w-0">
          <RuleList rules={rules} remove={deleteRuleAction} />
          <RuleExceptionList
            exceptions={exceptions}
            timeZone={timeZone}
            lift={liftRuleExceptionAction}
          />
        </section>
        <RuleForm
          groups={groups
            .filter((g) => !g.archivedAt && !g.directory)
            .map((g) => ({ id: g.id, name: g.name }))}
          preview={previewRuleAction}
          create={createRuleAction}
          revert={revertMembershipChangeAction}
        />
      </div>
    </>
  );
}

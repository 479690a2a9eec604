import type { Metadata } from "next";
import Link from "next/link";
import { requireConsole } from "@/app/_server/session";
import { PageHeader } from "@/components/layout/page-header";
import { IgnoredParams } from "@/components/layout/ignored-params";
import { AddMemberDialog } from "@/components/members/add-member-dialog";
import { MembersFilters } from "@/components/members/members-filters";
import { MembersTable } from "@/components/members/members-table";
import { Button } from "@/components/ui/button";
import { getDb } from "@/db/client";
import { orgHasEnabledProvider } from "@/lib/auth/sso-providers";
import { env, oidcEnabled } from "@/lib/env";
import { listGroupsWithCounts } from "@/lib/groups/queries";
import { listMembers } from "@/lib/members/queries";
import { listMembersInput } from "@/lib/members/schemas";
import { concerning, recommendations } from "@/lib/recommendations/recommendations";
import { parseSearchParams } from "@/lib/search-params";
import {
  addMembersAction,
  previewAddMembersAction,
  removeMembersAction,
  revertMembershipChangeAction,
} from "../groups/membership-actions";
import {
  addMemberAction,
  changeMemberRoleAction,
  matchingMemberIdsAction,
  reactivateMemberAction,
  removeMemberAction,
  setSpendingLimitAction,
  signOutEverywhereAction,
  suspendMemberAction,
} from "./actions";

export const metadata: Metadata = { title: "Members · Gatehouse" };

interface MembersPageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export default async function MembersPage({ searchParams }: MembersPageProps) {
  const { actor } = await requireConsole();
  const { query: filters, ignored } = parseSearchParams(listMembersInput, await searchParams);
  const db = await getDb();
  const canEdit = actor.role !== "member";
  const [page, groups, orgSso, advice] = await Promise.all([
    listMembers(db, actor, filters),
    listGroupsWithCounts(db, actor),
    orgHasEnabledProvider(db, actor.orgId),
    canEdit ? recommendations(db, actor) : [],
  ]);
  const recommendationCounts = Object.fromEntries(
    page.rows.map((r) => [r.memberId, concerning(advice, { memberId: r.memberId }).length]),
  );
  const liveGroups = groups.filter((g) => !g.archivedAt).map((g) => ({ id: g.id, name: g.name }));
  return (
    <>
      <PageHeader
        title="Members"
        description={`${page.total.toLocaleString("en-US")} ${page.total === 1 ? "person matches" : "people match"} these filters.`}
        actions={
          canEdit && (
            <div className="flex items-center gap-2">
              <Button variant="outline" asChild>
                <Link href="/members/import">Import CSV</Link>
              </Button>
              <AddMemberDialog
                canAddOwners={actor.role === "owner"}
                ssoName={
                  oidcEnabled() ? env().AUTH_OIDC_NAME : orgSso ? "single sign-on" : undefined
                }
                addMember={addMemberAction}
              />
            </div>
          )
        }
      />
      <div className="flex flex-col gap-4">
        <IgnoredParams names={ignored} />
        <MembersFilters groups={liveGroups} />
        <MembersTable
          rows={page.rows}
          total={page.total}
          page={page.page}
          pageSize={page.pageSize}
          sort={filters.sort}
          dir={filters.dir}
          groups={liveGroups}
          canEdit={canEdit}
          recommendationCounts={recommendationCounts}
          bulkActions={{
            add: addMembersAction,
            remove: removeMembersAction,
            preview: previewAddMembersAction,
            revert: revertMembershipChangeAction,
          }}
          memberActions={{
            changeRole: changeMemberRoleAction,
            setLimit: setSpendingLimitAction,
            suspend: suspendMemberAction,
            reactivate: reactivateMemberAction,
            remove: removeMemberAction,
            signOutEverywhere: actor.role === "owner" ? signOutEverywhereAction : undefined,
            matchingIds: matchingMemberIdsAction,
          }}
        />
      </div>
    </>
  );
}

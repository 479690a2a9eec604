import { Users } from "lucide-react";
import type { Metadata } from "next";
import { requireConsole } from "@/app/_server/session";
import { ComingSoon } from "@/components/layout/coming-soon";
import { PageHeader } from "@/components/layout/page-header";
import { getDb } from "@/db/client";
import { getOrgOverview } from "@/lib/orgs/queries";

export const metadata: Metadata = { title: "Members · Gatehouse" };

export default async function MembersPage() {
  const { actor } = await requireConsole();
  const { members } = await getOrgOverview(await getDb(), actor);
  return (
    <>
      <PageHeader
        title="Members"
        description={`${members.active} active${members.suspended ? `, ${members.suspended} suspended` : ""}.`}
      />
      <ComingSoon icon={Users} title="Member management is on its way">
        Search, filter and bulk-assign members to groups, change roles and spending limits, suspend
        and reactivate. Until then, each group&apos;s page lists its members.
      </ComingSoon>
    </>
  );
}

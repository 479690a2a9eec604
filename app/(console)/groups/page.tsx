import type { Metadata } from "next";
import { requireConsole } from "@/app/_server/session";
import { GroupTree } from "@/components/groups/group-tree";
import { PageHeader } from "@/components/layout/page-header";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db/client";
import { listGroupsWithCounts } from "@/lib/groups/queries";

export const metadata: Metadata = { title: "Groups · Gatehouse" };

export default async function GroupsPage() {
  const { actor } = await requireConsole();
  const groups = await listGroupsWithCounts(await getDb(), actor);
  const archived = groups.filter((g) => g.archivedAt).length;
  return (
    <>
      <PageHeader
        title="Groups"
        description={`${groups.length - archived} groups${archived ? `, ${archived} archived` : ""}. Members of a subgroup count as members of its parents.`}
      />
      <Card className="overflow-hidden">
        {groups.length ? (
          <GroupTree groups={groups} />
        ) : (
          <p className="p-8 text-center text-sm text-muted-foreground">No groups yet.</p>
        )}
      </Card>
    </>
  );
}

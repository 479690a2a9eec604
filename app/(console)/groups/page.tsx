import type { Metadata } from "next";
import Link from "next/link";
import { requireConsole } from "@/app/_server/session";
import { GroupTree } from "@/components/groups/group-tree";
import { PageHeader } from "@/components/layout/page-header";
import { Button } from "@/components/ui/button";
import { getDb } from "@/db/client";
import { listGroupsWithCounts } from "@/lib/groups/queries";
import {
  archiveGroupAction,
  createGroupAction,
  moveGroupAction,
  restoreGroupAction,
  updateGroupAction,
} from "./actions";

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
        actions={
          <div className="flex gap-2">
            {actor.role !== "member" && (
              <Button asChild variant="outline">
                <Link href="/groups/rules">Auto-assign rules</Link>
              </Button>
            )}
            <Button asChild variant="outline">
              <Link href="/groups/board">Membership board</Link>
            </Button>
          </div>
        }
      />
      <GroupTree
        groups={groups}
        canEdit={actor.role !== "member"}
        actions={{
          create: createGroupAction,
          update: updateGroupAction,
          move: moveGroupAction,
          archive: archiveGroupAction,
          restore: restoreGroupAction,
        }}
      />
    </>
  );
}

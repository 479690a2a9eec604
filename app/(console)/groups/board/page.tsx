import type { Metadata } from "next";
import Link from "next/link";
import { requireConsole } from "@/app/_server/session";
import { MemberBoard } from "@/components/board/member-board";
import { PageHeader } from "@/components/layout/page-header";
import { Button } from "@/components/ui/button";
import { getDb } from "@/db/client";
import { boardData } from "@/lib/groups/board";
import {
  addMembersAction,
  moveMembersAction,
  removeMembersAction,
  revertMembershipChangeAction,
} from "../membership-actions";

export const metadata: Metadata = { title: "Board · Groups · Gatehouse" };

export default async function BoardPage() {
  const { actor } = await requireConsole();
  const data = await boardData(await getDb(), actor);
  const canEdit = actor.role !== "member";
  return (
    <>
      <PageHeader
        title="Membership board"
        description={
          canEdit
            ? "Drag people between groups. Every change can be undone from its notification."
            : "Who is in which group. Only owners and admins can change memberships."
        }
        actions={
          <Button asChild variant="outline">
            <Link href="/groups">Group tree</Link>
          </Button>
        }
      />
      <MemberBoard
        initialData={data}
        canEdit={canEdit}
        actions={{
          move: moveMembersAction,
          add: addMembersAction,
          remove: removeMembersAction,
          revert: revertMembershipChangeAction,
        }}
      />
    </>
  );
}

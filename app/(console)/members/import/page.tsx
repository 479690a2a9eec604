import type { Metadata } from "next";
import Link from "next/link";
import { requireConsole } from "@/app/_server/session";
import { AdminOnly } from "@/components/layout/admin-only";
import { PageHeader } from "@/components/layout/page-header";
import { ImportWizard } from "@/components/members/import-wizard";
import { getDb } from "@/db/client";
import { recentMemberImports } from "@/lib/members/import/import";
import { importMembersAction, previewMemberImportAction, undoMemberImportAction } from "./actions";

export const metadata: Metadata = { title: "Import members · Gatehouse" };

export default async function ImportMembersPage() {
  const { actor } = await requireConsole();
  if (actor.role === "member") return <AdminOnly what="Importing members" />;
  const imports = await recentMemberImports(await getDb(), actor);
  return (
    <>
      <PageHeader
        title="Import members"
        description="People and their groups from a CSV file: check what it would do, then import it in one go. Undo takes an import back."
        actions={
          <Link href="/members" className="text-sm text-muted-foreground hover:underline">
            Back to Members
          </Link>
        }
      />
      <ImportWizard
        imports={imports.map((i) => ({
          ...i,
          createdAt: i.createdAt.toISOString(),
          undoneAt: i.undoneAt?.toISOString() ?? null,
          summary: i.summary as Record<string, number>,
        }))}
        preview={previewMemberImportAction}
        importMembers={importMembersAction}
        undo={undoMemberImportAction}
      />
    </>
  );
}

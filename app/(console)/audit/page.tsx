import { ScrollText } from "lucide-react";
import type { Metadata } from "next";
import { requireConsole } from "@/app/_server/session";
import { AdminOnly } from "@/components/layout/admin-only";
import { ComingSoon } from "@/components/layout/coming-soon";
import { PageHeader } from "@/components/layout/page-header";

export const metadata: Metadata = { title: "Audit log · Gatehouse" };

export default async function AuditPage() {
  const { actor } = await requireConsole();
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change made by admins and integrations, with who, what, when, before and after."
      />
      {actor.role === "member" ? (
        <AdminOnly what="The audit log" />
      ) : (
        <ComingSoon icon={ScrollText} title="The audit log viewer is on its way">
          Changes are already recorded, append-only, in the same transaction as the change itself.
          Filtering, search and CSV export arrive with the next release.
        </ComingSoon>
      )}
    </>
  );
}

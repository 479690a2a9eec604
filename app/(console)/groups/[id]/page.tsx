import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireConsole } from "@/app/_server/session";
import { PageHeader } from "@/components/layout/page-header";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db/client";
import { NotFound } from "@/lib/errors";
import { getGroupDetail } from "@/lib/groups/queries";

export const metadata: Metadata = { title: "Group · Gatehouse" };

interface GroupPageProps {
  params: Promise<{ id: string }>;
}

export default async function GroupPage({ params }: GroupPageProps) {
  const { actor } = await requireConsole();
  const { id } = await params;
  const detail = await getGroupDetail(await getDb(), actor, id).catch((error: unknown) => {
    if (error instanceof NotFound) notFound();
    throw error;
  });
  const { group, path, members } = detail;
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-muted-foreground">
        <Link href="/groups" className="hover:underline">
          Groups
        </Link>
        {path.map((p) => (
          <span key={p.id}>
            {" / "}
            <Link href={`/groups/${p.id}`} className="hover:underline">
              {p.name}
            </Link>
          </span>
        ))}
      </nav>
      <PageHeader
        title={group.name}
        description={group.description || `A ${group.kind} group.`}
        actions={
          <div className="flex gap-2">
            <Badge variant="outline" className="capitalize">
              {group.kind}
            </Badge>
            {group.archivedAt && <Badge variant="warning">Archived</Badge>}
          </div>
        }
      />
      <Card className="overflow-hidden">
        <table className="w-full text-sm">
          <caption className="border-b px-4 py-3 text-left font-medium">
            {members.length} direct member{members.length === 1 ? "" : "s"}
            {group.totalMembers !== members.length && `, ${group.totalMembers} including subgroups`}
          </caption>
          <thead className="bg-muted/50 text-left text-muted-foreground">
            <tr>
              <th scope="col" className="px-4 py-2 font-medium">
                Name
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Email
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Role
              </th>
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.memberId} className="border-t">
                <td className="px-4 py-2 font-medium">{m.name}</td>
                <td className="px-4 py-2 text-muted-foreground">{m.email}</td>
                <td className="px-4 py-2 capitalize">{m.role}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { requireConsole } from "@/app/_server/session";
import { PageHeader } from "@/components/layout/page-header";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db/client";
import { listKeys } from "@/lib/keys/queries";
import { formatMicros } from "@/lib/money";

export const metadata: Metadata = { title: "API keys · Gatehouse" };

export default async function KeysPage() {
  const { actor } = await requireConsole();
  const keys = await listKeys(await getDb(), actor);
  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys reach people through the groups they are assigned to."
      />
      <Card className="overflow-x-auto">
        <table className="w-full text-sm">
          <thead className="bg-muted/50 text-left text-muted-foreground">
            <tr>
              <th scope="col" className="px-4 py-2 font-medium">
                Name
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Key
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Groups
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Features
              </th>
              <th scope="col" className="px-4 py-2 text-right font-medium">
                Spend this month
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <tr key={key.id} className="border-t align-top">
                <td className="px-4 py-3 font-medium">
                  {key.name}
                  {key.revokedAt && (
                    <Badge variant="destructive" className="ml-2">
                      Revoked
                    </Badge>
                  )}
                </td>
                <td className="px-4 py-3 font-mono text-xs text-muted-foreground">
                  {key.prefix}…{key.lastFour}
                </td>
                <td className="px-4 py-3">
                  {key.groups.map((g) => (
                    <Link key={g.id} href={`/groups/${g.id}`} className="mr-2 hover:underline">
                      {g.name}
                    </Link>
                  ))}
                </td>
                <td className="px-4 py-3">
                  <div className="flex flex-wrap gap-1">
                    {key.features.map((f) => (
                      <Badge key={f} variant="secondary">
                        {f}
                      </Badge>
                    ))}
                  </div>
                </td>
                <td className="px-4 py-3 text-right tabular-nums">
                  {formatMicros(key.spendThisMonthMicros, { precise: true })}
                </td>
              </tr>
            ))}
            {!keys.length && (
              <tr>
                <td colSpan={5} className="px-4 py-8 text-center text-muted-foreground">
                  No API keys yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </Card>
    </>
  );
}

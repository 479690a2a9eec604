import type { Metadata } from "next";
import Link from "next/link";
import { requireConsole } from "@/app/_server/session";
import { PageHeader } from "@/components/layout/page-header";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db/client";
import { listKeys } from "@/lib/keys/queries";
import { formatMicros } from "@/lib/money";
import { Table, THead, Td, Th, Tr } from "@/components/ui/table";

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
        <Table>
          <THead>
            <tr>
              <Th>Name</Th>
              <Th>Key</Th>
              <Th>Groups</Th>
              <Th>Features</Th>
              <Th className="text-right">Spend this month</Th>
            </tr>
          </THead>
          <tbody>
            {keys.map((key) => (
              <Tr key={key.id} className="align-top">
                <Td className="py-3 font-medium">
                  {key.name}
                  {key.revokedAt && (
                    <Badge variant="destructive" className="ml-2">
                      Revoked
                    </Badge>
                  )}
                </Td>
                <Td className="py-3 font-mono text-xs text-muted-foreground">
                  {key.prefix}…{key.lastFour}
                </Td>
                <Td className="py-3">
                  {key.groups.map((g) => (
                    <Link key={g.id} href={`/groups/${g.id}`} className="mr-2 hover:underline">
                      {g.name}
                    </Link>
                  ))}
                </Td>
                <Td className="py-3">
                  <div className="flex flex-wrap gap-1">
                    {key.features.map((f) => (
                      <Badge key={f} variant="secondary">
                        {f}
                      </Badge>
                    ))}
                  </div>
                </Td>
                <Td className="py-3 text-right tabular-nums">
                  {formatMicros(key.spendThisMonthMicros, { precise: true })}
                </Td>
              </Tr>
            ))}
            {!keys.length && (
              <tr>
                <Td colSpan={5} className="py-8 text-center text-muted-foreground">
                  No API keys yet.
                </Td>
              </tr>
            )}
          </tbody>
        </Table>
      </Card>
    </>
  );
}

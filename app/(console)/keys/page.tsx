import type { Metadata } from "next";
import Link from "next/link";
import { requireConsole } from "@/app/_server/session";
import { KeyStatus } from "@/components/keys/key-status";
import { PageHeader } from "@/components/layout/page-header";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Table, THead, Td, Th, Tr } from "@/components/ui/table";
import { getDb } from "@/db/client";
import { listKeys } from "@/lib/keys/queries";
import { formatMicros } from "@/lib/money";
import { timeFromNow } from "@/lib/time";

export const metadata: Metadata = { title: "API keys · Gatehouse" };

export default async function KeysPage() {
  const { actor } = await requireConsole();
  const keys = await listKeys(await getDb(), actor);
  const now = new Date();
  const isAdmin = actor.role !== "member";
  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys reach people through the groups they are assigned to."
        actions={
          actor.role !== "member" && (
            <Button asChild>
              <Link href="/keys/new">New key</Link>
            </Button>
          )
        }
      />
      <Card className="overflow-x-auto">
        <Table>
          <THead>
            <tr>
              <Th>Name</Th>
              <Th>Key</Th>
              <Th>Groups</Th>
              <Th>Last used</Th>
              {isAdmin && <Th className="text-right">Spend this month</Th>}
            </tr>
          </THead>
          <tbody>
            {keys.map((key) => (
              <Tr key={key.id} className="align-top">
                <Td className="py-3">
                  <div className="flex items-center gap-2">
                    <Link href={`/keys/${key.id}`} className="font-medium hover:underline">
                      {key.name}
                    </Link>
                    <KeyStatus revokedAt={key.revokedAt} expiresAt={key.expiresAt} now={now} />
                  </div>
                  <div className="mt-0.5 text-xs text-muted-foreground">
                    {key.allowedModels.length
                      ? `${key.allowedModels.length} models`
                      : "Every model"}
                    {key.features.length > 0 && ` · ${key.features.join(", ")}`}
                  </div>
                </Td>
                <Td className="py-3 font-mono text-xs text-muted-foreground">
                  {key.prefix}…{key.lastFour}
                </Td>
                <Td className="py-3">
                  {key.groups.length ? (
                    key.groups.map((g) => (
                      <Link key={g.id} href={`/groups/${g.id}`} className="mr-2 hover:underline">
                        {g.name}
                      </Link>
                    ))
                  ) : (
                    <span className="text-muted-foreground">None: nobody can use it</span>
                  )}
                </Td>
                <Td className="py-3 text-muted-foreground">
                  {key.lastUsedAt ? (
                    <time
                      dateTime={key.lastUsedAt.toISOString()}
                      title={key.lastUsedAt.toISOString()}
                    >
                      {timeFromNow(key.lastUsedAt, now)}
                    </time>
                  ) : (
                    "Never"
                  )}
                </Td>
                {key.spendThisMonthMicros !== null && (
                  <Td className="py-3 text-right tabular-nums">
                    {formatMicros(key.spendThisMonthMicros, { precise: true })}
                    {key.monthlyLimitMicros !== null && (
                      <span className="block text-xs text-muted-foreground">
                        of {formatMicros(key.monthlyLimitMicros)} limit
                      </span>
                    )}
                  </Td>
                )}
              </Tr>
            ))}
            {!keys.length && (
              <tr>
                <Td colSpan={isAdmin ? 5 : 4} className="py-8 text-center text-muted-foreground">
                  No API keys yet. Create one, then assign it to the groups that should use it.
                </Td>
              </tr>
            )}
          </tbody>
        </Table>
      </Card>
    </>
  );
}

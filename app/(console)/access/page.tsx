import type { Metadata } from "next";
import Link from "next/link";
import { requireConsole } from "@/app/_server/session";
import { answerWhy, whyQueryOf } from "@/app/_server/why";
import { AccessPaths } from "@/components/access/access-paths";
import { WhyExplainer } from "@/components/access/why-explainer";
import { PageHeader } from "@/components/layout/page-header";
import { Button } from "@/components/ui/button";
import { BudgetWindowsPanel } from "@/components/limits/budget-windows-panel";
import { RateLimitsPanel } from "@/components/limits/rate-limits-panel";
import { budgetWindowsPanelData } from "@/components/spend/budget-bar-items";
import { Card } from "@/components/ui/card";
import { Label } from "@/components/ui/label";
import { Table, THead, Td, Th, Tr } from "@/components/ui/table";
import {
  removeBudgetWindowAction,
  setBudgetWindowAction,
} from "@/app/(console)/budget-window-actions";
import { removeRateLimitAction, setRateLimitAction } from "@/app/(console)/rate-limit-actions";
import { getDb } from "@/db/client";
import { budgetWindowsWithSpend } from "@/lib/limits/budget-windows";
import { listRateLimits } from "@/lib/limits/rate-limits";
import { memberAccess } from "@/lib/access/queries";
import { listKeys } from "@/lib/keys/queries";
import { knownFeatures } from "@/lib/keys/schemas";
import { memberDirectory } from "@/lib/members/queries";
import { modelCatalogue } from "@/lib/models/catalogue";
import { timeFromNow } from "@/lib/time";

export const metadata: Metadata = { title: "Access · Gatehouse" };

interface AccessPageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export default async function AccessPage({ searchParams }: AccessPageProps) {
  const { actor } = await requireConsole();
  const search = await searchParams;
  const why = whyQueryOf(search);
  const db = await getDb();
  const [members, keys, access, answer] = await Promise.all([
    memberDirectory(db, actor),
    listKeys(db, actor),
    why.member ? memberAccess(db, actor, why.member) : null,
    answerWhy(db, actor, why),
  ]);
  const member = members.find((m) => m.id === why.member);
  const [memberLimits, memberWindows] =
    member && actor.role !== "member"
      ? await Promise.all([
          listRateLimits(db, actor, { kind: "member", id: member.id }),
          budgetWindowsWithSpend(db, actor, { kind: "member", id: member.id }),
        ])
      : [null, null];
  const liveKeys = keys.filter((k) => !k.revokedAt);
  const now = new Date();
  const isAdmin = actor.role !== "member";

  return (
    <>
      <PageHeader
        title="Access"
        description={
          isAdmin
            ? "Which keys each person may use, through which group, and why a request would pass or not."
            : "Which keys each person may use, and through which group."
        }
      />
      <section aria-labelledby="member-access" className="mb-10">
        <h2 id="member-access" className="mb-3 text-lg font-semibold">
          A member&apos;s keys
        </h2>
        <form method="get" action="/access" className="mb-4 flex max-w-xl items-end gap-2">
          <div className="flex flex-1 flex-col gap-1.5">
            <Label htmlFor="access-member">Member</Label>
            <select
              id="access-member"
              name="member"
              defaultValue={why.member}
              className="h-9 rounded-md border border-input bg-card px-2 text-sm"
            >
              <option value="">Choose a member…</option>
              {members.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name} ({m.email})
                </option>
              ))}
            </select>
          </div>
          <Button type="submit" variant="outline">
            Show access
          </Button>
        </form>
        {access && (
          <Card className="overflow-x-auto">
            <Table>
              <caption className="border-b px-4 py-3 text-left text-muted-foreground">
                {member
                  ? `${member.name} may use ${access.length === 0 ? "no key" : access.length === 1 ? "1 key" : `${access.length} keys`}.`
                  : "No member of this organisation has that id."}
                {member?.status === "suspended" &&
                  " They are suspended: the gateway refuses them until reactivated."}
              </caption>
              <THead>
                <tr>
                  <Th>Key</Th>
                  <Th>Through</Th>
                  <Th>
                    <span className="sr-only">Explain</span>
                  </Th>
                </tr>
              </THead>
              <tbody>
                {access.map((k) => (
                  <Tr key={k.keyId} className="align-top">
                    <Td>
                      <Link href={`/keys/${k.keyId}`} className="font-medium hover:underline">
                        {k.keyName}
                      </Link>
                      <span className="ml-2 font-mono text-xs text-muted-foreground">
                        {k.prefix}…{k.lastFour}
                      </span>
                      {k.expiresAt && (
                        <span className="block text-xs text-muted-foreground">
                          {k.expiresAt <= now ? "Expired" : "Expires"}{" "}
                          {timeFromNow(k.expiresAt, now)}
                        </span>
                      )}
                    </Td>
                    <Td>
                      <AccessPaths grants={k.grants} />
                    </Td>
                    <Td className="text-right">
                      {isAdmin && (
                        <Link
                          href={`/access?member=${why.member}&key=${k.keyId}#why`}
                          className="text-sm text-primary hover:underline"
                        >
                          Why?
                        </Link>
                      )}
                    </Td>
                  </Tr>
                ))}
                {!access.length && member && (
                  <tr>
                    <Td colSpan={3} className="py-6 text-center text-muted-foreground">
                      No key reaches {member.name}: none is assigned to their groups or the groups
                      above them.
                    </Td>
                  </tr>
                )}
              </tbody>
            </Table>
          </Card>
        )}
        {member && memberWindows && (
          <Card className="mt-4 p-5">
            <h3 className="mb-1 text-base font-semibold">{member.name}&apos;s budget windows</h3>
            <p className="mb-4 text-sm text-muted-foreground">
              What {member.name} may spend with any key in a day, a week or the last few days,
              besides their monthly limit.
            </p>
            <BudgetWindowsPanel
              target={{ kind: "member", id: member.id, name: member.name }}
              {...budgetWindowsPanelData(memberWindows)}
              canEdit
              set={setBudgetWindowAction}
              remove={removeBudgetWindowAction}
            />
          </Card>
        )}
        {member && memberLimits && (
          <Card className="mt-4 p-5">
            <h3 className="mb-1 text-base font-semibold">{member.name}&apos;s rate limits</h3>
            <p className="mb-4 text-sm text-muted-foreground">
              Requests {member.name} may make with any key, besides the limits of the keys and of
              their groups.
            </p>
            <RateLimitsPanel
              target={{ kind: "member", id: member.id, name: member.name }}
              limits={memberLimits}
              canEdit
              set={setRateLimitAction}
              remove={removeRateLimitAction}
            />
          </Card>
        )}
      </section>
      {isAdmin && (
        <section aria-labelledby="why-heading" id="why">
          <h2 id="why-heading" className="mb-3 text-lg font-semibold">
            Why? What the gateway would answer
          </h2>
          <WhyExplainer
            action="/access#why"
            query={why}
            members={members}
            keys={liveKeys.map((k) => ({ id: k.id, name: k.name }))}
            models={[...modelCatalogue]}
            features={[...new Set([...knownFeatures, ...liveKeys.flatMap((k) => k.features)])]}
            result={answer}
          />
        </section>
      )}
    </>
  );
}

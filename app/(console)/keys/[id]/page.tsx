import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireConsole } from "@/app/_server/session";
import { answerWhy, whyQueryOf } from "@/app/_server/why";
import { AccessPaths } from "@/components/access/access-paths";
import { WhyExplainer } from "@/components/access/why-explainer";
import { EditKeyForm } from "@/components/keys/edit-key-form";
import { KeyActions } from "@/components/keys/key-actions";
import { KeyGroupsPanel } from "@/components/keys/key-groups-panel";
import { KeyStatus } from "@/components/keys/key-status";
import { ModelListPicker } from "@/components/limits/model-list-picker";
import { BudgetWindowsPanel } from "@/components/limits/budget-windows-panel";
import { RateLimitsPanel } from "@/components/limits/rate-limits-panel";
import { budgetWindowsPanelData } from "@/components/spend/budget-bar-items";
import { PageHeader } from "@/components/layout/page-header";
import { Card } from "@/components/ui/card";
import { Table, THead, Td, Th, Tr } from "@/components/ui/table";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { getDb } from "@/db/client";
import { keyAccess } from "@/lib/access/queries";
import { NotFound } from "@/lib/errors";
import { withParentPaths } from "@/lib/groups/paths";
import { listGroupsWithCounts } from "@/lib/groups/queries";
import { getKey } from "@/lib/keys/queries";
import { listModelLists } from "@/lib/limits/model-lists";
import { budgetWindowsWithSpend } from "@/lib/limits/budget-windows";
import { listRateLimits } from "@/lib/limits/rate-limits";
import { knownFeatures } from "@/lib/keys/schemas";
import { memberDirectory } from "@/lib/members/queries";
import { modelCatalogue } from "@/lib/models/catalogue";
import { formatMicros } from "@/lib/money";
import { timeFromNow, toIsoDay } from "@/lib/time";
import { setModelListAttachedAction } from "@/app/(console)/models/actions";
import {
  removeBudgetWindowAction,
  setBudgetWindowAction,
} from "@/app/(console)/budget-window-actions";
import { removeRateLimitAction, setRateLimitAction } from "@/app/(console)/rate-limit-actions";
import {
  assignKeyAction,
  revokeKeyAction,
  rotateKeyAction,
  unassignKeyAction,
  updateKeyAction,
} from "../actions";

export const metadata: Metadata = { title: "API key · Gatehouse" };

const tabs = ["groups", "members", "settings", "why"] as const;
const date = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });

interface KeyPageProps {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export default async function KeyPage({ params, searchParams }: KeyPageProps) {
  const { actor } = await requireConsole();
  const [{ id }, search] = await Promise.all([params, searchParams]);
  const db = await getDb();
  const key = await getKey(db, actor, id).catch((error: unknown) => {
    if (error instanceof NotFound) notFound();
    throw error;
  });
  const tab =
    tabs.find((t) => t === search.tab && (t !== "why" || actor.role !== "member")) ?? "groups";
  const why = { ...whyQueryOf(search), key: key.id };
  const [members, groups, everyone, answer, rateLimits, modelLists, windows] = await Promise.all([
    keyAccess(db, actor, key.id),
    listGroupsWithCounts(db, actor),
    memberDirectory(db, actor),
    answerWhy(db, actor, why),
    listRateLimits(db, actor, { kind: "key", id: key.id }),
    listModelLists(db, actor),
    actor.role !== "member" ? budgetWindowsWithSpend(db, actor, { kind: "key", id: key.id }) : null,
  ]);
  const now = new Date();
  const isAdmin = actor.role !== "member";
  const canEdit = isAdmin && !key.revokedAt;
  const liveGroups = withParentPaths(groups).filter((g) => !g.archivedAt);

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-muted-foreground">
        <Link href="/keys" className="hover:underline">
          API keys
        </Link>
      </nav>
      <PageHeader
        title={key.name}
        description={
          <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <span className="font-mono text-xs">
              {key.prefix}…{key.lastFour}
            </span>
            <KeyStatus revokedAt={key.revokedAt} expiresAt={key.expiresAt} now={now} />
            <span>Created {date.format(key.createdAt)}</span>
            <span>Last used {key.lastUsedAt ? timeFromNow(key.lastUsedAt, now) : "never"}</span>
            {isAdmin && (
              <span>
                {formatMicros(key.spendThisMonthMicros ?? 0, { precise: true })} this month
                {key.monthlyLimitMicros !== null && ` of ${formatMicros(key.monthlyLimitMicros)}`}
              </span>
            )}
          </span>
        }
        actions={
          canEdit && (
            <KeyActions
              keyId={key.id}
              keyName={key.name}
              rotate={rotateKeyAction}
              revoke={revokeKeyAction}
            />
          )
        }
      />
      <Tabs defaultValue={tab}>
        <TabsList>
          <TabsTrigger value="groups">Groups ({key.groups.length})</TabsTrigger>
          <TabsTrigger value="members">Members with access ({members.length})</TabsTrigger>
          <TabsTrigger value="settings">Policy and settings</TabsTrigger>
          {isAdmin && <TabsTrigger value="why">Why?</TabsTrigger>}
        </TabsList>
        <TabsContent value="groups">
          <KeyGroupsPanel
            keyId={key.id}
            keyName={key.name}
            assigned={key.groups}
            groups={liveGroups.map(({ id: groupId, name, path }) => ({ id: groupId, name, path }))}
            canEdit={canEdit}
            assign={assignKeyAction}
            unassign={unassignKeyAction}
          />
        </TabsContent>
        <TabsContent value="members">
          <Card className="overflow-x-auto">
            <Table>
              <caption className="border-b px-4 py-3 text-left text-muted-foreground">
                Everyone who may use {key.name}, and the groups that give it to them.
              </caption>
              <THead>
                <tr>
                  <Th>Name</Th>
                  <Th>Email</Th>
                  <Th>Through</Th>
                </tr>
              </THead>
              <tbody>
                {members.map((m) => (
                  <Tr key={m.memberId} className="align-top">
                    <Td className="font-medium">
                      <Link href={`/access?member=${m.memberId}`} className="hover:underline">
                        {m.name}
                      </Link>
                      {m.status === "suspended" && (
                        <span className="ml-2 text-xs text-destructive">suspended</span>
                      )}
                    </Td>
                    <Td className="text-muted-foreground">{m.email}</Td>
                    <Td>
                      <AccessPaths grants={m.grants} />
                    </Td>
                  </Tr>
                ))}
                {!members.length && (
                  <tr>
                    <Td colSpan={3} className="py-6 text-center text-muted-foreground">
                      Nobody: assign the key to a group with members.
                    </Td>
                  </tr>
                )}
              </tbody>
            </Table>
          </Card>
        </TabsContent>
        <TabsContent value="settings" className="flex flex-col gap-4">
          <Card className="p-5">
            <h2 className="mb-1 text-base font-semibold">Model lists</h2>
            <p className="mb-4 text-sm text-muted-foreground">
              Besides its own allowed models, {key.name} serves only what every checked list allows.
            </p>
            <ModelListPicker
              target={{ kind: "key", id: key.id, name: key.name }}
              lists={modelLists.map((l) => ({
                ...l,
                attached: l.keys.some((k) => k.id === key.id),
              }))}
              canEdit={canEdit}
              setAttached={setModelListAttachedAction}
            />
          </Card>
          {windows && (
            <Card className="p-5">
              <h2 className="mb-1 text-base font-semibold">Budget windows</h2>
              <p className="mb-4 text-sm text-muted-foreground">
                What everyone using {key.name} may spend together in a day, a week or the last few
                days, besides its monthly limit.
              </p>
              <BudgetWindowsPanel
                target={{ kind: "key", id: key.id, name: key.name }}
                {...budgetWindowsPanelData(windows)}
                canEdit={canEdit}
                set={setBudgetWindowAction}
                remove={removeBudgetWindowAction}
              />
            </Card>
          )}
          <Card className="p-5">
            <h2 className="mb-1 text-base font-semibold">Rate limits</h2>
            <p className="mb-4 text-sm text-muted-foreground">
              Requests everyone using {key.name} may make together; the gateway is told to retry
              when one is reached.
            </p>
            <RateLimitsPanel
              target={{ kind: "key", id: key.id, name: key.name }}
              limits={rateLimits}
              canEdit={canEdit}
              set={setRateLimitAction}
              remove={removeRateLimitAction}
            />
          </Card>
          <EditKeyForm
            keyId={key.id}
            models={[...modelCatalogue]}
            knownFeatures={knownFeatures}
            disabled={!canEdit}
            initial={{
              name: key.name,
              features: key.features,
              allowedModels: key.allowedModels,
              fallbackModels: key.fallbackModels,
              loadBalancing: key.loadBalancing,
              weights: key.weights,
              expiresOn: key.expiresAt ? toIsoDay(key.expiresAt) : "",
              monthlyLimitDollars:
                key.monthlyLimitMicros === null ? "" : String(key.monthlyLimitMicros / 1_000_000),
            }}
            update={updateKeyAction}
          />
        </TabsContent>
        {isAdmin && (
          <TabsContent value="why">
            <WhyExplainer
              action={`/keys/${key.id}`}
              hidden={{ tab: "why", key: key.id }}
              query={why}
              members={everyone}
              keys={[{ id: key.id, name: key.name }]}
              models={[...modelCatalogue]}
              features={[...new Set([...knownFeatures, ...key.features])]}
              result={answer}
            />
          </TabsContent>
        )}
      </Tabs>
    </>
  );
}

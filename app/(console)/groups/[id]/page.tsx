import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireConsole } from "@/app/_server/session";
import { GroupBudgetForm } from "@/components/groups/group-budget-form";
import { GroupMembersPanel } from "@/components/groups/group-members-panel";
import { GroupSettingsActions } from "@/components/groups/group-settings";
import { ModelListPicker } from "@/components/limits/model-list-picker";
import { BudgetWindowsPanel } from "@/components/limits/budget-windows-panel";
import { RateLimitsPanel } from "@/components/limits/rate-limits-panel";
import { budgetWindowsPanelData } from "@/components/spend/budget-bar-items";
import { budgetWindowsWithSpend } from "@/lib/limits/budget-windows";
import { PageHeader } from "@/components/layout/page-header";
import { RecommendationBadge } from "@/components/recommendations/recommendation-badge";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { setModelListAttachedAction } from "@/app/(console)/models/actions";
import {
  removeBudgetWindowAction,
  setBudgetWindowAction,
} from "@/app/(console)/budget-window-actions";
import { removeRateLimitAction, setRateLimitAction } from "@/app/(console)/rate-limit-actions";
import { getDb } from "@/db/client";
import { NotFound } from "@/lib/errors";
import { boardData } from "@/lib/groups/board";
import { listModelLists } from "@/lib/limits/model-lists";
import { listRateLimits } from "@/lib/limits/rate-limits";
import { concerning, recommendations } from "@/lib/recommendations/recommendations";
import {
  effectiveMembers,
  getGroupDetail,
  groupMembershipHistory,
  listGroupsWithCounts,
} from "@/lib/groups/queries";
import { GroupKeysPanel } from "@/components/keys/group-keys-panel";
import { GroupSpendPanel } from "@/components/spend/group-spend-panel";
import { spendFiltersOf } from "@/lib/spend/filters";
import { groupSpend } from "@/lib/spend/group-analytics";
import { groupKeys, listKeys } from "@/lib/keys/queries";
import { assignKeyAction, unassignKeyAction } from "../../keys/actions";
import {
  archiveGroupAction,
  restoreGroupAction,
  setGroupBudgetAction,
  updateGroupAction,
} from "../actions";
import {
  addMembersAction,
  removeMembersAction,
  revertMembershipChangeAction,
} from "../membership-actions";
import { Table, THead, Td, Th, Tr } from "@/components/ui/table";

export const metadata: Metadata = { title: "Group · Gatehouse" };

const dateTime = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});
const date = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });

interface GroupPageProps {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

const tabs = ["members", "effective", "keys", "spend", "subgroups", "history", "settings"];

export default async function GroupPage({ params, searchParams }: GroupPageProps) {
  const { actor } = await requireConsole();
  const [{ id }, search] = await Promise.all([params, searchParams]);
  const filters = spendFiltersOf(search);
  const db = await getDb();
  const detail = await getGroupDetail(db, actor, id).catch((error: unknown) => {
    if (error instanceof NotFound) notFound();
    throw error;
  });
  const { group, path, members } = detail;
  const canEdit = actor.role !== "member";
  const [effective, history, all, board, keys, allKeys, rateLimits, modelLists, windows, advice] =
    await Promise.all([
      effectiveMembers(db, actor, id),
      groupMembershipHistory(db, actor, id),
      listGroupsWithCounts(db, actor),
      canEdit ? boardData(db, actor) : null,
      groupKeys(db, actor, id),
      listKeys(db, actor),
      listRateLimits(db, actor, { kind: "group", id }),
      listModelLists(db, actor),
      canEdit ? budgetWindowsWithSpend(db, actor, { kind: "group", id }) : null,
      canEdit ? recommendations(db, actor) : [],
    ]);
  const spend = canEdit ? await groupSpend(db, actor, id, filters) : null;
  const tab = tabs.find((t) => t === search.tab && (t !== "spend" || spend)) ?? "members";
  const subgroups = all.filter((g) => g.parentId === group.id);
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
          <div className="flex items-center gap-2">
            <RecommendationBadge
              count={concerning(advice, { groupId: group.id }).length}
              href={`/recommendations?group=${group.id}`}
            />
            <Badge variant="outline" className="capitalize">
              {group.kind}
            </Badge>
            {group.directory && <Badge variant="secondary">From directory</Badge>}
            {group.archivedAt && <Badge variant="warning">Archived</Badge>}
            {group.endsAt && <Badge variant="warning">Ends {date.format(group.endsAt)}</Badge>}
          </div>
        }
      />
      <Tabs defaultValue={tab}>
        <TabsList>
          <TabsTrigger value="members">Members ({members.length})</TabsTrigger>
          <TabsTrigger value="effective">Effective members ({effective.length})</TabsTrigger>
          <TabsTrigger value="keys">API keys ({keys.length})</TabsTrigger>
          {spend && <TabsTrigger value="spend">Spend</TabsTrigger>}
          <TabsTrigger value="subgroups">Subgroups ({subgroups.length})</TabsTrigger>
          <TabsTrigger value="history">History</TabsTrigger>
          <TabsTrigger value="settings">Settings</TabsTrigger>
        </TabsList>
        <TabsContent value="members">
          <GroupMembersPanel
            groupId={group.id}
            groupName={group.name}
            members={members}
            everyone={
              board?.members.map(({ id: memberId, name, email }) => ({
                id: memberId,
                name,
                email,
              })) ?? []
            }
            canEdit={canEdit && !group.archivedAt && !group.directory}
            readOnlyNote={
              group.directory
                ? "These members come from your identity provider (directory sync): add and remove them there. You can still nest this group, budget it and give it API keys."
                : undefined
            }
            actions={{
              add: addMembersAction,
              remove: removeMembersAction,
              revert: revertMembershipChangeAction,
            }}
          />
        </TabsContent>
        <TabsContent value="effective">
          <Card className="overflow-x-auto">
            <Table>
              <caption className="border-b px-4 py-3 text-left text-muted-foreground">
                Everyone who counts as a member of {group.name}, directly or through a subgroup,
                once each.
              </caption>
              <THead>
                <tr>
                  <Th>Name</Th>
                  <Th>Email</Th>
                  <Th>Through</Th>
                </tr>
              </THead>
              <tbody>
                {effective.map((m) => (
                  <Tr key={m.memberId} className="align-top">
                    <Td className="font-medium">{m.name}</Td>
                    <Td className="text-muted-foreground">{m.email}</Td>
                    <Td>
                      {m.paths.map((p) => (
                        <div key={p.join(">")}>
                          {p.length === 1 ? "Direct member" : p.join(" › ")}
                        </div>
                      ))}
                    </Td>
                  </Tr>
                ))}
              </tbody>
            </Table>
          </Card>
        </TabsContent>
        <TabsContent value="keys">
          <GroupKeysPanel
            groupId={group.id}
            groupName={group.name}
            keys={keys.map(({ id, name, prefix, lastFour, inheritedFrom }) => ({
              id,
              name,
              prefix,
              lastFour,
              inheritedFrom,
            }))}
            assignable={allKeys
              .filter((k) => !k.revokedAt)
              .map((k) => ({ id: k.id, name: k.name }))}
            canEdit={canEdit && !group.archivedAt}
            assign={assignKeyAction}
            unassign={unassignKeyAction}
          />
        </TabsContent>
        {spend && (
          <TabsContent value="spend">
            <GroupSpendPanel
              groupId={group.id}
              groupName={group.name}
              budgetMicros={group.monthlyBudgetMicros}
              spend={spend}
              filters={filters}
            />
          </TabsContent>
        )}
        <TabsContent value="subgroups">
          <Card>
            <ul className="divide-y">
              {subgroups.map((g) => (
                <li key={g.id} className="flex items-center gap-3 px-4 py-2.5 text-sm">
                  <Link href={`/groups/${g.id}`} className="font-medium hover:underline">
                    {g.name}
                  </Link>
                  {g.archivedAt && <Badge variant="warning">Archived</Badge>}
                  <span className="ml-auto text-muted-foreground">{g.totalMembers} members</span>
                </li>
              ))}
              {!subgroups.length && (
                <li className="px-4 py-6 text-center text-sm text-muted-foreground">
                  No subgroups.
                </li>
              )}
            </ul>
          </Card>
        </TabsContent>
        <TabsContent value="history">
          <Card className="overflow-x-auto">
            <Table>
              <caption className="border-b px-4 py-3 text-left text-muted-foreground">
                Memberships of {group.name}, newest change first (times in UTC).
              </caption>
              <THead>
                <tr>
                  <Th>Member</Th>
                  <Th>From</Th>
                  <Th>Until</Th>
                  <Th>Added by</Th>
                  <Th>Removed by</Th>
                </tr>
              </THead>
              <tbody>
                {history.map((h) => (
                  <Tr key={h.id}>
                    <Td className="font-medium">{h.memberName}</Td>
                    <Td className="tabular-nums">{dateTime.format(h.validFrom)}</Td>
                    <Td className="tabular-nums">
                      {h.validTo ? (
                        dateTime.format(h.validTo)
                      ) : (
                        <span className="text-success">current</span>
                      )}
                    </Td>
                    <Td className="text-muted-foreground">
                      {h.addedBy ?? (h.source === "rule" ? "Default group rule" : "—")}
                    </Td>
                    <Td className="text-muted-foreground">{h.removedBy ?? "—"}</Td>
                  </Tr>
                ))}
              </tbody>
            </Table>
          </Card>
        </TabsContent>
        <TabsContent value="settings" className="flex flex-col gap-4">
          <Card className="p-5">
            <h2 className="mb-4 text-base font-semibold">Budget</h2>
            <GroupBudgetForm
              groupId={group.id}
              groupName={group.name}
              budgetMicros={group.monthlyBudgetMicros}
              mode={group.budgetMode}
              thresholds={group.alertThresholds}
              disabled={!canEdit || Boolean(group.archivedAt)}
              save={setGroupBudgetAction}
            />
          </Card>
          {windows && (
            <Card className="p-5">
              <h2 className="mb-1 text-base font-semibold">Budget windows</h2>
              <p className="mb-4 text-sm text-muted-foreground">
                Budgets over a day, a week or the last few days, besides the monthly one: for
                everyone in {group.name} and its subgroups together.
              </p>
              <BudgetWindowsPanel
                target={{ kind: "group", id: group.id, name: group.name }}
                {...budgetWindowsPanelData(windows)}
                canEdit={canEdit && !group.archivedAt}
                set={setBudgetWindowAction}
                remove={removeBudgetWindowAction}
              />
            </Card>
          )}
          <Card className="p-5">
            <h2 className="mb-1 text-base font-semibold">Model lists</h2>
            <p className="mb-4 text-sm text-muted-foreground">
              Members get a model through {group.name}&apos;s keys only if every checked list allows
              it.
            </p>
            <ModelListPicker
              target={{ kind: "group", id: group.id, name: group.name }}
              lists={modelLists.map((l) => ({
                ...l,
                attached: l.groups.some((g) => g.id === group.id),
              }))}
              canEdit={canEdit && !group.archivedAt}
              setAttached={setModelListAttachedAction}
            />
          </Card>
          <Card className="p-5">
            <h2 className="mb-1 text-base font-semibold">Rate limits</h2>
            <p className="mb-4 text-sm text-muted-foreground">
              Requests {group.name} may make, together or each member on their own, counting
              everyone in its subgroups too.
            </p>
            <RateLimitsPanel
              target={{ kind: "group", id: group.id, name: group.name }}
              limits={rateLimits}
              canEdit={canEdit && !group.archivedAt}
              set={setRateLimitAction}
              remove={removeRateLimitAction}
            />
          </Card>
          <Card className="p-5">
            <dl className="grid grid-cols-[10rem_1fr] gap-y-2 text-sm">
              <dt className="text-muted-foreground">Kind</dt>
              <dd className="capitalize">{group.kind}</dd>
              <dt className="text-muted-foreground">Parent</dt>
              <dd>{path.at(-1)?.name ?? "None (top level)"}</dd>
              <dt className="text-muted-foreground">End date</dt>
              <dd>{group.endsAt ? date.format(group.endsAt) : "None: permanent"}</dd>
              <dt className="text-muted-foreground">Default group</dt>
              <dd>{group.isDefault ? "Yes: new members join it" : "No"}</dd>
            </dl>
            {canEdit && (
              <div className="mt-5">
                <GroupSettingsActions
                  group={group}
                  actions={{
                    update: updateGroupAction,
                    archive: archiveGroupAction,
                    restore: restoreGroupAction,
                  }}
                />
              </div>
            )}
          </Card>
        </TabsContent>
      </Tabs>
    </>
  );
}

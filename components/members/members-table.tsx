"use client";

import { FIELD_LIMITS } from "@/lib/field-limits";
import { ArrowDown, ArrowUp, MoreHorizontal } from "lucide-react";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useRef, useState, useTransition } from "react";
import { toast } from "sonner";
import { RecommendationBadge } from "@/components/recommendations/recommendation-badge";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogTitle,
} from "@/components/ui/dialog";
import { MenuOnIntent } from "@/components/ui/menu-on-intent";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { ActionResult } from "@/lib/action-result";
import type { MemberRow } from "@/lib/members/queries";
import { formatMicros } from "@/lib/money";
import { BulkGroupsDialog, type BulkMembershipActions } from "./bulk-groups-dialog";
import { Table, THead, Td, Th, Tr } from "@/components/ui/table";

const loadRowMenu = () => import("./member-row-menu").then((m) => m.MemberRowMenu);

export interface MemberActions {
  changeRole: (input: { memberId: string; role: string }) => Promise<ActionResult<unknown>>;
  setLimit: (input: { memberId: string; limitDollars: string }) => Promise<ActionResult<unknown>>;
  suspend: (input: { memberId: string }) => Promise<ActionResult<unknown>>;
  reactivate: (input: { memberId: string }) => Promise<ActionResult<unknown>>;
  remove: (input: { memberId: string }) => Promise<ActionResult<unknown>>;
  // Owners only; absent for everyone else.
  signOutEverywhere?: (input: { memberId: string }) => Promise<ActionResult<unknown>>;
  matchingIds: (filters: Record<string, string>) => Promise<ActionResult<string[]>>;
}

interface MembersTableProps {
  rows: MemberRow[];
  total: number;
  page: number;
  pageSize: number;
  sort: string;
  dir: "asc" | "desc";
  groups: { id: string; name: string }[];
  canEdit: boolean;
  /** How many recommendations are about each member on the page. */
  recommendationCounts: Record<string, number>;
  bulkActions: BulkMembershipActions;
  memberActions: MemberActions;
}

const columns = [
  { key: "name", label: "Name" },
  { key: "email", label: "Email" },
  { key: "role", label: "Role" },
  { key: "status", label: "Status" },
] as const;

export function MembersTable(props: MembersTableProps) {
  const { rows, total, page, pageSize, sort, dir, canEdit } = props;
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const anchor = useRef<number | null>(null);
  const [bulk, setBulk] = useState<"add" | "remove" | null>(null);
  const [limitFor, setLimitFor] = useState<MemberRow | null>(null);
  const [removing, setRemoving] = useState<MemberRow | null>(null);
  const [suspending, setSuspending] = useState<MemberRow | null>(null);
  const [pending, startTransition] = useTransition();

  const href = (changes: Record<string, string | number>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) next.set(k, String(v));
    return `${pathname}?${next.toString()}`;
  };

  const toggle = (index: number, shift: boolean) => {
    const id = rows[index]!.memberId;
    const next = new Set(selected);
    if (shift && anchor.current !== null) {
      const [from, to] = [anchor.current, index].sort((a, b) => a - b) as [number, number];
      const value = !selected.has(id);
      for (const row of rows.slice(from, to + 1)) {
        if (value) next.add(row.memberId);
        else next.delete(row.memberId);
      }
    } else if (next.has(id)) next.delete(id);
    else next.add(id);
    anchor.current = index;
    setSelected(next);
  };

  const pageIds = rows.map((r) => r.memberId);
  const allOnPage = pageIds.length > 0 && pageIds.every((id) => selected.has(id));

  const run = (label: string, call: () => Promise<ActionResult<unknown>>) =>
    startTransition(async () => {
      const result = await call();
      if (result.ok) {
        toast.success(label);
        router.refresh();
      } else toast.error(result.error);
    });

  const selectAllMatching = () =>
    startTransition(async () => {
      const result = await props.memberActions.matchingIds(Object.fromEntries(params.entries()));
      if (result.ok) setSelected(new Set(result.data));
      else toast.error(result.error);
    });

  const lastPage = Math.max(1, Math.ceil(total / pageSize));
  return (
    <div className="flex flex-col gap-3">
      {canEdit && (
        <div className="flex min-h-9 flex-wrap items-center gap-2 text-sm" role="status">
          {selected.size > 0 ? (
            <>
              <span className="font-medium">{selected.size.toLocaleString("en-US")} selected</span>
              {selected.size < total && (
                <Button variant="link" size="sm" onClick={selectAllMatching} disabled={pending}>
                  Select all {total.toLocaleString("en-US")} matching
                </Button>
              )}
              <Button size="sm" onClick={() => setBulk("add")}>
                Add to groups
              </Button>
              <Button size="sm" variant="outline" onClick={() => setBulk("remove")}>
                Remove from groups
              </Button>
              <Button size="sm" variant="ghost" onClick={() => setSelected(new Set())}>
                Clear selection
              </Button>
            </>
          ) : (
            <span className="text-muted-foreground">
              Select members to add them to groups at once. Shift-click selects a range.
            </span>
          )}
        </div>
      )}
      <div className="overflow-x-auto rounded-lg border bg-card shadow-sm">
        <Table>
          <caption className="sr-only">
            Members, sorted by {sort} {dir === "asc" ? "ascending" : "descending"}
          </caption>
          <THead>
            <tr>
              {canEdit && (
                <Th className="w-10">
                  <input
                    type="checkbox"
                    aria-label="Select all members on this page"
                    checked={allOnPage}
                    onChange={() => {
                      const next = new Set(selected);
                      for (const id of pageIds) {
                        if (allOnPage) next.delete(id);
                        else next.add(id);
                      }
                      setSelected(next);
                    }}
                  />
                </Th>
              )}
              {columns.map((c) => (
                <Th
                  key={c.key}
                  aria-sort={
                    sort === c.key ? (dir === "asc" ? "ascending" : "descending") : undefined
                  }
                >
                  <Link
                    href={href({
                      sort: c.key,
                      dir: sort === c.key && dir === "asc" ? "desc" : "asc",
                      page: 1,
                    })}
                    className="inline-flex items-center gap-1 hover:text-foreground"
                  >
                    {c.label}
                    {sort === c.key &&
                      (dir === "asc" ? (
                        <ArrowUp className="size-3" aria-hidden />
                      ) : (
                        <ArrowDown className="size-3" aria-hidden />
                      ))}
                  </Link>
                </Th>
              ))}
              <Th>Groups</Th>
              <Th className="text-right">Monthly limit</Th>
              {canEdit && (
                <Th className="w-12">
                  <span className="sr-only">Actions</span>
                </Th>
              )}
            </tr>
          </THead>
          <tbody>
            {rows.map((row, index) => (
              <Tr
                key={row.memberId}
                className={selected.has(row.memberId) ? "bg-primary/5" : undefined}
              >
                {canEdit && (
                  <Td>
                    <input
                      type="checkbox"
                      aria-label={`Select ${row.name}`}
                      checked={selected.has(row.memberId)}
                      onChange={() => {}}
                      onClick={(e) => toggle(index, e.shiftKey)}
                    />
                  </Td>
                )}
                <Td className="font-medium">
                  <Link
                    href={`/access?member=${row.memberId}`}
                    className="hover:underline"
                    title={`The keys ${row.name} may use`}
                  >
                    {row.name}
                  </Link>
                  <RecommendationBadge
                    className="ml-2"
                    count={props.recommendationCounts[row.memberId] ?? 0}
                    href={`/recommendations?member=${row.memberId}`}
                  />
                </Td>
                <Td className="text-muted-foreground">{row.email}</Td>
                <Td className="capitalize">{row.role}</Td>
                <Td>
                  <Badge
                    variant={row.status === "active" ? "secondary" : "warning"}
                    className="capitalize"
                  >
                    {row.status}
                  </Badge>
                </Td>
                <Td className="max-w-80">
                  <div className="flex flex-wrap gap-1">
                    {row.groups.map((g) => (
                      <Link
                        key={g.id}
                        href={`/groups/${g.id}`}
                        className="rounded bg-secondary px-1.5 py-0.5 text-xs hover:underline"
                      >
                        {g.name}
                      </Link>
                    ))}
                    {!row.groups.length && (
                      <span className="text-xs text-muted-foreground">No group</span>
                    )}
                  </div>
                </Td>
                <Td className="text-right tabular-nums text-muted-foreground">
                  {row.monthlyLimitMicros === null
                    ? "—"
                    : formatMicros(row.monthlyLimitMicros, { precise: true })}
                </Td>
                {canEdit && (
                  <Td>
                    {/* Fifty rows a page: each menu's code and state come on first use. */}
                    <MenuOnIntent
                      load={loadRowMenu}
                      trigger={
                        <Button
                          variant="ghost"
                          size="icon"
                          className="size-8"
                          aria-label={`Actions for ${row.name}`}
                        >
                          <MoreHorizontal aria-hidden />
                        </Button>
                      }
                      menu={(MemberRowMenu, trigger) => (
                        <MemberRowMenu
                          trigger={trigger}
                          role={row.role}
                          active={row.status === "active"}
                          onRole={(role) =>
                            run(
                              `${row.name} is now ${role === "admin" ? "an" : "a"} ${role}.`,
                              () =>
                                props.memberActions.changeRole({ memberId: row.memberId, role }),
                            )
                          }
                          onLimit={() => setLimitFor(row)}
                          onSuspend={() => setSuspending(row)}
                          onReactivate={() =>
                            run(`${row.name} is active again.`, () =>
                              props.memberActions.reactivate({ memberId: row.memberId }),
                            )
                          }
                          onSignOutEverywhere={
                            props.memberActions.signOutEverywhere &&
                            (() =>
                              run(`${row.name} is signed out everywhere.`, () =>
                                props.memberActions.signOutEverywhere!({ memberId: row.memberId }),
                              ))
                          }
                          onRemove={() => setRemoving(row)}
                        />
                      )}
                    />
                  </Td>
                )}
              </Tr>
            ))}
            {!rows.length && (
              <tr>
                <Td colSpan={8} className="py-10 text-center text-muted-foreground">
                  No members match these filters.
                </Td>
              </tr>
            )}
          </tbody>
        </Table>
      </div>
      <nav
        aria-label="Pages"
        className="flex items-center justify-between text-sm text-muted-foreground"
      >
        <span>
          {total
            ? `${((page - 1) * pageSize + 1).toLocaleString("en-US")}–${Math.min(page * pageSize, total).toLocaleString("en-US")} of ${total.toLocaleString("en-US")}`
            : "0 members"}
        </span>
        <div className="flex gap-2">
          <Button
            asChild
            variant="outline"
            size="sm"
            aria-disabled={page <= 1}
            className={page <= 1 ? "pointer-events-none opacity-50" : ""}
          >
            <Link href={href({ page: page - 1 })}>Previous</Link>
          </Button>
          <span className="self-center">
            Page {page} of {lastPage}
          </span>
          <Button
            asChild
            variant="outline"
            size="sm"
            aria-disabled={page >= lastPage}
            className={page >= lastPage ? "pointer-events-none opacity-50" : ""}
          >
            <Link href={href({ page: page + 1 })}>Next</Link>
          </Button>
        </div>
      </nav>
      <BulkGroupsDialog
        mode={bulk ?? "add"}
        open={bulk !== null}
        onOpenChange={(open) => !open && setBulk(null)}
        memberIds={[...selected]}
        groups={props.groups}
        actions={props.bulkActions}
        onDone={() => {
          setSelected(new Set());
          router.refresh();
        }}
      />
      <LimitDialog
        member={limitFor}
        onClose={() => setLimitFor(null)}
        onSave={(memberId, value) =>
          run("Spending limit saved.", () =>
            props.memberActions.setLimit({ memberId, limitDollars: value }),
          )
        }
      />
      <Dialog open={suspending !== null} onOpenChange={(open) => !open && setSuspending(null)}>
        <DialogContent>
          <DialogTitle>Suspend {suspending?.name}?</DialogTitle>
          <DialogDescription>
            They are signed out of the console everywhere at once, cannot sign in, and the gateway
            refuses their next request with every key. Their groups, limits and history stay;
            Reactivate gives everything back.
          </DialogDescription>
          <DialogFooter>
            <Button variant="outline" onClick={() => setSuspending(null)}>
              Cancel
            </Button>
            <Button
              variant="destructive"
              onClick={() => {
                const member = suspending!;
                setSuspending(null);
                run(`${member.name} is suspended.`, () =>
                  props.memberActions.suspend({ memberId: member.memberId }),
                );
              }}
            >
              Suspend
            </Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
      <Dialog open={removing !== null} onOpenChange={(open) => !open && setRemoving(null)}>
        <DialogContent>
          <DialogTitle>Remove {removing?.name} from the organisation?</DialogTitle>
          <DialogDescription>
            They leave all their groups and can no longer use the organisation&apos;s keys. Their
            past usage stays in the reports.
          </DialogDescription>
          <DialogFooter>
            <Button variant="outline" onClick={() => setRemoving(null)}>
              Cancel
            </Button>
            <Button
              variant="destructive"
              onClick={() => {
                const member = removing!;
                setRemoving(null);
                run(`${member.name} was removed.`, () =>
                  props.memberActions.remove({ memberId: member.memberId }),
                );
              }}
            >
              Remove
            </Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </div>
  );
}

function LimitDialog({
  member,
  onClose,
  onSave,
}: {
  member: MemberRow | null;
  onClose: () => void;
  onSave: (memberId: string, value: string) => void;
}) {
  const [value, setValue] = useState("");
  return (
    <Dialog open={member !== null} onOpenChange={(open) => !open && onClose()}>
      <DialogContent>
        <DialogTitle>Monthly spending limit for {member?.name}</DialogTitle>
        <DialogDescription>
          In US dollars per calendar month. Leave empty for no personal limit.
        </DialogDescription>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            onSave(member!.memberId, value);
            onClose();
          }}
          className="flex flex-col gap-3"
        >
          <Label htmlFor="limit">Limit (USD)</Label>
          <Input
            id="limit"
            inputMode="decimal"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            placeholder="e.g. 50"
            maxLength={FIELD_LIMITS.dollars}
            autoFocus
          />
          <DialogFooter>
            <Button type="button" variant="outline" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit">Save limit</Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

"use client";

import { useRouter } from "next/navigation";
import { useMemo, useState, useTransition } from "react";
import { toast } from "sonner";
import { toastWithUndo } from "@/components/ui/undo-toast";
import { KeepOutDialog } from "@/components/rules/keep-out-dialog";
import { Button } from "@/components/ui/button";
import { CheckList } from "@/components/ui/check-list";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogTitle,
} from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import type { ActionResult } from "@/lib/action-result";
import type { ChangeResult } from "@/lib/memberships/commands";
import type { MembershipChange } from "@/lib/memberships/schemas";
import { Badge } from "@/components/ui/badge";
import { Table, THead, Td, Th, Tr } from "@/components/ui/table";

interface PanelMember {
  memberId: string;
  name: string;
  email: string;
  role: string;
  since: Date;
  source: "manual" | "rule" | "sync";
  ruleName: string | null;
}

interface GroupMembersPanelProps {
  groupId: string;
  groupName: string;
  members: PanelMember[];
  /** Everyone in the organisation, for the "Add members" picker. */
  everyone: { id: string; name: string; email: string }[];
  canEdit: boolean;
  /** Why the members cannot be changed here, shown above them (a directory group). */
  readOnlyNote?: string;
  actions: {
    add: (input: {
      memberIds: string[];
      groupIds: string[];
    }) => Promise<ActionResult<ChangeResult>>;
    remove: (input: {
      memberIds: string[];
      groupIds: string[];
      keepOutOfRules?: boolean;
    }) => Promise<ActionResult<ChangeResult>>;
    revert: (change: MembershipChange) => Promise<ActionResult<ChangeResult>>;
  };
}

const PAGE = 25;
const dateFormat = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  timeZone: "UTC",
});

/** A group's direct members: search, sort, pages, select and remove; add people through a picker. */
export function GroupMembersPanel({
  groupId,
  groupName,
  members,
  everyone,
  canEdit,
  readOnlyNote,
  actions,
}: GroupMembersPanelProps) {
  const router = useRouter();
  const [query, setQuery] = useState("");
  const [sort, setSort] = useState<"name" | "email" | "since">("name");
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [picking, setPicking] = useState(false);
  // Removing people a rule added asks whether the rules should leave them out from now on.
  const [ruled, setRuled] = useState<PanelMember[] | null>(null);
  const [, startTransition] = useTransition();

  const visible = useMemo(() => {
    const q = query.trim().toLowerCase();
    return members
      .filter((m) => !q || m.name.toLowerCase().includes(q) || m.email.toLowerCase().includes(q))
      .sort((a, b) =>
        sort === "since"
          ? new Date(b.since).getTime() - new Date(a.since).getTime()
          : a[sort].localeCompare(b[sort]),
      );
  }, [members, query, sort]);
  const pages = Math.max(1, Math.ceil(visible.length / PAGE));
  const shown = visible.slice((page - 1) * PAGE, page * PAGE);

  const change = (label: string, call: () => Promise<ActionResult<ChangeResult>>) =>
    startTransition(async () => {
      const result = await call();
      if (!result.ok) {
        toast.error(result.error);
        return;
      }
      setSelected(new Set());
      router.refresh();
      toastWithUndo(
        label,
        () =>
          void actions.revert(result.data).then((r) => {
            if (r.ok) toast.success("Undone: the memberships are as they were.");
            else toast.error(r.error);
            router.refresh();
          }),
      );
    });

  const removeSelected = (keepOutOfRules: boolean) => {
    setRuled(null);
    change(`Removed ${selected.size} from ${groupName}.`, () =>
      actions.remove({ memberIds: [...selected], groupIds: [groupId], keepOutOfRules }),
    );
  };

  return (
    <div className="flex flex-col gap-3">
      {readOnlyNote && (
        <p className="rounded-md border bg-muted/50 px-3 py-2 text-sm text-muted-foreground">
          {readOnlyNote}
        </p>
      )}
      <div className="flex flex-wrap items-center gap-2">
        <Input
          type="search"
          aria-label={`Search members of ${groupName}`}
          placeholder="Search name or email"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setPage(1);
          }}
          className="w-64"
        />
        <select
          aria-label="Sort by"
          value={sort}
          onChange={(e) => setSort(e.target.value as typeof sort)}
          className="h-9 rounded-md border border-input bg-card px-2 text-sm"
        >
          <option value="name">Sort by name</option>
          <option value="email">Sort by email</option>
          <option value="since">Newest first</option>
        </select>
        {canEdit && (
          <>
            <Button
              variant="destructive"
              size="sm"
              disabled={!selected.size}
              onClick={() => {
                const byRule = members.filter(
                  (m) => selected.has(m.memberId) && m.source === "rule" && m.ruleName,
                );
                if (byRule.length) setRuled(byRule);
                else removeSelected(false);
              }}
            >
              Remove selected{selected.size ? ` (${selected.size})` : ""}
            </Button>
            <Button size="sm" className="ml-auto" onClick={() => setPicking(true)}>
              Add members
            </Button>
          </>
        )}
      </div>
      <div className="overflow-x-auto rounded-lg border bg-card">
        <Table>
          <THead>
            <tr>
              {canEdit && (
                <Th className="w-10">
                  <input
                    type="checkbox"
                    aria-label="Select all shown"
                    checked={shown.length > 0 && shown.every((m) => selected.has(m.memberId))}
                    onChange={(e) => {
                      const next = new Set(selected);
                      for (const m of shown) {
                        if (e.target.checked) next.add(m.memberId);
                        else next.delete(m.memberId);
                      }
                      setSelected(next);
                    }}
                  />
                </Th>
              )}
              <Th>Name</Th>
              <Th>Email</Th>
              <Th>Role</Th>
              <Th>Member since</Th>
            </tr>
          </THead>
          <tbody>
            {shown.map((m) => (
              <Tr key={m.memberId}>
                {canEdit && (
                  <Td>
                    <input
                      type="checkbox"
                      aria-label={`Select ${m.name}`}
                      checked={selected.has(m.memberId)}
                      onChange={(e) => {
                        const next = new Set(selected);
                        if (e.target.checked) next.add(m.memberId);
                        else next.delete(m.memberId);
                        setSelected(next);
                      }}
                    />
                  </Td>
                )}
                <Td className="font-medium">
                  {m.name}
                  {m.source === "rule" && (
                    <Badge variant="outline" className="ml-2 font-normal">
                      {m.ruleName ? `Rule: ${m.ruleName}` : "Added automatically"}
                    </Badge>
                  )}
                </Td>
                <Td className="text-muted-foreground">{m.email}</Td>
                <Td className="capitalize">{m.role}</Td>
                <Td className="text-muted-foreground">{dateFormat.format(new Date(m.since))}</Td>
              </Tr>
            ))}
            {!shown.length && (
              <tr>
                <Td colSpan={5} className="py-8 text-center text-muted-foreground">
                  {members.length ? "Nobody matches that search." : "No direct members yet."}
                </Td>
              </tr>
            )}
          </tbody>
        </Table>
      </div>
      <div className="flex items-center justify-between text-sm text-muted-foreground">
        <span>
          {visible.length} of {members.length} shown
        </span>
        <div className="flex items-center gap-2">
          <Button
            variant="outline"
            size="sm"
            disabled={page <= 1}
            onClick={() => setPage(page - 1)}
          >
            Previous
          </Button>
          Page {page} of {pages}
          <Button
            variant="outline"
            size="sm"
            disabled={page >= pages}
            onClick={() => setPage(page + 1)}
          >
            Next
          </Button>
        </div>
      </div>
      <KeepOutDialog
        asking={ruled && { people: ruled, groupName, verb: "Remove" }}
        onChoose={removeSelected}
        onCancel={() => setRuled(null)}
      />
      <Dialog open={picking} onOpenChange={setPicking}>
        {picking && (
          <MemberPicker
            groupName={groupName}
            candidates={everyone.filter((p) => !members.some((m) => m.memberId === p.id))}
            onCancel={() => setPicking(false)}
            onConfirm={(ids) => {
              setPicking(false);
              change(`Added ${ids.length} to ${groupName}.`, () =>
                actions.add({ memberIds: ids, groupIds: [groupId] }),
              );
            }}
          />
        )}
      </Dialog>
    </div>
  );
}

interface MemberPickerProps {
  groupName: string;
  candidates: { id: string; name: string; email: string }[];
  onCancel: () => void;
  onConfirm: (memberIds: string[]) => void;
}

function MemberPicker({ groupName, candidates, onCancel, onConfirm }: MemberPickerProps) {
  const [query, setQuery] = useState("");
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const q = query.trim().toLowerCase();
  const matches = candidates
    .filter((c) => !q || c.name.toLowerCase().includes(q) || c.email.toLowerCase().includes(q))
    .slice(0, 200);
  return (
    <DialogContent>
      <DialogTitle>Add members to {groupName}</DialogTitle>
      <DialogDescription>People already in the group are not listed.</DialogDescription>
      <Input
        type="search"
        aria-label="Find people"
        placeholder="Find people"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        autoFocus
      />
      <CheckList
        legend="People"
        items={matches}
        chosen={chosen}
        onChange={setChosen}
        render={(c) => (
          <>
            <span className="font-medium">{c.name}</span>
            <span className="truncate text-muted-foreground">{c.email}</span>
          </>
        )}
        empty="Nobody matches."
        className="max-h-72"
      />
      <DialogFooter>
        <Button variant="outline" onClick={onCancel}>
          Cancel
        </Button>
        <Button disabled={!chosen.size} onClick={() => onConfirm([...chosen])}>
          Add {chosen.size || ""} to {groupName}
        </Button>
      </DialogFooter>
    </DialogContent>
  );
}

"use client";

import {
  type Announcements,
  type CollisionDetection,
  DndContext,
  type DragEndEvent,
  DragOverlay,
  type DragStartEvent,
  KeyboardSensor,
  MeasuringStrategy,
  PointerSensor,
  pointerWithin,
  rectIntersection,
  useSensor,
  useSensors,
} from "@dnd-kit/core";
import {
  QueryClient,
  QueryClientProvider,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { Copy, Search, X } from "lucide-react";
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { toast } from "sonner";
import { toastWithUndo } from "@/components/ui/undo-toast";
import { KeepOutDialog, type KeepOutQuestion } from "@/components/rules/keep-out-dialog";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { ActionResult } from "@/lib/action-result";
import type { BoardData } from "@/lib/groups/board";
import type { ChangeResult } from "@/lib/memberships/commands";
import type { MembershipChange } from "@/lib/memberships/schemas";
import { BoardColumn } from "./board-column";
import { columnCoordinates } from "./board-keyboard";
import {
  type BoardOperation,
  applyOperation,
  applyReverted,
  describeMembers,
  groupName,
} from "./board-model";
import type { BoardCardActions, CardDragData } from "./member-card";

type MovingOut = Extract<BoardOperation, { kind: "move" | "remove" }>;

export interface BoardActions {
  move: (input: {
    memberIds: string[];
    fromGroupId: string;
    toGroupId: string;
    keepOutOfRules?: boolean;
  }) => Promise<ActionResult<ChangeResult>>;
  add: (input: { memberIds: string[]; groupIds: string[] }) => Promise<ActionResult<ChangeResult>>;
  remove: (input: {
    memberIds: string[];
    groupIds: string[];
    keepOutOfRules?: boolean;
  }) => Promise<ActionResult<ChangeResult>>;
  revert: (change: MembershipChange) => Promise<ActionResult<ChangeResult>>;
}

interface MemberBoardProps {
  initialData: BoardData;
  canEdit: boolean;
  actions: BoardActions;
}

const ALL = "all";
const queryKey = ["board"];

async function fetchBoard(): Promise<BoardData> {
  const response = await fetch("/api/board", { cache: "no-store" });
  if (!response.ok) throw new Error("The board could not be refreshed.");
  return response.json();
}

// Pointer first; the keyboard sensor's card rectangle falls back to intersecting rectangles.
const collisions: CollisionDetection = (args) => {
  const within = pointerWithin(args);
  return within.length ? within : rectIntersection(args);
};

/**
 * The drag-and-drop board: a column per group and one of all members. Dragging moves a member
 * (or the selected members) from one group to another; with Alt held, in Copy mode or from
 * "All members" it adds instead. Every change shows at once, is undone if the server refuses,
 * and offers Undo.
 */
export function MemberBoard(props: MemberBoardProps) {
  // The board is the one page that refetches on its own: its query client lives here, so no
  // other route loads TanStack Query.
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: { queries: { refetchOnWindowFocus: true, staleTime: 5_000 } },
      }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <Board {...props} />
    </QueryClientProvider>
  );
}

function Board({ initialData, canEdit, actions }: MemberBoardProps) {
  const queryClient = useQueryClient();
  const { data = initialData } = useQuery({ queryKey, queryFn: fetchBoard, initialData });
  const [search, setSearch] = useState("");
  const [parentId, setParentId] = useState("");
  const [copyMode, setCopyMode] = useState(false);
  const [selection, setSelection] = useState<{
    columnId: string;
    ids: Set<string>;
    anchor?: string;
  }>({ columnId: "", ids: new Set() });
  const [dragging, setDragging] = useState<CardDragData | null>(null);
  const altHeld = useRef(false);

  // When the board has hydrated and takes input: a User Timing mark for real-user monitoring,
  // and what the browser benchmark (bench/browser.ts) reads as "interactive".
  useEffect(() => void performance.mark("board:interactive"), []);

  useEffect(() => {
    const track = (e: KeyboardEvent | PointerEvent) => (altHeld.current = e.altKey);
    window.addEventListener("keydown", track);
    window.addEventListener("keyup", track);
    window.addEventListener("pointermove", track);
    return () => {
      window.removeEventListener("keydown", track);
      window.removeEventListener("keyup", track);
      window.removeEventListener("pointermove", track);
    };
  }, []);

  const membersById = useMemo(() => new Map(data.members.map((m) => [m.id, m])), [data.members]);
  const groupsOfMember = useMemo(() => {
    const map = new Map<string, Set<string>>();
    for (const g of data.groups)
      for (const id of g.memberIds) map.set(id, (map.get(id) ?? new Set()).add(g.id));
    return map;
  }, [data.groups]);
  const parents = useMemo(
    () => data.groups.filter((g) => data.groups.some((c) => c.parentId === g.id)),
    [data.groups],
  );
  const columns = useMemo(
    () =>
      parentId
        ? data.groups.filter((g) => g.parentId === parentId || g.id === parentId)
        : data.groups,
    [data.groups, parentId],
  );
  const matches = useMemo(() => {
    const q = search.trim().toLowerCase();
    return (id: string) => {
      if (!q) return true;
      const m = membersById.get(id);
      return Boolean(m && (m.name.toLowerCase().includes(q) || m.email.toLowerCase().includes(q)));
    };
  }, [search, membersById]);
  const allGroups = useMemo(
    () => data.groups.map((g) => ({ id: g.id, name: g.name })),
    [data.groups],
  );
  const allMemberIds = useMemo(() => data.members.map((m) => m.id), [data.members]);

  const changeMutation = useMutation({
    mutationFn: async ({ operation }: { operation: BoardOperation; message: string }) => {
      const result =
        operation.kind === "move"
          ? await actions.move({
              memberIds: operation.memberIds,
              fromGroupId: operation.fromGroupId,
              toGroupId: operation.toGroupId,
              keepOutOfRules: operation.keepOutOfRules,
            })
          : operation.kind === "add"
            ? await actions.add({ memberIds: operation.memberIds, groupIds: operation.groupIds })
            : await actions.remove({
                memberIds: operation.memberIds,
                groupIds: operation.groupIds,
                keepOutOfRules: operation.keepOutOfRules,
              });
      if (!result.ok) throw new Error(result.error);
      return result.data;
    },
    onMutate: async ({ operation }) => {
      await queryClient.cancelQueries({ queryKey });
      const previous = queryClient.getQueryData<BoardData>(queryKey) ?? data;
      queryClient.setQueryData<BoardData>(queryKey, applyOperation(previous, operation));
      return { previous };
    },
    onError: (error, _variables, context) => {
      if (context) queryClient.setQueryData(queryKey, context.previous);
      toast.error(error.message);
    },
    onSuccess: (change, { message }) => {
      toastWithUndo(message, () => undoMutation.mutate(change));
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey }),
  });

  const undoMutation = useMutation({
    mutationFn: async (change: MembershipChange) => {
      const result = await actions.revert({ added: change.added, removed: change.removed });
      if (!result.ok) throw new Error(result.error);
      return result.data;
    },
    onMutate: async (change) => {
      await queryClient.cancelQueries({ queryKey });
      const previous = queryClient.getQueryData<BoardData>(queryKey) ?? data;
      queryClient.setQueryData<BoardData>(queryKey, applyReverted(previous, change));
      return { previous };
    },
    onError: (error, _change, context) => {
      if (context) queryClient.setQueryData(queryKey, context.previous);
      toast.error(error.message);
    },
    onSuccess: () => toast.success("Undone: the memberships are as they were."),
    onSettled: () => queryClient.invalidateQueries({ queryKey }),
  });

  const clearSelection = () => setSelection({ columnId: "", ids: new Set() });

  // A move or removal by hand that ends memberships a rule made asks first whether the rules
  // may add them back (as the group's page does).
  // Cancel leaves the selection as it was, so the selection is cleared only once it is decided.
  const [asking, setAsking] = useState<{
    change: { operation: MovingOut; message: string };
    question: KeepOutQuestion;
  } | null>(null);
  const changeOrAsk = (change: { operation: MovingOut; message: string }) => {
    const { operation } = change;
    const fromId = operation.kind === "move" ? operation.fromGroupId : operation.groupIds[0]!;
    const ruleNames = data.groups.find((g) => g.id === fromId)?.ruleNames ?? {};
    const people = operation.memberIds
      .filter((id) => ruleNames[id])
      .map((id) => ({ name: membersById.get(id)?.name ?? "Someone", ruleName: ruleNames[id]! }));
    if (people.length)
      return setAsking({
        change,
        question: {
          people,
          groupName: groupName(data, fromId),
          verb: operation.kind === "move" ? "Move" : "Remove",
        },
      });
    clearSelection();
    changeMutation.mutate(change);
  };
  const answer = (keepOutOfRules: boolean) => {
    if (!asking) return;
    setAsking(null);
    clearSelection();
    changeMutation.mutate({
      ...asking.change,
      operation: { ...asking.change.operation, keepOutOfRules },
    });
  };

  const move = (memberIds: string[], fromGroupId: string, toGroupId: string) => {
    const target = data.groups.find((g) => g.id === toGroupId);
    const already = memberIds.filter((id) => target?.memberIds.includes(id));
    const moving = memberIds.filter((id) => !already.includes(id));
    if (!moving.length) {
      toast.info(
        `${describeMembers(data, memberIds)} ${memberIds.length === 1 ? "is" : "are"} already in ${groupName(data, toGroupId)}.`,
      );
      return;
    }
    changeOrAsk({
      operation: { kind: "move", memberIds: moving, fromGroupId, toGroupId },
      message: `Moved ${describeMembers(data, moving)} from ${groupName(data, fromGroupId)} to ${groupName(data, toGroupId)}.`,
    });
  };

  const add = (memberIds: string[], toGroupId: string) => {
    const target = data.groups.find((g) => g.id === toGroupId);
    const adding = memberIds.filter((id) => !target?.memberIds.includes(id));
    if (!adding.length) {
      toast.info(
        `${describeMembers(data, memberIds)} ${memberIds.length === 1 ? "is" : "are"} already in ${groupName(data, toGroupId)}.`,
      );
      return;
    }
    clearSelection();
    changeMutation.mutate({
      operation: { kind: "add", memberIds: adding, groupIds: [toGroupId] },
      message: `Added ${describeMembers(data, adding)} to ${groupName(data, toGroupId)}.`,
    });
  };

  const remove = (memberIds: string[], groupId: string) => {
    changeOrAsk({
      operation: { kind: "remove", memberIds, groupIds: [groupId] },
      message: `Removed ${describeMembers(data, memberIds)} from ${groupName(data, groupId)}.`,
    });
  };

  const visibleIdsOf = (columnId: string) =>
    (columnId === ALL
      ? allMemberIds
      : (data.groups.find((g) => g.id === columnId)?.memberIds ?? [])
    ).filter(matches);

  const toggleSelect = (columnId: string, memberId: string, range: boolean) => {
    const visibleIds = range ? visibleIdsOf(columnId) : [];
    setSelection((current) => {
      const ids = new Set(current.columnId === columnId ? current.ids : []);
      if (range && current.columnId === columnId && current.anchor) {
        const [a, b] = [visibleIds.indexOf(current.anchor), visibleIds.indexOf(memberId)].sort(
          (x, y) => x - y,
        ) as [number, number];
        for (const id of visibleIds.slice(a, b + 1)) ids.add(id);
      } else if (ids.has(memberId)) ids.delete(memberId);
      else ids.add(memberId);
      return { columnId, ids, anchor: memberId };
    });
  };

  // The members a card's action is about: the selection when the card is part of it.
  const actingOn = (columnId: string, memberId: string) =>
    selection.columnId === columnId && selection.ids.has(memberId)
      ? [...selection.ids]
      : [memberId];
  const latest = useRef<BoardCardActions | null>(null);
  useLayoutEffect(() => {
    latest.current = {
      toggleSelect,
      move: (columnId, memberId, from, to) => move(actingOn(columnId, memberId), from, to),
      add: (columnId, memberId, to) => add(actingOn(columnId, memberId), to),
      remove: (columnId, memberId, groupId) => remove(actingOn(columnId, memberId), groupId),
      targetsFor: (memberId) => {
        const theirs = groupsOfMember.get(memberId);
        return allGroups.filter((g) => !theirs?.has(g.id));
      },
    };
  });
  // One object for the board's life, calling the latest handlers: cards and columns are memoised
  // on their props, and new closures at every render would redraw all thousand of them.
  const cardActions = useMemo<BoardCardActions>(
    () => ({
      toggleSelect: (...args) => latest.current!.toggleSelect(...args),
      move: (...args) => latest.current!.move(...args),
      add: (...args) => latest.current!.add(...args),
      remove: (...args) => latest.current!.remove(...args),
      targetsFor: (...args) => latest.current!.targetsFor(...args),
    }),
    [],
  );

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    setDragging(null);
    const drag = active.data.current as CardDragData | undefined;
    const to = over?.data.current?.groupId as string | null | undefined;
    if (!drag || to === undefined) return;
    if (to === null) {
      if (drag.fromGroupId) remove(drag.memberIds, drag.fromGroupId);
      return;
    }
    if (to === drag.fromGroupId) return;
    if (!drag.fromGroupId || copyMode || altHeld.current) add(drag.memberIds, to);
    else move(drag.memberIds, drag.fromGroupId, to);
  };

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor, { coordinateGetter: columnCoordinates }),
  );

  const nameOf = (drag: CardDragData | undefined) =>
    drag ? describeMembers(data, drag.memberIds) : "The member";
  const columnName = (id: string | number | undefined) =>
    id === ALL ? "All members" : groupName(data, String(id));
  // What a screen-reader user hears, step by step: picked up (from where), over which column
  // (and where it stands among them), dropped (what that changes), cancelled.
  const columnIds = [ALL, ...data.groups.map((g) => g.id)];
  const position = (id: string | number) =>
    `column ${columnIds.indexOf(String(id)) + 1} of ${columnIds.length}`;
  const fromName = (drag: CardDragData) =>
    drag.fromGroupId ? columnName(drag.fromGroupId) : "All members";
  const outcome = (drag: CardDragData, to: string | number) => {
    const target = to === ALL ? null : String(to);
    if (target === (drag.fromGroupId ?? ALL)) return `stays in ${fromName(drag)}`;
    if (target === null)
      return drag.fromGroupId ? `leaves ${fromName(drag)}` : "stays where it was";
    if (!drag.fromGroupId || copyMode || altHeld.current)
      return `is added to ${columnName(target)}, keeping its other groups`;
    return `moves from ${fromName(drag)} to ${columnName(target)}`;
  };
  const announcements: Announcements = {
    onDragStart: ({ active }) => {
      const drag = active.data.current as CardDragData;
      return `Picked up ${nameOf(drag)} from ${fromName(drag)}. Use the arrow keys to choose a group, Space to drop, Escape to cancel.`;
    },
    onDragOver: ({ active, over }) => {
      const drag = active.data.current as CardDragData;
      if (!over) return `${nameOf(drag)} is not over a group.`;
      // Right after pick-up it is over its own column: say it was picked up, not "over".
      if (String(over.id) === (drag.fromGroupId ?? ALL))
        return `Picked up ${nameOf(drag)} from ${fromName(drag)}, ${position(over.id)}. Use the arrow keys to choose a group, Space to drop, Escape to cancel.`;
      return `Over ${columnName(over.id)}, ${position(over.id)}: dropping here ${outcome(drag, over.id)}.`;
    },
    onDragEnd: ({ active, over }) => {
      const drag = active.data.current as CardDragData;
      return over
        ? `Dropped: ${nameOf(drag)} ${outcome(drag, over.id)}.`
        : `Dropped outside any group: ${nameOf(drag)} stays where it was.`;
    },
    onDragCancel: ({ active }) =>
      `Cancelled. ${nameOf(active.data.current as CardDragData)} stays where it was.`,
  };

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-end gap-3">
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="board-search">Filter members</Label>
          <div className="relative">
            <Search
              className="pointer-events-none absolute left-2.5 top-2.5 size-4 text-muted-foreground"
              aria-hidden
            />
            <Input
              id="board-search"
              type="search"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
              placeholder="Name or email"
              className="w-64 pl-8"
            />
          </div>
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="board-parent">Show groups</Label>
          <select
            id="board-parent"
            value={parentId}
            onChange={(e) => setParentId(e.target.value)}
            className="h-9 rounded-md border border-input bg-card px-2 text-sm shadow-sm"
          >
            <option value="">All groups</option>
            {parents.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} and its subgroups
              </option>
            ))}
          </select>
        </div>
        {canEdit && (
          <Button
            type="button"
            variant={copyMode ? "default" : "outline"}
            aria-pressed={copyMode}
            onClick={() => setCopyMode((v) => !v)}
            title="When on, dragging adds members to the target and keeps their other groups. Holding Alt (Option) does the same."
          >
            <Copy aria-hidden /> Copy mode {copyMode ? "on" : "off"}
          </Button>
        )}
        {selection.ids.size > 0 && (
          <p className="flex items-center gap-2 text-sm" role="status">
            {selection.ids.size} selected: drag one of them to move all
            <Button type="button" variant="ghost" size="sm" onClick={clearSelection}>
              <X aria-hidden /> Clear
            </Button>
          </p>
        )}
        {canEdit && (
          <p className="ml-auto max-w-sm text-xs text-muted-foreground">
            Drag to move. Hold Alt (Option), turn on Copy mode, or drag from All members to add
            without removing.
          </p>
        )}
      </div>
      <DndContext
        sensors={sensors}
        collisionDetection={collisions}
        measuring={{ droppable: { strategy: MeasuringStrategy.Always } }}
        accessibility={{ announcements }}
        onDragStart={({ active }: DragStartEvent) =>
          setDragging(active.data.current as CardDragData)
        }
        onDragEnd={onDragEnd}
        onDragCancel={() => setDragging(null)}
      >
        <div
          className="grid grid-cols-[repeat(auto-fill,minmax(16rem,1fr))] gap-3 pb-3"
          data-testid="board"
        >
          <BoardColumn
            id={ALL}
            title="All members"
            subtitle="Drag from here to add"
            groupId={null}
            memberIds={allMemberIds}
            membersById={membersById}
            matches={matches}
            selection={selection.columnId === ALL ? selection.ids : undefined}
            canEdit={canEdit}
            actions={cardActions}
          />
          {columns.map((group) => (
            <BoardColumn
              key={group.id}
              id={group.id}
              title={group.name}
              subtitle={group.directory ? "From your directory: read-only" : undefined}
              groupId={group.id}
              // A change makes new group objects only for the groups it touches (applyOperation):
              // the other columns keep their memberIds and do not redraw.
              memberIds={group.memberIds}
              membersById={membersById}
              matches={matches}
              selection={selection.columnId === group.id ? selection.ids : undefined}
              canEdit={canEdit && !group.directory}
              actions={cardActions}
            />
          ))}
        </div>
        <DragOverlay dropAnimation={null}>
          {dragging && (
            <div className="w-64 rounded-md border border-primary bg-card px-3 py-2 text-sm font-medium shadow-lg">
              {describeMembers(data, dragging.memberIds)}
              <span className="block text-xs font-normal text-muted-foreground">
                {!dragging.fromGroupId || copyMode ? "Adding" : "Moving (hold Alt to add)"}
              </span>
            </div>
          )}
        </DragOverlay>
      </DndContext>
      <KeepOutDialog
        asking={asking?.question ?? null}
        onChoose={answer}
        onCancel={() => setAsking(null)}
      />
    </div>
  );
}

"use client";

import {
  type CollisionDetection,
  DndContext,
  type DragEndEvent,
  MeasuringStrategy,
  pointerWithin,
  rectIntersection,
  KeyboardSensor,
  PointerSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
} from "@dnd-kit/core";
import {
  Archive,
  CalendarClock,
  ChevronRight,
  GripVertical,
  MoreHorizontal,
  Plus,
  Users,
} from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo, useState, useTransition } from "react";
import { toast } from "sonner";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuSeparator,
  DropdownMenuSub,
  DropdownMenuSubContent,
  DropdownMenuSubTrigger,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import type { ActionResult } from "@/lib/action-result";
import type { GroupSummary } from "@/lib/groups/queries";
import { formatMicros } from "@/lib/money";
import { cn } from "@/lib/utils";
import { GroupFormDialog, type GroupFormValues } from "./group-form-dialog";

type Saved = Promise<ActionResult<{ id: string; name: string }>>;

export interface GroupTreeActions {
  create: (input: GroupFormValues) => Saved;
  update: (input: GroupFormValues & { groupId: string }) => Saved;
  move: (input: { groupId: string; parentId: string | null }) => Saved;
  archive: (input: { groupId: string }) => Saved;
  restore: (input: { groupId: string }) => Saved;
}

interface GroupTreeProps {
  groups: GroupSummary[];
  canEdit: boolean;
  actions: GroupTreeActions;
}

const dateFormat = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  timeZone: "UTC",
});
const TOP = "top-level";

// The row under the pointer is the target; keyboard drags (no pointer) use rectangles.
const underPointer: CollisionDetection = (args) => {
  const within = pointerWithin(args);
  return within.length ? within : rectIntersection(args);
};

/** The organisation's group tree: expand and collapse, create, edit, nest (drag or "Move to…"), archive. */
export function GroupTree({ groups, canEdit, actions }: GroupTreeProps) {
  const router = useRouter();
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [editing, setEditing] = useState<GroupSummary | null>(null);
  const [creatingUnder, setCreatingUnder] = useState<string | null | undefined>(undefined);
  const [, startTransition] = useTransition();

  const live = useMemo(() => groups.filter((g) => !g.archivedAt), [groups]);
  const archived = groups.filter((g) => g.archivedAt);
  const children = useMemo(() => {
    const ids = new Set(live.map((g) => g.id));
    const map = new Map<string | null, GroupSummary[]>();
    for (const g of live) {
      const parent = g.parentId && ids.has(g.parentId) ? g.parentId : null;
      map.set(parent, [...(map.get(parent) ?? []), g]);
    }
    return map;
  }, [live]);
  const descendants = (id: string): Set<string> => {
    const out = new Set<string>([id]);
    for (const child of children.get(id) ?? []) for (const d of descendants(child.id)) out.add(d);
    return out;
  };

  const run = (done: string, call: () => Saved) =>
    startTransition(async () => {
      const result = await call();
      if (result.ok) {
        toast.success(done.replace("{name}", result.data.name));
        router.refresh();
      } else toast.error(result.error);
    });

  const moveGroup = (group: GroupSummary, parentId: string | null) => {
    if ((group.parentId ?? null) === parentId) return;
    const parentName = parentId ? groups.find((g) => g.id === parentId)?.name : null;
    run(parentName ? `Moved {name} under ${parentName}.` : "Moved {name} to the top level.", () =>
      actions.move({ groupId: group.id, parentId }),
    );
  };

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    const group = groups.find((g) => g.id === active.id);
    if (!group || !over || over.id === group.id) return;
    moveGroup(group, over.id === TOP ? null : String(over.id));
  };

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor),
  );

  const renderLevel = (parentId: string | null, depth: number) => (
    <ul aria-label={depth === 0 ? "Groups" : undefined} className="flex flex-col">
      {(children.get(parentId) ?? []).map((group) => {
        const kids = children.get(group.id);
        const open = !collapsed.has(group.id);
        const invalidParents = descendants(group.id);
        return (
          <li key={group.id}>
            <GroupRow
              group={group}
              depth={depth}
              canEdit={canEdit}
              hasChildren={Boolean(kids)}
              open={open}
              onToggle={() => {
                const next = new Set(collapsed);
                if (open) next.add(group.id);
                else next.delete(group.id);
                setCollapsed(next);
              }}
              menu={
                canEdit && (
                  <DropdownMenu modal={false}>
                    <DropdownMenuTrigger asChild>
                      <Button
                        variant="ghost"
                        size="icon"
                        className="size-8"
                        aria-label={`Actions for ${group.name}`}
                      >
                        <MoreHorizontal aria-hidden />
                      </Button>
                    </DropdownMenuTrigger>
                    <DropdownMenuContent align="end">
                      <DropdownMenuItem onSelect={() => setEditing(group)}>Edit…</DropdownMenuItem>
                      <DropdownMenuItem onSelect={() => setCreatingUnder(group.id)}>
                        Add subgroup…
                      </DropdownMenuItem>
                      <DropdownMenuSub>
                        <DropdownMenuSubTrigger>Move to…</DropdownMenuSubTrigger>
                        <DropdownMenuSubContent>
                          <DropdownMenuItem
                            disabled={!group.parentId}
                            onSelect={() => moveGroup(group, null)}
                          >
                            Top level
                          </DropdownMenuItem>
                          {live
                            .filter((g) => !invalidParents.has(g.id) && g.id !== group.parentId)
                            .map((g) => (
                              <DropdownMenuItem key={g.id} onSelect={() => moveGroup(group, g.id)}>
                                {g.name}
                              </DropdownMenuItem>
                            ))}
                        </DropdownMenuSubContent>
                      </DropdownMenuSub>
                      <DropdownMenuSeparator />
                      <DropdownMenuItem
                        onSelect={() =>
                          run("Archived {name}.", () => actions.archive({ groupId: group.id }))
                        }
                      >
                        <Archive aria-hidden /> Archive
                      </DropdownMenuItem>
                    </DropdownMenuContent>
                  </DropdownMenu>
                )
              }
            />
            {kids && open && renderLevel(group.id, depth + 1)}
          </li>
        );
      })}
    </ul>
  );

  return (
    <div className="flex flex-col gap-4">
      {canEdit && (
        <div className="flex items-center gap-3">
          <Button onClick={() => setCreatingUnder(null)}>
            <Plus aria-hidden /> New group
          </Button>
          <p className="text-sm text-muted-foreground">
            Drag a group by its handle onto another to nest it, or use Move to… in its menu.
          </p>
        </div>
      )}
      <DndContext
        sensors={sensors}
        collisionDetection={underPointer}
        // Rows move when the page scrolls during a drag: measure them again, or the drop lands a row off.
        measuring={{ droppable: { strategy: MeasuringStrategy.Always } }}
        onDragEnd={onDragEnd}
      >
        <div className="overflow-hidden rounded-lg border bg-card shadow-sm">
          {live.length ? (
            renderLevel(null, 0)
          ) : (
            <p className="p-8 text-center text-sm text-muted-foreground">No groups yet.</p>
          )}
          {canEdit && <TopLevelDropZone />}
        </div>
      </DndContext>
      {archived.length > 0 && (
        <details className="rounded-lg border bg-card">
          <summary className="cursor-pointer px-4 py-3 text-sm font-medium">
            Archived groups ({archived.length})
          </summary>
          <ul aria-label="Archived groups">
            {archived.map((g) => (
              <li key={g.id} className="flex items-center gap-3 border-t px-4 py-2 text-sm">
                <Link href={`/groups/${g.id}`} className="hover:underline">
                  {g.name}
                </Link>
                <span className="text-muted-foreground">{g.directMembers} members kept</span>
                {canEdit && (
                  <Button
                    variant="outline"
                    size="sm"
                    className="ml-auto"
                    onClick={() =>
                      run("Restored {name}.", () => actions.restore({ groupId: g.id }))
                    }
                  >
                    Restore
                  </Button>
                )}
              </li>
            ))}
          </ul>
        </details>
      )}
      <GroupFormDialog
        open={creatingUnder !== undefined}
        onOpenChange={(open) => !open && setCreatingUnder(undefined)}
        title="New group"
        submitLabel="Create group"
        parents={live}
        initial={{ parentId: creatingUnder ?? "" }}
        submit={actions.create}
        onSaved={() => router.refresh()}
      />
      {editing && (
        <GroupFormDialog
          open
          onOpenChange={(open) => !open && setEditing(null)}
          title={`Edit ${editing.name}`}
          submitLabel="Save"
          initial={{
            name: editing.name,
            kind: editing.kind,
            description: editing.description,
            endsOn: editing.endsAt ? new Date(editing.endsAt).toISOString().slice(0, 10) : "",
            isDefault: editing.isDefault,
          }}
          submit={(values) => actions.update({ ...values, groupId: editing.id })}
          onSaved={() => router.refresh()}
        />
      )}
    </div>
  );
}

interface GroupRowProps {
  group: GroupSummary;
  depth: number;
  canEdit: boolean;
  hasChildren: boolean;
  open: boolean;
  onToggle: () => void;
  menu: React.ReactNode;
}

function GroupRow({ group, depth, canEdit, hasChildren, open, onToggle, menu }: GroupRowProps) {
  const {
    setNodeRef: setDragRef,
    listeners,
    attributes,
    transform,
    isDragging,
  } = useDraggable({ id: group.id, disabled: !canEdit });
  const { setNodeRef: setDropRef, isOver } = useDroppable({ id: group.id, disabled: !canEdit });
  return (
    <div
      ref={setDropRef}
      data-testid="group-row"
      data-group-name={group.name}
      className={cn(
        "flex items-center gap-2 border-b px-3 py-2 hover:bg-accent/40",
        isOver && !isDragging && "bg-primary/10 ring-1 ring-inset ring-primary",
        isDragging && "opacity-50",
      )}
      style={{ paddingLeft: `${0.75 + depth * 1.5}rem` }}
    >
      {canEdit && (
        <button
          ref={setDragRef}
          type="button"
          {...listeners}
          {...attributes}
          aria-label={`Drag ${group.name} onto another group`}
          className="cursor-grab rounded text-muted-foreground hover:text-foreground"
          style={
            transform ? { transform: `translate(${transform.x}px, ${transform.y}px)` } : undefined
          }
        >
          <GripVertical className="size-4" aria-hidden />
        </button>
      )}
      {hasChildren ? (
        <button
          type="button"
          onClick={onToggle}
          aria-expanded={open}
          aria-label={`${open ? "Collapse" : "Expand"} ${group.name}`}
          className="rounded text-muted-foreground hover:text-foreground"
        >
          <ChevronRight
            className={cn("size-4 transition-transform", open && "rotate-90")}
            aria-hidden
          />
        </button>
      ) : (
        <span className="size-4" aria-hidden />
      )}
      <Link href={`/groups/${group.id}`} className="font-medium hover:underline">
        {group.name}
      </Link>
      <Badge variant="outline" className="capitalize">
        {group.kind}
      </Badge>
      {group.isDefault && <Badge variant="secondary">Default</Badge>}
      {group.directory && <Badge variant="secondary">From directory</Badge>}
      {group.endsAt && (
        <Badge variant="warning">
          <CalendarClock className="size-3" aria-hidden /> Ends{" "}
          {dateFormat.format(new Date(group.endsAt))}
        </Badge>
      )}
      <span className="ml-auto flex items-center gap-4 text-sm text-muted-foreground">
        {group.monthlyBudgetMicros !== null && (
          <Badge variant="default" title={`${group.budgetMode} budget`}>
            {formatMicros(group.monthlyBudgetMicros, { exact: true })}/mo
          </Badge>
        )}
        <span
          className="flex w-40 items-center justify-end gap-1.5 tabular-nums"
          title="Direct members (members including subgroups)"
        >
          <Users className="size-3.5" aria-hidden />
          <span aria-label={`${group.directMembers} direct members`}>{group.directMembers}</span>
          {group.totalMembers !== group.directMembers && (
            <span className="text-xs">({group.totalMembers} in total)</span>
          )}
        </span>
        {menu}
      </span>
    </div>
  );
}

function TopLevelDropZone() {
  const { setNodeRef, isOver, active } = useDroppable({ id: TOP });
  if (!active) return null;
  return (
    <div
      ref={setNodeRef}
      className={cn(
        "px-4 py-3 text-center text-sm text-muted-foreground",
        isOver && "bg-primary/10 text-foreground",
      )}
    >
      Drop here to make it a top-level group
    </div>
  );
}

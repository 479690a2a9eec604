"use client";

import { useDroppable } from "@dnd-kit/core";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef } from "react";
import type { BoardMember } from "@/lib/groups/board";
import { cn } from "@/lib/utils";
import { MemberCard } from "./member-card";

const CARD_HEIGHT = 58;
const CARD_GAP = 6;

interface GroupChoice {
  id: string;
  name: string;
}

interface BoardColumnProps {
  id: string;
  title: string;
  subtitle?: string;
  groupId: string | null;
  members: BoardMember[];
  allGroups: GroupChoice[];
  membershipsOf: (memberId: string) => Set<string>;
  selection: Set<string>;
  canEdit: boolean;
  onToggleSelect: (
    columnId: string,
    memberId: string,
    range: boolean,
    visibleIds: string[],
  ) => void;
  onMove: (memberIds: string[], fromGroupId: string, toGroupId: string) => void;
  onAdd: (memberIds: string[], toGroupId: string) => void;
  onRemove: (memberIds: string[], groupId: string) => void;
}

/** One group (or "All members") as a drop target, its cards virtualised so that 2,000 stay smooth. */
export function BoardColumn(props: BoardColumnProps) {
  const { id, title, subtitle, groupId, members, selection, canEdit } = props;
  const { setNodeRef, isOver } = useDroppable({ id, data: { groupId } });
  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is meant to be used this way
  const virtualizer = useVirtualizer({
    count: members.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => CARD_HEIGHT + CARD_GAP,
    overscan: 10,
    // The column's size before it is measured: the server renders the first cards too.
    initialRect: { width: 280, height: 384 },
  });
  const visibleIds = members.map((m) => m.id);
  const headingId = `column-${id}-title`;
  return (
    <section
      ref={setNodeRef}
      aria-labelledby={headingId}
      data-testid="board-column"
      data-column-name={title}
      className={cn(
        "flex min-w-0 flex-col rounded-lg border bg-muted/40 transition-colors",
        isOver && "border-primary bg-primary/5",
      )}
    >
      <header className="flex items-baseline justify-between gap-2 border-b px-3 py-2.5">
        {/* Cut off visually when long: the title shows it on hover, the text is whole for readers. */}
        <h2 id={headingId} title={title} className="truncate text-sm font-semibold">
          {title}
        </h2>
        <span
          className="shrink-0 text-xs tabular-nums text-muted-foreground"
          aria-label={`${members.length} members shown`}
        >
          {members.length}
        </span>
      </header>
      {subtitle && <p className="px-3 pt-1.5 text-xs text-muted-foreground">{subtitle}</p>}
      <div ref={scrollRef} className="h-96 overflow-y-auto p-2">
        {members.length === 0 ? (
          <p className="rounded-md border border-dashed px-3 py-6 text-center text-xs text-muted-foreground">
            {canEdit ? "Drop members here" : "No members"}
          </p>
        ) : (
          <div className="relative" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const member = members[item.index]!;
              const selected = selection.has(member.id);
              const theirGroups = props.membershipsOf(member.id);
              return (
                <MemberCard
                  key={member.id}
                  member={member}
                  columnId={id}
                  fromGroupId={groupId}
                  selected={selected}
                  dragIds={selected ? [...selection] : [member.id]}
                  canEdit={canEdit}
                  moveTargets={props.allGroups.filter((g) => !theirGroups.has(g.id))}
                  addTargets={props.allGroups.filter((g) => !theirGroups.has(g.id))}
                  onToggleSelect={(memberId, range) =>
                    props.onToggleSelect(id, memberId, range, visibleIds)
                  }
                  onMove={(memberId, to) =>
                    groupId && props.onMove(selected ? [...selection] : [memberId], groupId, to)
                  }
                  onAdd={(memberId, to) => props.onAdd(selected ? [...selection] : [memberId], to)}
                  onRemove={(memberId) =>
                    groupId && props.onRemove(selected ? [...selection] : [memberId], groupId)
                  }
                  style={{ top: item.start, height: CARD_HEIGHT }}
                />
              );
            })}
          </div>
        )}
      </div>
    </section>
  );
}

"use client";

import { useDndContext, useDroppable } from "@dnd-kit/core";
import { type Range, defaultRangeExtractor, useVirtualizer } from "@tanstack/react-virtual";
import { memo, useCallback, useMemo, useRef } from "react";
import type { BoardMember } from "@/lib/groups/board";
import { cn } from "@/lib/utils";
import { type BoardCardActions, MemberCard } from "./member-card";

const CARD_HEIGHT = 58;
const CARD_GAP = 6;

interface BoardColumnProps {
  id: string;
  title: string;
  subtitle?: string;
  groupId: string | null;
  memberIds: string[];
  membersById: ReadonlyMap<string, BoardMember>;
  /** Whether a member passes the board's filter. */
  matches: (memberId: string) => boolean;
  /** The selection when it is in this column, else undefined. */
  selection: ReadonlySet<string> | undefined;
  canEdit: boolean;
  actions: BoardCardActions;
}

/** One group (or "All members") as a drop target, its cards virtualised so that 2,000 stay smooth. */
export const BoardColumn = memo(function BoardColumn(props: BoardColumnProps) {
  const { id, title, subtitle, groupId, memberIds, membersById, matches } = props;
  const { selection, canEdit, actions } = props;
  const members = useMemo(
    () =>
      memberIds
        .filter(matches)
        .map((memberId) => membersById.get(memberId)!)
        .filter(Boolean),
    [memberIds, membersById, matches],
  );
  const { setNodeRef, isOver } = useDroppable({ id, data: { groupId }, disabled: !canEdit });
  const scrollRef = useRef<HTMLDivElement>(null);
  // The card being dragged stays mounted while the column scrolls under the pointer (dnd-kit
  // scrolls it near its edges): unmounted, its drag data would be gone and the drop ignored.
  const { active } = useDndContext();
  const prefix = `${id}:`;
  const draggedId =
    typeof active?.id === "string" && active.id.startsWith(prefix)
      ? active.id.slice(prefix.length)
      : null;
  const draggedIndex = draggedId ? members.findIndex((m) => m.id === draggedId) : -1;
  const rangeExtractor = useCallback(
    (range: Range) => {
      const indexes = defaultRangeExtractor(range);
      return draggedIndex < 0 || indexes.includes(draggedIndex)
        ? indexes
        : [...indexes, draggedIndex].sort((a, b) => a - b);
    },
    [draggedIndex],
  );
  const virtualizer = useVirtualizer({
    count: members.length,
    rangeExtractor,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => CARD_HEIGHT + CARD_GAP,
    // Few beyond the visible cards: every rendered card redraws when a drag starts and ends
    // (dnd-kit's context), and sixty columns of them are on the board.
    overscan: 2,
    // The column's size before it is measured: the server renders the first cards too.
    initialRect: { width: 280, height: 384 },
  });
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
              return (
                <MemberCard
                  key={member.id}
                  member={member}
                  columnId={id}
                  fromGroupId={groupId}
                  selection={selection?.has(member.id) ? selection : undefined}
                  canEdit={canEdit}
                  actions={actions}
                  top={item.start}
                  height={CARD_HEIGHT}
                />
              );
            })}
          </div>
        )}
      </div>
    </section>
  );
});

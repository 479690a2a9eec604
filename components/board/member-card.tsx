"use client";

import { useDraggable } from "@dnd-kit/core";
import { GripVertical, MoreHorizontal } from "lucide-react";
import { memo, useMemo } from "react";
import { Button } from "@/components/ui/button";
import { MenuOnIntent } from "@/components/ui/menu-on-intent";
import type { BoardMember } from "@/lib/groups/board";
import { cn } from "@/lib/utils";

const loadMenu = () => import("./member-card-menu").then((m) => m.MemberCardMenu);

export interface CardDragData {
  memberIds: string[];
  fromGroupId: string | null;
}

/**
 * What a card can ask of the board, as one object that keeps its identity from render to
 * render (so that a card redraws only when its own member, column or selection changes). A card
 * names itself (column and member); the board turns that into the selection when the card is
 * part of it.
 */
export interface BoardCardActions {
  toggleSelect: (columnId: string, memberId: string, range: boolean) => void;
  move: (columnId: string, memberId: string, fromGroupId: string, toGroupId: string) => void;
  add: (columnId: string, memberId: string, toGroupId: string) => void;
  remove: (columnId: string, memberId: string, groupId: string) => void;
  /** The groups this member is not in, now. */
  targetsFor: (memberId: string) => { id: string; name: string }[];
}

interface MemberCardProps {
  member: BoardMember;
  columnId: string;
  fromGroupId: string | null;
  /** The column's selection when this card is in it, else undefined. */
  selection: ReadonlySet<string> | undefined;
  canEdit: boolean;
  actions: BoardCardActions;
  top: number;
  height: number;
}

/**
 * A member on the board. The whole card starts a pointer drag; the grip is the keyboard handle
 * (Space to pick up), so that Space on the checkbox or the menu button does what it says.
 */
export const MemberCard = memo(function MemberCard(props: MemberCardProps) {
  const { member, columnId, fromGroupId, selection, canEdit, actions } = props;
  const dragIds = useMemo(() => (selection ? [...selection] : [member.id]), [selection, member.id]);
  const { setNodeRef, setActivatorNodeRef, listeners, attributes, isDragging } = useDraggable({
    id: `${columnId}:${member.id}`,
    data: { memberIds: dragIds, fromGroupId } satisfies CardDragData,
    disabled: !canEdit,
  });
  return (
    <div
      ref={setNodeRef}
      style={{ top: props.top, height: props.height }}
      onPointerDown={listeners?.onPointerDown as React.PointerEventHandler | undefined}
      data-testid="member-card"
      data-member-name={member.name}
      className={cn(
        "group/card absolute left-0 right-0 flex items-center gap-2 rounded-md border bg-card px-2 py-2 shadow-xs",
        canEdit && "cursor-grab active:cursor-grabbing",
        selection && "border-primary ring-1 ring-primary",
        isDragging && "opacity-40",
      )}
    >
      {canEdit && (
        <button
          ref={setActivatorNodeRef}
          type="button"
          onKeyDown={listeners?.onKeyDown as React.KeyboardEventHandler | undefined}
          {...attributes}
          aria-label={`Drag ${member.name}`}
          className="rounded text-muted-foreground hover:text-foreground"
        >
          <GripVertical className="size-4" aria-hidden />
        </button>
      )}
      {canEdit && (
        <input
          type="checkbox"
          checked={Boolean(selection)}
          onChange={() => {}}
          onClick={(e) => actions.toggleSelect(columnId, member.id, e.shiftKey)}
          aria-label={`Select ${member.name}`}
          className="size-3.5 accent-[var(--primary)]"
        />
      )}
      <div className="min-w-0 flex-1">
        <p title={member.name} className="truncate text-sm font-medium leading-tight">
          {member.name}
          {member.status === "suspended" && (
            <span className="ml-1 text-xs font-normal text-warning-foreground">(suspended)</span>
          )}
        </p>
        <p title={member.email} className="truncate text-xs text-muted-foreground">
          {member.email}
        </p>
      </div>
      {canEdit && (
        // A thousand cards are on screen at once: each menu's code and state come on first use.
        <MenuOnIntent
          load={loadMenu}
          trigger={
            <Button
              variant="ghost"
              size="icon"
              className="size-7"
              aria-label={`Actions for ${member.name}`}
            >
              <MoreHorizontal aria-hidden />
            </Button>
          }
          menu={(MemberCardMenu, trigger) => (
            <MemberCardMenu
              memberId={member.id}
              memberName={member.name}
              columnId={columnId}
              fromGroupId={fromGroupId}
              actions={actions}
              trigger={trigger}
            />
          )}
        />
      )}
    </div>
  );
});

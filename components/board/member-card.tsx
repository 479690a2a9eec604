"use client";

import { useDraggable } from "@dnd-kit/core";
import { GripVertical, MoreHorizontal } from "lucide-react";
import { memo } from "react";
import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSub,
  DropdownMenuSubContent,
  DropdownMenuSubTrigger,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import type { BoardMember } from "@/lib/groups/board";
import { cn } from "@/lib/utils";

export interface CardDragData {
  memberIds: string[];
  fromGroupId: string | null;
}

interface GroupChoice {
  id: string;
  name: string;
}

interface MemberCardProps {
  member: BoardMember;
  columnId: string;
  fromGroupId: string | null;
  selected: boolean;
  dragIds: string[];
  canEdit: boolean;
  moveTargets: GroupChoice[];
  addTargets: GroupChoice[];
  onToggleSelect: (memberId: string, range: boolean) => void;
  onMove: (memberId: string, toGroupId: string) => void;
  onAdd: (memberId: string, toGroupId: string) => void;
  onRemove: (memberId: string) => void;
  style?: React.CSSProperties;
}

/**
 * A member on the board. The whole card starts a pointer drag; the grip is the keyboard handle
 * (Space to pick up), so that Space on the checkbox or the menu button does what it says.
 */
export const MemberCard = memo(function MemberCard(props: MemberCardProps) {
  const { member, columnId, fromGroupId, selected, dragIds, canEdit, moveTargets, addTargets } =
    props;
  const { setNodeRef, setActivatorNodeRef, listeners, attributes, isDragging } = useDraggable({
    id: `${columnId}:${member.id}`,
    data: { memberIds: dragIds, fromGroupId } satisfies CardDragData,
    disabled: !canEdit,
  });
  return (
    <div
      ref={setNodeRef}
      style={props.style}
      onPointerDown={listeners?.onPointerDown as React.PointerEventHandler | undefined}
      data-testid="member-card"
      data-member-name={member.name}
      className={cn(
        "group/card absolute left-0 right-0 flex items-center gap-2 rounded-md border bg-card px-2 py-2 shadow-xs",
        canEdit && "cursor-grab active:cursor-grabbing",
        selected && "border-primary ring-1 ring-primary",
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
          checked={selected}
          onChange={() => {}}
          onClick={(e) => props.onToggleSelect(member.id, e.shiftKey)}
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
        <DropdownMenu modal={false}>
          <DropdownMenuTrigger asChild>
            <Button
              variant="ghost"
              size="icon"
              className="size-7"
              aria-label={`Actions for ${member.name}`}
            >
              <MoreHorizontal aria-hidden />
            </Button>
          </DropdownMenuTrigger>
          <DropdownMenuContent align="end">
            <DropdownMenuLabel>{member.name}</DropdownMenuLabel>
            {fromGroupId && (
              <DropdownMenuSub>
                <DropdownMenuSubTrigger disabled={!moveTargets.length}>
                  Move to…
                </DropdownMenuSubTrigger>
                <DropdownMenuSubContent>
                  {moveTargets.map((g) => (
                    <DropdownMenuItem key={g.id} onSelect={() => props.onMove(member.id, g.id)}>
                      {g.name}
                    </DropdownMenuItem>
                  ))}
                </DropdownMenuSubContent>
              </DropdownMenuSub>
            )}
            <DropdownMenuSub>
              <DropdownMenuSubTrigger disabled={!addTargets.length}>Add to…</DropdownMenuSubTrigger>
              <DropdownMenuSubContent>
                {addTargets.map((g) => (
                  <DropdownMenuItem key={g.id} onSelect={() => props.onAdd(member.id, g.id)}>
                    {g.name}
                  </DropdownMenuItem>
                ))}
              </DropdownMenuSubContent>
            </DropdownMenuSub>
            {fromGroupId && (
              <DropdownMenuItem
                className="text-destructive"
                onSelect={() => props.onRemove(member.id)}
              >
                Remove from group
              </DropdownMenuItem>
            )}
          </DropdownMenuContent>
        </DropdownMenu>
      )}
    </div>
  );
});

"use client";

import type { ReactElement } from "react";
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
import type { BoardCardActions } from "./member-card";

interface MemberCardMenuProps {
  memberId: string;
  memberName: string;
  columnId: string;
  fromGroupId: string | null;
  actions: BoardCardActions;
  trigger: ReactElement;
}

/** A card's menu, loaded on first intent (member-card.tsx) and open as it mounts. */
export function MemberCardMenu(props: MemberCardMenuProps) {
  return (
    <DropdownMenu modal={false} defaultOpen>
      <DropdownMenuTrigger asChild>{props.trigger}</DropdownMenuTrigger>
      <DropdownMenuContent align="end">
        <MenuItems {...props} />
      </DropdownMenuContent>
    </DropdownMenu>
  );
}

// Mounted each time the menu opens, so its targets are those of the latest memberships, whatever
// the card last drew.
function MenuItems({ memberId, memberName, columnId, fromGroupId, actions }: MemberCardMenuProps) {
  const targets = actions.targetsFor(memberId);
  return (
    <>
      <DropdownMenuLabel>{memberName}</DropdownMenuLabel>
      {fromGroupId && (
        <DropdownMenuSub>
          <DropdownMenuSubTrigger disabled={!targets.length}>Move to…</DropdownMenuSubTrigger>
          <DropdownMenuSubContent>
            {targets.map((g) => (
              <DropdownMenuItem
                key={g.id}
                onSelect={() => actions.move(columnId, memberId, fromGroupId, g.id)}
              >
                {g.name}
              </DropdownMenuItem>
            ))}
          </DropdownMenuSubContent>
        </DropdownMenuSub>
      )}
      <DropdownMenuSub>
        <DropdownMenuSubTrigger disabled={!targets.length}>Add to…</DropdownMenuSubTrigger>
        <DropdownMenuSubContent>
          {targets.map((g) => (
            <DropdownMenuItem key={g.id} onSelect={() => actions.add(columnId, memberId, g.id)}>
              {g.name}
            </DropdownMenuItem>
          ))}
        </DropdownMenuSubContent>
      </DropdownMenuSub>
      {fromGroupId && (
        <DropdownMenuItem
          className="text-destructive"
          onSelect={() => actions.remove(columnId, memberId, fromGroupId)}
        >
          Remove from group
        </DropdownMenuItem>
      )}
    </>
  );
}

"use client";

import type { ReactElement } from "react";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuRadioGroup,
  DropdownMenuRadioItem,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";

export interface MemberRowMenuProps {
  role: string;
  active: boolean;
  trigger: ReactElement;
  onRole: (role: string) => void;
  onLimit: () => void;
  onSuspend: () => void;
  onReactivate: () => void;
  /** Absent when the caller may not sign people out. */
  onSignOutEverywhere?: () => void;
  onRemove: () => void;
}

/** A member row's actions, loaded on first intent (members-table.tsx); opens as it mounts. */
export function MemberRowMenu(props: MemberRowMenuProps) {
  return (
    <DropdownMenu defaultOpen>
      <DropdownMenuTrigger asChild>{props.trigger}</DropdownMenuTrigger>
      <DropdownMenuContent align="end">
        <DropdownMenuLabel>Role</DropdownMenuLabel>
        <DropdownMenuRadioGroup value={props.role} onValueChange={props.onRole}>
          <DropdownMenuRadioItem value="owner">Owner</DropdownMenuRadioItem>
          <DropdownMenuRadioItem value="admin">Admin</DropdownMenuRadioItem>
          <DropdownMenuRadioItem value="member">Member</DropdownMenuRadioItem>
        </DropdownMenuRadioGroup>
        <DropdownMenuSeparator />
        <DropdownMenuItem onSelect={props.onLimit}>Set spending limit…</DropdownMenuItem>
        {props.active ? (
          <DropdownMenuItem onSelect={props.onSuspend}>Suspend…</DropdownMenuItem>
        ) : (
          <DropdownMenuItem onSelect={props.onReactivate}>Reactivate</DropdownMenuItem>
        )}
        {props.onSignOutEverywhere && (
          <DropdownMenuItem onSelect={props.onSignOutEverywhere}>
            Sign out everywhere
          </DropdownMenuItem>
        )}
        <DropdownMenuItem className="text-destructive" onSelect={props.onRemove}>
          Remove from organisation…
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}

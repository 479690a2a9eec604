"use client";

import { Button } from "@/components/ui/button";
import { MenuOnIntent } from "@/components/ui/menu-on-intent";
import type { UserMenuProps } from "./user-menu-dropdown";

const loadDropdown = () => import("./user-menu-dropdown").then((m) => m.UserMenuDropdown);

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]!.toUpperCase())
    .join("");
}

export function UserMenu(props: UserMenuProps) {
  return (
    <MenuOnIntent
      load={loadDropdown}
      trigger={
        <Button variant="ghost" className="gap-2 px-2">
          <span
            aria-hidden
            className="flex size-7 items-center justify-center rounded-full bg-primary/15 text-xs font-semibold text-primary"
          >
            {initials(props.name)}
          </span>
          <span className="sr-only text-sm md:not-sr-only">{props.name}</span>
          <span className="sr-only">, account menu</span>
        </Button>
      }
      menu={(Dropdown, trigger) => <Dropdown {...props} trigger={trigger} />}
    />
  );
}

"use client";

import { Building2, ChevronsUpDown } from "lucide-react";
import { useTransition } from "react";
import { Button } from "@/components/ui/button";
import { MenuOnIntent } from "@/components/ui/menu-on-intent";
import type { OrgSwitcherProps } from "./org-switcher-dropdown";

const loadDropdown = () => import("./org-switcher-dropdown").then((m) => m.OrgSwitcherDropdown);

export function OrgSwitcher(props: OrgSwitcherProps) {
  // The switch's transition lives here, above the lazy menu, so the button stays disabled while
  // the organisation changes.
  const [pending, startTransition] = useTransition();
  const active = props.orgs.find((o) => o.id === props.activeOrgId);
  return (
    <MenuOnIntent
      load={loadDropdown}
      trigger={
        <Button
          variant="ghost"
          className="gap-2 px-2"
          aria-label={`Organisation: ${active?.name}. Switch organisation`}
          disabled={pending}
        >
          <Building2 aria-hidden />
          <span className="max-w-48 truncate">{active?.name}</span>
          <ChevronsUpDown className="text-muted-foreground" aria-hidden />
        </Button>
      }
      menu={(Dropdown, trigger) => (
        <Dropdown {...props} trigger={trigger} startTransition={startTransition} />
      )}
    />
  );
}

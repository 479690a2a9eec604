"use client";

import type { ReactElement, TransitionStartFunction } from "react";
import { toast } from "sonner";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuLabel,
  DropdownMenuRadioGroup,
  DropdownMenuRadioItem,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import type { OrgChoice } from "@/lib/orgs/context";

export interface OrgSwitcherProps {
  orgs: OrgChoice[];
  activeOrgId: string;
  switchOrg: (orgId: string) => Promise<{ ok: false; error: string } | undefined>;
}

/** The organisation menu itself, loaded on first intent (org-switcher.tsx); opens as it mounts. */
export function OrgSwitcherDropdown({
  orgs,
  activeOrgId,
  switchOrg,
  trigger,
  startTransition,
}: OrgSwitcherProps & { trigger: ReactElement; startTransition: TransitionStartFunction }) {
  return (
    <DropdownMenu defaultOpen>
      <DropdownMenuTrigger asChild>{trigger}</DropdownMenuTrigger>
      <DropdownMenuContent align="start">
        <DropdownMenuLabel>Organisations</DropdownMenuLabel>
        <DropdownMenuRadioGroup
          value={activeOrgId}
          onValueChange={(orgId) =>
            startTransition(async () => {
              const result = await switchOrg(orgId);
              if (result && !result.ok) toast.error(result.error);
            })
          }
        >
          {orgs.map((org) => (
            <DropdownMenuRadioItem key={org.id} value={org.id}>
              <span className="truncate">{org.name}</span>
              <span className="ml-auto text-xs capitalize text-muted-foreground">{org.role}</span>
            </DropdownMenuRadioItem>
          ))}
        </DropdownMenuRadioGroup>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}

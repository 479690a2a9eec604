"use client";

import { Building2, ChevronsUpDown } from "lucide-react";
import { useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuLabel,
  DropdownMenuRadioGroup,
  DropdownMenuRadioItem,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import type { OrgChoice } from "@/lib/orgs/context";

interface OrgSwitcherProps {
  orgs: OrgChoice[];
  activeOrgId: string;
  switchOrg: (orgId: string) => Promise<{ ok: false; error: string } | undefined>;
}

export function OrgSwitcher({ orgs, activeOrgId, switchOrg }: OrgSwitcherProps) {
  const [pending, startTransition] = useTransition();
  const active = orgs.find((o) => o.id === activeOrgId);
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
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
      </DropdownMenuTrigger>
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

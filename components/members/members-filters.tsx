"use client";

import { Search } from "lucide-react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { FIELD_LIMITS } from "@/lib/field-limits";
import { useEffect, useState } from "react";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

interface MembersFiltersProps {
  groups: { id: string; name: string }[];
}

const selectClass = "h-9 rounded-md border border-input bg-card px-2 text-sm shadow-sm";

/** Filters live in the URL, so that a filtered list can be shared and survives a reload. */
export function MembersFilters({ groups }: MembersFiltersProps) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [q, setQ] = useState(params.get("q") ?? "");

  const update = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    next.delete("page");
    router.replace(`${pathname}?${next.toString()}`, { scroll: false });
  };

  useEffect(() => {
    if (q === (params.get("q") ?? "")) return;
    const timer = setTimeout(() => update({ q }), 250);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only the typed text schedules a search
  }, [q]);

  const select = (name: string, label: string, options: { value: string; label: string }[]) => (
    <div className="flex flex-col gap-1.5">
      <Label htmlFor={`filter-${name}`}>{label}</Label>
      <select
        id={`filter-${name}`}
        className={selectClass}
        value={params.get(name) ?? ""}
        onChange={(e) => update({ [name]: e.target.value })}
      >
        <option value="">Any</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );

  const groupOptions = groups.map((g) => ({ value: g.id, label: g.name }));
  return (
    <div className="flex flex-wrap items-end gap-3">
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="filter-q">Search</Label>
        <div className="relative">
          <Search
            className="pointer-events-none absolute left-2.5 top-2.5 size-4 text-muted-foreground"
            aria-hidden
          />
          <Input
            id="filter-q"
            type="search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder="Name or email"
            maxLength={FIELD_LIMITS.memberSearch}
            className="w-64 pl-8"
          />
        </div>
      </div>
      {select("groupId", "In group", groupOptions)}
      {select("notInGroupId", "Not in group", groupOptions)}
      {select("role", "Role", [
        { value: "owner", label: "Owner" },
        { value: "admin", label: "Admin" },
        { value: "member", label: "Member" },
      ])}
      {select("status", "Status", [
        { value: "active", label: "Active" },
        { value: "suspended", label: "Suspended" },
      ])}
    </div>
  );
}

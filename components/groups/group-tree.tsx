import { CalendarClock, ChevronRight, Users } from "lucide-react";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import type { GroupSummary } from "@/lib/groups/queries";
import { formatMicros } from "@/lib/money";

interface GroupTreeProps {
  groups: GroupSummary[];
}

const dateFormat = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  timeZone: "UTC",
});

/** The organisation's groups as a nested list (read-only). */
export function GroupTree({ groups }: GroupTreeProps) {
  const live = groups.filter((g) => !g.archivedAt);
  const children = new Map<string | null, GroupSummary[]>();
  const ids = new Set(live.map((g) => g.id));
  for (const group of live) {
    const parent = group.parentId && ids.has(group.parentId) ? group.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), group]);
  }
  const renderLevel = (parentId: string | null, depth: number) => (
    <ul aria-label={depth === 0 ? "Groups" : undefined} className="flex flex-col">
      {(children.get(parentId) ?? []).map((group) => (
        <li key={group.id}>
          <div
            className="flex items-center gap-3 border-b px-4 py-2.5 hover:bg-accent/50"
            style={{ paddingLeft: `${1 + depth * 1.5}rem` }}
          >
            <ChevronRight
              className={`size-4 text-muted-foreground ${children.has(group.id) ? "rotate-90" : "opacity-0"}`}
              aria-hidden
            />
            <Link href={`/groups/${group.id}`} className="font-medium hover:underline">
              {group.name}
            </Link>
            <Badge variant="outline" className="capitalize">
              {group.kind}
            </Badge>
            {group.isDefault && <Badge variant="secondary">Default</Badge>}
            {group.endsAt && (
              <Badge variant="warning">
                <CalendarClock className="size-3" aria-hidden /> Ends{" "}
                {dateFormat.format(group.endsAt)}
              </Badge>
            )}
            <span className="ml-auto flex items-center gap-4 text-sm text-muted-foreground">
              {group.monthlyBudgetMicros !== null && (
                <Badge variant="default" title={`${group.budgetMode} budget`}>
                  {formatMicros(group.monthlyBudgetMicros)}/mo
                </Badge>
              )}
              <span
                className="flex w-36 items-center justify-end gap-1.5 tabular-nums"
                title="Direct members · members including subgroups"
              >
                <Users className="size-3.5" aria-hidden />
                {group.directMembers}
                {group.totalMembers !== group.directMembers && (
                  <span className="text-xs">({group.totalMembers} in total)</span>
                )}
              </span>
            </span>
          </div>
          {children.has(group.id) && renderLevel(group.id, depth + 1)}
        </li>
      ))}
    </ul>
  );
  return renderLevel(null, 0);
}

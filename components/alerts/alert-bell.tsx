import { Bell } from "lucide-react";
import Link from "next/link";

/** The header's bell: alerts (budgets, budget windows, unusual spend) nobody has read yet. */
export function AlertBell({ unread }: { unread: number }) {
  const label = unread ? `Alerts, ${unread} unread` : "Alerts";
  return (
    <Link
      href="/alerts"
      aria-label={label}
      title={label}
      className="relative inline-flex size-9 items-center justify-center rounded-md text-muted-foreground hover:bg-accent hover:text-foreground"
    >
      <Bell className="size-4" aria-hidden />
      {unread > 0 && (
        <span className="absolute -right-0.5 -top-0.5 min-w-4 rounded-full bg-destructive px-1 text-center text-[10px] font-semibold leading-4 text-white">
          {unread > 99 ? "99+" : unread}
        </span>
      )}
    </Link>
  );
}

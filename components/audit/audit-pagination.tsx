import Link from "next/link";
import { Button } from "@/components/ui/button";
import { type AuditQuery, auditQueryString } from "./audit-format";

interface AuditPaginationProps {
  filters: AuditQuery;
  page: number;
  pages: number;
  pageSize: number;
  total: number;
}

const n = (value: number) => value.toLocaleString("en-US");

/** Newer and Older through the filtered log; the filters stay in the links. */
export function AuditPagination({ filters, page, pages, pageSize, total }: AuditPaginationProps) {
  const href = (to: number) => `/audit${auditQueryString({ ...filters, page: to })}`;
  const shownUpTo = pages * pageSize;
  return (
    <nav
      aria-label="Pages"
      className="flex flex-wrap items-center justify-between gap-3 text-sm text-muted-foreground"
    >
      <span>
        {total
          ? `${n((page - 1) * pageSize + 1)}–${n(Math.min(page * pageSize, total))} of ${n(total)}`
          : "0 entries"}
        {total > shownUpTo &&
          ` · the newest ${n(shownUpTo)} are listed here; narrow the dates to reach older ones`}
      </span>
      <div className="flex gap-2">
        {page > 1 ? (
          <Button asChild variant="outline" size="sm">
            <Link href={href(page - 1)}>Newer</Link>
          </Button>
        ) : (
          <Button variant="outline" size="sm" disabled>
            Newer
          </Button>
        )}
        <span className="self-center">
          Page {n(page)} of {n(pages)}
        </span>
        {page < pages ? (
          <Button asChild variant="outline" size="sm">
            <Link href={href(page + 1)}>Older</Link>
          </Button>
        ) : (
          <Button variant="outline" size="sm" disabled>
            Older
          </Button>
        )}
      </div>
    </nav>
  );
}

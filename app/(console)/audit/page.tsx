import { Download } from "lucide-react";
import type { Metadata } from "next";
import { requireConsole } from "@/app/_server/session";
import { AuditFilters } from "@/components/audit/audit-filters";
import {
  type AuditQuery,
  auditQueryString,
  hasAuditFilters,
} from "@/components/audit/audit-format";
import { AuditPagination } from "@/components/audit/audit-pagination";
import { AuditTable } from "@/components/audit/audit-table";
import { AdminOnly } from "@/components/layout/admin-only";
import { PageHeader } from "@/components/layout/page-header";
import { Button } from "@/components/ui/button";
import { getDb } from "@/db/client";
import { parseSearchParams } from "@/lib/search-params";
import {
  AUDIT_EXPORT_LIMIT,
  auditFacets,
  auditFiltersInput,
  listAuditEntries,
} from "@/lib/audit/queries";

export const metadata: Metadata = { title: "Audit log · Gatehouse" };

interface AuditPageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

const n = (value: number) => value.toLocaleString("en-US");

export default async function AuditPage({ searchParams }: AuditPageProps) {
  const { actor } = await requireConsole();
  if (actor.role === "member") {
    return (
      <>
        <PageHeader title="Audit log" />
        <AdminOnly what="The audit log" />
      </>
    );
  }
  // The filters catch what they cannot use; this takes the first of repeated keys and leaves
  // out text the database cannot hold.
  const { query: raw } = parseSearchParams(auditFiltersInput, await searchParams);
  const db = await getDb();
  const [{ rows, total, page, pages, pageSize, filters }, facets] = await Promise.all([
    listAuditEntries(db, actor, raw),
    auditFacets(db, actor),
  ]);
  // The filters without the page: for the export (every matching entry) and the pager's links.
  const matching: AuditQuery = { ...filters, page: undefined };
  const filtered = hasAuditFilters(matching);
  const targetRow = filters.targetId && rows.find((r) => r.targetId === filters.targetId);
  const target = targetRow ? { type: targetRow.targetType, name: targetRow.targetName } : null;

  return (
    <>
      <PageHeader
        title="Audit log"
        description={`Changes by admins, integrations and Gatehouse itself, and refused attempts, newest first; entries cannot be changed or deleted. ${n(total)} ${total === 1 ? "entry matches" : "entries match"}${filtered ? " these filters" : ""}.`}
        actions={
          <div className="flex items-center gap-3">
            {total > AUDIT_EXPORT_LIMIT && (
              <span className="text-xs text-muted-foreground">
                Exports the newest {n(AUDIT_EXPORT_LIMIT)}
              </span>
            )}
            {total ? (
              <Button asChild variant="outline" size="sm">
                <a href={`/audit/export${auditQueryString(matching)}`} download>
                  <Download aria-hidden />
                  Export CSV
                </a>
              </Button>
            ) : (
              <Button variant="outline" size="sm" disabled>
                <Download aria-hidden />
                Export CSV
              </Button>
            )}
          </div>
        }
      />
      <div className="flex flex-col gap-4">
        <AuditFilters facets={facets} target={target} />
        <AuditTable rows={rows} filtered={filtered} />
        {total > 0 && (
          <AuditPagination
            filters={matching}
            page={page}
            pages={pages}
            pageSize={pageSize}
            total={total}
          />
        )}
      </div>
    </>
  );
}

import { getConsoleContext } from "@/app/_server/session";
import { getDb } from "@/db/client";
import { auditChanges, auditEntriesForExport, formatAuditChange } from "@/lib/audit/queries";
import { toCsv } from "@/lib/csv";
import { recordRefusal } from "@/lib/audit/refusals";
import { Forbidden, PublicError } from "@/lib/errors";
import { toIsoDay } from "@/lib/time";

export const dynamic = "force-dynamic";

const HEADER = [
  "Time (UTC)",
  "Actor kind",
  "Actor",
  "Actor user id",
  "Action",
  "Target type",
  "Target id",
  "Target name",
  "Changes",
  "Before (JSON)",
  "After (JSON)",
  "Entry id",
];

const jsonCell = (value: unknown) =>
  value === null || value === undefined ? null : JSON.stringify(value);

// The audit log as CSV: every entry matching the page's filters (not only the page shown), newest
// first, up to the export limit (X-Audit-Truncated says when more matched). A public endpoint like
// any route handler: it finds the caller from the session itself, and lib refuses non-admins.
export async function GET(request: Request) {
  const context = await getConsoleContext();
  if (!context?.actor) return Response.json({ error: "Sign in first." }, { status: 401 });
  // The first value of a repeated parameter, as on the page.
  const filters: Record<string, string> = {};
  for (const [key, value] of new URL(request.url).searchParams) filters[key] ??= value;
  try {
    const { rows, total, truncated } = await auditEntriesForExport(
      await getDb(),
      context.actor,
      filters,
    );
    const csv = toCsv(
      HEADER,
      rows.map((row) => [
        row.at.toISOString(),
        row.actorKind,
        row.actorLabel,
        row.actorUserId,
        row.action,
        row.targetType,
        row.targetId,
        row.targetName,
        auditChanges(row.before, row.after)
          .changes.map((change) => formatAuditChange(change))
          .join("; "),
        jsonCell(row.before),
        jsonCell(row.after),
        row.id,
      ]),
    );
    return new Response(csv, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="audit-log-${toIsoDay(new Date())}.csv"`,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
        "x-audit-total": String(total),
        "x-audit-truncated": String(truncated),
      },
    });
  } catch (error) {
    if (error instanceof Forbidden)
      await recordRefusal(await getDb(), context.actor, {
        target: { type: "action", id: "exportAuditLog" },
        reason: error.message,
      });
    if (error instanceof PublicError)
      return Response.json({ error: error.message }, { status: error.status });
    throw error;
  }
}

import { ListFilter } from "lucide-react";
import Link from "next/link";
import { Badge, type BadgeProps } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { Table, THead, Td, Th, Tr } from "@/components/ui/table";
import type { AuditRow } from "@/lib/audit/queries";
import { REFUSAL_ACTION } from "@/lib/audit/refusals";
import { AuditChanges } from "./audit-changes";
import { AuditRefusal } from "./audit-refusal";
import { auditQueryString, targetHref, targetNoun, targetTypeLabel } from "./audit-format";

interface AuditTableProps {
  rows: AuditRow[];
  filtered: boolean;
}

const dateTime = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "medium",
  timeZone: "UTC",
});

const actorKinds: Record<AuditRow["actorKind"], { label: string; variant: BadgeProps["variant"] }> =
  {
    user: { label: "User", variant: "secondary" },
    gateway: { label: "Gateway", variant: "default" },
    system: { label: "System", variant: "outline" },
    directory: { label: "Directory", variant: "warning" },
  };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function Target({ row }: { row: AuditRow }) {
  const type = targetTypeLabel(row.targetType);
  if (!row.targetId) return <span className="whitespace-nowrap">{type}</span>;
  const ids = row.targetId.split(",");
  const single = ids.length === 1 && UUID.test(row.targetId);
  const name =
    ids.length > 1
      ? `${ids.length} ${targetNoun(row.targetType)}`
      : (row.targetName ?? (UUID.test(ids[0]!) ? ids[0]!.slice(0, 8) : ids[0]!));
  const href = single ? targetHref(row.targetType, row.targetId) : null;
  return (
    <div className="flex min-w-32 max-w-64 flex-col gap-0.5">
      <span className="text-xs text-muted-foreground">{type}</span>
      <span className="flex items-center gap-1">
        {href ? (
          <Link href={href} className="font-medium wrap-anywhere hover:underline">
            {name}
          </Link>
        ) : (
          <span className="wrap-anywhere" title={row.targetId}>
            {name}
          </span>
        )}
        {single && (
          <Link
            href={`/audit${auditQueryString({ targetId: row.targetId })}`}
            className="inline-flex size-6 shrink-0 items-center justify-center rounded text-muted-foreground hover:bg-accent hover:text-accent-foreground"
            aria-label={`Only entries for ${targetNoun(row.targetType)} ${name}`}
            title="Every entry naming this target"
          >
            <ListFilter className="size-3.5" aria-hidden />
          </Link>
        )}
      </span>
    </div>
  );
}

/** The audit log, newest first: when, who, what, to which target, and what changed. */
export function AuditTable({ rows, filtered }: AuditTableProps) {
  return (
    <Card className="overflow-x-auto">
      <Table aria-label="Audit log entries">
        <THead>
          <tr>
            <Th>When (UTC)</Th>
            <Th>Who</Th>
            <Th>Action</Th>
            <Th>Target</Th>
            <Th>Changes</Th>
          </tr>
        </THead>
        <tbody>
          {rows.map((row) => {
            const kind = actorKinds[row.actorKind];
            return (
              <Tr key={row.id} className="align-top">
                <Td className="whitespace-nowrap tabular-nums">
                  <time dateTime={row.at.toISOString()} title={row.at.toISOString()}>
                    {dateTime.format(row.at)}
                  </time>
                </Td>
                <Td>
                  <div className="flex max-w-64 flex-wrap items-center gap-x-2 gap-y-1">
                    <span className="wrap-anywhere">{row.actorLabel}</span>
                    <Badge variant={kind.variant}>{kind.label}</Badge>
                  </div>
                </Td>
                <Td className="whitespace-nowrap">
                  <div className="flex items-center gap-2">
                    <code className="font-mono text-xs">{row.action}</code>
                    {row.action === REFUSAL_ACTION && <Badge variant="destructive">Refused</Badge>}
                  </div>
                </Td>
                <Td>
                  <Target row={row} />
                </Td>
                <Td>
                  <div className="min-w-64 max-w-md">
                    {row.action === REFUSAL_ACTION ? (
                      <AuditRefusal after={row.after} />
                    ) : (
                      <AuditChanges before={row.before} after={row.after} />
                    )}
                  </div>
                </Td>
              </Tr>
            );
          })}
          {!rows.length && (
            <tr>
              <Td colSpan={5} className="py-10 text-center text-muted-foreground">
                {filtered ? (
                  <>
                    No entries match these filters.{" "}
                    <Link
                      href="/audit"
                      className="font-medium text-foreground underline underline-offset-4"
                    >
                      Clear filters
                    </Link>
                  </>
                ) : (
                  "Nothing recorded yet. Changes made by admins, integrations and Gatehouse itself appear here as they happen."
                )}
              </Td>
            </tr>
          )}
        </tbody>
      </Table>
    </Card>
  );
}

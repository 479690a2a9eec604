import { auditChanges, formatAuditChange } from "@/lib/audit/queries";

interface AuditChangesProps {
  before: unknown;
  after: unknown;
}

// In the summary line each value is cut short; opened, values are shown whole up to this length
// (the CSV export has them in full).
const SUMMARY_VALUE_LENGTH = 48;
const DETAIL_VALUE_LENGTH = 1_000;
const DETAIL_MAX_FIELDS = 50;

// An entry with one side only (a creation, a revocation) says which side its fields are.
const sideLabel = { before: "Before", after: "After", both: null, none: null } as const;

/**
 * What an entry changed, compactly: the first differing field on one line, every one when
 * opened. Values are JSON rendered as text (never as HTML).
 */
export function AuditChanges({ before, after }: AuditChangesProps) {
  const { sides, changes } = auditChanges(before, after);
  const [first] = changes;
  if (!first) return <span className="text-muted-foreground">—</span>;
  const label = sideLabel[sides];
  const summary = (
    <>
      {label && <span className="mr-1.5 font-sans text-muted-foreground">{label}</span>}
      {formatAuditChange(first, SUMMARY_VALUE_LENGTH)}
      {changes.length > 1 && (
        <span className="ml-1.5 font-sans text-muted-foreground">+{changes.length - 1} more</span>
      )}
    </>
  );
  const complete =
    changes.length === 1 &&
    formatAuditChange(first, SUMMARY_VALUE_LENGTH) === formatAuditChange(first);
  if (complete) return <p className="font-mono text-xs wrap-anywhere">{summary}</p>;
  return (
    <details className="font-mono text-xs">
      <summary className="cursor-pointer wrap-anywhere">{summary}</summary>
      <ul className="mt-2 flex flex-col gap-1 rounded-md bg-muted/60 p-2 wrap-anywhere">
        {changes.slice(0, DETAIL_MAX_FIELDS).map((change) => (
          <li key={change.path}>{formatAuditChange(change, DETAIL_VALUE_LENGTH)}</li>
        ))}
        {changes.length > DETAIL_MAX_FIELDS && (
          <li className="font-sans text-muted-foreground">
            {changes.length - DETAIL_MAX_FIELDS} more fields in the CSV export
          </li>
        )}
      </ul>
    </details>
  );
}

interface AuditRefusalProps {
  after: unknown;
}

const text = (value: unknown) => (typeof value === "string" && value ? value : null);

/**
 * Why an attempt was refused, in the words the caller was given, with the gateway's reason code
 * and the member asked about. Rendered as text, like every recorded value.
 */
export function AuditRefusal({ after }: AuditRefusalProps) {
  const fields = (after ?? {}) as Record<string, unknown>;
  const reason = text(fields.reason);
  const message = text(fields.message) ?? reason;
  const user = text(fields.user);
  return (
    <div className="flex flex-col gap-0.5 text-sm">
      <span className="wrap-anywhere">{message ?? "Refused."}</span>
      {(user || (reason && reason !== message)) && (
        <span className="text-xs text-muted-foreground wrap-anywhere">
          {user && <>Member: {user}</>}
          {user && reason && reason !== message && " · "}
          {reason && reason !== message && <code className="font-mono">{reason}</code>}
        </span>
      )}
    </div>
  );
}

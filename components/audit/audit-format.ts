import type { AuditFilters } from "@/lib/audit/queries";

// Words and links for audit entries, shared by the table, the filter bar and the pager.

const targetTypeLabels: Record<string, string> = {
  group: "Group",
  groups: "Groups",
  api_key: "API key",
  member: "Member",
  user: "User",
  memberships: "Memberships",
  gateway_token: "Gateway token",
  scim_token: "SCIM token",
  webhook_endpoint: "Webhook endpoint",
  webhook_delivery: "Webhook delivery",
  budget_alert: "Budget alerts",
  action: "Console action",
};

export function targetTypeLabel(type: string): string {
  const known = targetTypeLabels[type];
  if (known) return known;
  const words = type.replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The label inside a sentence: "group", "webhook endpoint", but "API key". */
export function targetNoun(type: string): string {
  const label = targetTypeLabel(type);
  return /^[A-Z][a-z]/.test(label) ? label.charAt(0).toLowerCase() + label.slice(1) : label;
}

/** The console page of a target, where there is one. */
export function targetHref(type: string, id: string | null): string | null {
  switch (type) {
    case "group":
    case "groups":
      return id && !id.includes(",") ? `/groups/${id}` : null;
    case "api_key":
      return id ? `/keys/${id}` : null;
    case "member":
      return id ? `/access?member=${id}` : null;
    case "gateway_token":
    case "scim_token":
    case "webhook_endpoint":
    case "webhook_delivery":
      return "/settings";
    case "budget_alert":
      return "/alerts";
    default:
      return null;
  }
}

export type AuditQuery = Partial<Omit<AuditFilters, "page">> & { page?: number };

/** The query string of the audit log (or its export) for these filters; empty values left out. */
export function auditQueryString(filters: AuditQuery): string {
  const params = new URLSearchParams();
  for (const key of ["actor", "action", "targetType", "targetId", "from", "to"] as const) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  if (filters.page && filters.page > 1) params.set("page", String(filters.page));
  const query = params.toString();
  return query ? `?${query}` : "";
}

export function hasAuditFilters(filters: AuditQuery): boolean {
  return Boolean(
    filters.actor ||
    filters.action ||
    filters.targetType ||
    filters.targetId ||
    filters.from ||
    filters.to,
  );
}

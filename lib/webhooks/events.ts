import type { WebhookEventType } from "@/db/schema";

export type { WebhookEventType };

// What each event means, for the Settings form and the delivery log. Plain data with a type-only
// import, so client components can use it.
export const WEBHOOK_EVENT_LABELS: Record<WebhookEventType, { label: string; hint: string }> = {
  "budget.threshold_crossed": {
    label: "Budget threshold crossed",
    hint: "A group's spend this month passed one of its alert thresholds (say 50, 80, 100 %).",
  },
  "budget.forecast_over_budget": {
    label: "Forecast over budget",
    hint: "At the current pace, a group's spend will pass its budget before the month ends.",
  },
  "budget_window.threshold_crossed": {
    label: "Budget window threshold crossed",
    hint: "A key's, group's or member's spend today, this week or in its last N days passed one of the window's alert thresholds.",
  },
  "spend.anomaly": {
    label: "Unusual spend",
    hint: "The organisation's, a group's or a member's spend today (or this week) is far above its last 28 days, with who, which keys and which models drove it.",
  },
  "access_review.due": {
    label: "Access review due",
    hint: "An access review reached its due date while still open, with how many decisions are outstanding and whose.",
  },
};

export const WEBHOOK_EVENT_CHOICES = Object.keys(WEBHOOK_EVENT_LABELS) as WebhookEventType[];

export function webhookEventLabel(type: string): string {
  if (type === "webhook.test") return "Test event";
  return WEBHOOK_EVENT_LABELS[type as WebhookEventType]?.label ?? type;
}

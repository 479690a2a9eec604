import { FIELD_LIMITS } from "@/lib/field-limits";
import { z } from "zod";
import { WEBHOOK_EVENT_TYPES } from "@/db/schema";

// Receivers must use TLS; plain http is accepted only for a receiver on this machine
// (development, tests). Credentials in the URL are refused: they would show in lists and logs,
// and the signature is how a receiver authenticates Gatehouse.
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1"]);

export const webhookUrl = z
  .string({ error: "Enter the endpoint's URL." })
  .trim()
  .min(1, "Enter the endpoint's URL.")
  .max(FIELD_LIMITS.webhookUrl, "Keep the URL to 2,000 characters or fewer.")
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({
        code: "custom",
        message: "Enter a full URL, like https://example.com/hooks.",
      });
      return;
    }
    if (url.protocol === "http:" && !LOCAL_HOSTS.has(url.hostname)) {
      ctx.addIssue({
        code: "custom",
        message: "Use https:// (plain http:// only for localhost or 127.0.0.1).",
      });
    } else if (url.protocol !== "https:" && url.protocol !== "http:") {
      ctx.addIssue({ code: "custom", message: "Use an https:// URL." });
    } else if (url.username || url.password) {
      ctx.addIssue({
        code: "custom",
        message: "Leave the user name and password out of the URL: receivers verify the signature.",
      });
    }
  });

export const createWebhookEndpointInput = z.object({
  url: webhookUrl,
  description: z
    .string()
    .trim()
    .max(
      FIELD_LIMITS.webhookDescription,
      `Keep the description to ${FIELD_LIMITS.webhookDescription} characters or fewer.`,
    )
    .optional()
    .default(""),
  events: z
    .array(z.enum(WEBHOOK_EVENT_TYPES, { error: "Unknown event type." }))
    .min(1, "Choose at least one event.")
    .optional()
    .default([...WEBHOOK_EVENT_TYPES])
    .transform((events) => [...new Set(events)]),
});
export type CreateWebhookEndpointInput = z.input<typeof createWebhookEndpointInput>;

export const endpointIdInput = z.object({ endpointId: z.uuid("Unknown webhook endpoint.") });
export const deliveryIdInput = z.object({ deliveryId: z.uuid("Unknown delivery.") });

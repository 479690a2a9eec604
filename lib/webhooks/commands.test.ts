import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import { auditLog, webhookDeliveries, webhookEndpoints } from "@/db/schema";
import { Forbidden, Invalid, NotFound } from "@/lib/errors";
import { testDatabase } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  disableWebhookEndpoint,
  enableWebhookEndpoint,
  sendTestEvent,
} from "./commands";
import { enqueueWebhookEvent } from "./enqueue";
import { listDeliveries, listWebhookEndpoints } from "./queries";
import { createWebhookEndpointInput } from "./schemas";
import { openSecret } from "./secret-box";

let db: Db;
beforeAll(async () => {
  ({ db } = await testDatabase());
});

const ok = async () => new Response(null, { status: 204 });
const threshold = {
  type: "budget.threshold_crossed" as const,
  data: { group: { id: "g", name: "Engineering" }, thresholdPercent: 80, spendMicros: 5n },
};

describe("webhook endpoints", () => {
  it("are created with a ghw_ secret shown once, kept encrypted and listed by its last four", async () => {
    const f = await orgFixture(db);
    const endpoint = await createWebhookEndpoint(db, f.actor, {
      url: " https://hooks.example.com/gatehouse ",
      description: "Finance alerts",
    });
    expect(endpoint.secret).toMatch(/^ghw_[0-9A-Za-z]{49}$/);
    expect(endpoint).toMatchObject({
      url: "https://hooks.example.com/gatehouse",
      events: [
        "budget.threshold_crossed",
        "budget.forecast_over_budget",
        "budget_window.threshold_crossed",
        "spend.anomaly",
        "access_review.due",
      ],
      secretLastFour: endpoint.secret.slice(-4),
    });
    const [row] = await db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, endpoint.id));
    expect(row!.secretCiphertext).not.toContain(endpoint.secret);
    expect(row!.secretCiphertext).not.toContain(endpoint.secret.slice(4, 20));
    expect(openSecret(row!.secretCiphertext, f.org.id, endpoint.id)).toBe(endpoint.secret);
    // Bound to its row: the same ciphertext does not open for another endpoint.
    expect(() => openSecret(row!.secretCiphertext, f.org.id, crypto.randomUUID())).toThrow(
      /cannot be decrypted/,
    );
    const listed = await listWebhookEndpoints(db, f.actor);
    expect(listed).toEqual([
      expect.objectContaining({ id: endpoint.id, description: "Finance alerts", disabledAt: null }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(endpoint.secret);
  });

  it("accept https, and http only for localhost or 127.0.0.1", () => {
    const parse = (url: string) => createWebhookEndpointInput.safeParse({ url }).success;
    expect(parse("https://hooks.example.com/x?y=1")).toBe(true);
    expect(parse("http://localhost:8080/hook")).toBe(true);
    expect(parse("http://127.0.0.1:9999")).toBe(true);
    expect(parse("http://hooks.example.com/x")).toBe(false);
    expect(parse("http://127.0.0.2/x")).toBe(false);
    expect(parse("ftp://hooks.example.com")).toBe(false);
    expect(parse("hooks.example.com")).toBe(false);
    expect(parse("https://user:pass@hooks.example.com")).toBe(false);
    expect(parse(`https://example.com/${"a".repeat(1981)}`)).toBe(false);
    expect(parse(`https://example.com/${"a".repeat(1980)}`)).toBe(true);
    expect(
      createWebhookEndpointInput.safeParse({ url: "https://example.com", events: [] }).success,
    ).toBe(false);
    expect(
      createWebhookEndpointInput.safeParse({ url: "https://example.com", events: ["spend.x"] })
        .success,
    ).toBe(false);
  });

  describe("go to public addresses only", () => {
    // A resolver of fixed answers, and the operator's setting off (vitest.config.ts allows
    // internal destinations for the other tests).
    const publicOnly = {
      allowPrivate: false,
      lookup: async (hostname: string) => {
        const records: Record<string, string> = {
          "hooks.example.com": "93.184.215.14",
          "intranet.example.com": "10.20.30.40",
        };
        if (!records[hostname]) throw Object.assign(new Error("ENOTFOUND"), { code: "ENOTFOUND" });
        return [{ address: records[hostname], family: 4 }];
      },
    };

    async function refusal(url: string, options = publicOnly) {
      const f = await orgFixture(db);
      const error = await createWebhookEndpoint(db, f.actor, { url }, options).catch((e) => e);
      expect(error).toBeInstanceOf(Invalid);
      // Refused before anything was written.
      expect(await listWebhookEndpoints(db, f.actor)).toEqual([]);
      expect(await db.select().from(auditLog).where(eq(auditLog.orgId, f.org.id))).toEqual([]);
      return error as Invalid;
    }

    it.each([
      ["https://10.0.0.5/hook", "10.0.0.5"],
      ["https://[::1]/", "::1"],
      ["https://169.254.169.254/latest", "169.254.169.254"],
      ["http://127.0.0.1:9999", "127.0.0.1"],
    ])("refuse %s, saying why and how an operator can allow it", async (url, address) => {
      const error = await refusal(url);
      const message = `This URL points to a private or internal address (${address}). Webhooks go to public addresses only; an operator can allow internal ones with GATEHOUSE_WEBHOOKS_ALLOW_PRIVATE=1.`;
      expect(error.message).toBe(message);
      expect(error.fieldErrors).toEqual({ url: message });
    });

    it("refuse a name that resolves to an internal address, or to nothing", async () => {
      const internal = await refusal("https://intranet.example.com/hook");
      expect(internal.fieldErrors.url).toMatch(/host name resolves to a private or internal/);
      expect(internal.fieldErrors.url).not.toContain("10.20.30.40");
      const unknown = await refusal("https://hooks.example.test/hook");
      expect(unknown.fieldErrors.url).toMatch(/could not be found \(DNS\)/);
    });

    it("accept a public name, and internal addresses when the operator allows them", async () => {
      const f = await orgFixture(db);
      await createWebhookEndpoint(db, f.actor, { url: "https://hooks.example.com/in" }, publicOnly);
      for (const url of ["https://10.0.0.5/hook", "https://[::1]/", "http://127.0.0.1:9999"])
        await createWebhookEndpoint(db, f.actor, { url }, { ...publicOnly, allowPrivate: true });
      expect(await listWebhookEndpoints(db, f.actor)).toHaveLength(4);
    });

    it("are checked after permissions: a member learns nothing about the address", async () => {
      const member = await orgFixture(db, "member");
      await expect(
        createWebhookEndpoint(db, member.actor, { url: "https://10.0.0.5/" }, publicOnly),
      ).rejects.toBeInstanceOf(Forbidden);
    });
  });

  it("never put the secret in audit rows or in the delivery log", async () => {
    const f = await orgFixture(db);
    const endpoint = await createWebhookEndpoint(db, f.actor, { url: "https://a.example.com" });
    await sendTestEvent(db, f.actor, { endpointId: endpoint.id }, { fetch: ok });
    const log = await listDeliveries(db, f.actor);
    expect(log).toHaveLength(1);
    expect(JSON.stringify(log)).not.toContain(endpoint.secret);
    await disableWebhookEndpoint(db, f.actor, { endpointId: endpoint.id });
    await enableWebhookEndpoint(db, f.actor, { endpointId: endpoint.id });
    await deleteWebhookEndpoint(db, f.actor, { endpointId: endpoint.id });
    const rows = await db.select().from(auditLog).where(eq(auditLog.orgId, f.org.id));
    expect(rows.map((r) => r.action).sort()).toEqual([
      "webhook_endpoint.created",
      "webhook_endpoint.deleted",
      "webhook_endpoint.disabled",
      "webhook_endpoint.enabled",
      "webhook_endpoint.test_sent",
    ]);
    const text = JSON.stringify(rows);
    expect(text).not.toContain(endpoint.secret);
    expect(text).not.toContain(endpoint.secret.slice(4));
  });

  it("are managed and seen by admins of their own organisation only", async () => {
    const f = await orgFixture(db);
    const other = await orgFixture(db);
    const member = await orgFixture(db, "member");
    const endpoint = await createWebhookEndpoint(db, f.actor, { url: "https://b.example.com" });
    await sendTestEvent(db, f.actor, { endpointId: endpoint.id }, { fetch: ok });

    await expect(
      createWebhookEndpoint(db, member.actor, { url: "https://c.example.com" }),
    ).rejects.toBeInstanceOf(Forbidden);
    await expect(listWebhookEndpoints(db, member.actor)).rejects.toBeInstanceOf(Forbidden);
    await expect(listDeliveries(db, member.actor)).rejects.toBeInstanceOf(Forbidden);
    await expect(
      sendTestEvent(db, member.actor, { endpointId: endpoint.id }, { fetch: ok }),
    ).rejects.toBeInstanceOf(Forbidden);
    await expect(
      disableWebhookEndpoint(db, member.actor, { endpointId: endpoint.id }),
    ).rejects.toBeInstanceOf(Forbidden);

    expect(await listWebhookEndpoints(db, other.actor)).toEqual([]);
    expect(await listDeliveries(db, other.actor)).toEqual([]);
    const foreign = { endpointId: endpoint.id };
    await expect(disableWebhookEndpoint(db, other.actor, foreign)).rejects.toBeInstanceOf(NotFound);
    await expect(deleteWebhookEndpoint(db, other.actor, foreign)).rejects.toBeInstanceOf(NotFound);
    await expect(sendTestEvent(db, other.actor, foreign, { fetch: ok })).rejects.toBeInstanceOf(
      NotFound,
    );
    expect(await listWebhookEndpoints(db, f.actor)).toHaveLength(1);
    expect(await listDeliveries(db, f.actor)).toHaveLength(1);
  });

  it("disabled, stop receiving events and fail what was still pending", async () => {
    const f = await orgFixture(db);
    const endpoint = await createWebhookEndpoint(db, f.actor, { url: "https://d.example.com" });
    await db.transaction((tx) => enqueueWebhookEvent(tx, f.org.id, threshold));
    await disableWebhookEndpoint(db, f.actor, { endpointId: endpoint.id });
    // Disabling twice is harmless.
    await disableWebhookEndpoint(db, f.actor, { endpointId: endpoint.id });
    const [delivery] = await listDeliveries(db, f.actor);
    expect(delivery).toMatchObject({
      status: "failed",
      lastError: expect.stringMatching(/disabled/),
    });
    await expect(
      sendTestEvent(db, f.actor, { endpointId: endpoint.id }, { fetch: ok }),
    ).rejects.toThrow(/Enable the endpoint/);
    expect(await db.transaction((tx) => enqueueWebhookEvent(tx, f.org.id, threshold))).toBe(0);
  });

  it("deleted, take their delivery log with them", async () => {
    const f = await orgFixture(db);
    const endpoint = await createWebhookEndpoint(db, f.actor, { url: "https://e.example.com" });
    await sendTestEvent(db, f.actor, { endpointId: endpoint.id }, { fetch: ok });
    await deleteWebhookEndpoint(db, f.actor, { endpointId: endpoint.id });
    expect(await listWebhookEndpoints(db, f.actor)).toEqual([]);
    expect(
      await db
        .select()
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.endpointId, endpoint.id)),
    ).toEqual([]);
    await expect(
      deleteWebhookEndpoint(db, f.actor, { endpointId: endpoint.id }),
    ).rejects.toBeInstanceOf(NotFound);
  });
});

describe("enqueueWebhookEvent", () => {
  it("queues one delivery per active subscribed endpoint of the org, sharing one event id", async () => {
    const f = await orgFixture(db);
    const other = await orgFixture(db);
    const both = await createWebhookEndpoint(db, f.actor, { url: "https://both.example.com" });
    const thresholdOnly = await createWebhookEndpoint(db, f.actor, {
      url: "https://threshold.example.com",
      events: ["budget.threshold_crossed"],
    });
    const forecastOnly = await createWebhookEndpoint(db, f.actor, {
      url: "https://forecast.example.com",
      events: ["budget.forecast_over_budget"],
    });
    const disabled = await createWebhookEndpoint(db, f.actor, { url: "https://off.example.com" });
    await disableWebhookEndpoint(db, f.actor, { endpointId: disabled.id });
    await createWebhookEndpoint(db, other.actor, { url: "https://other.example.com" });

    const queued = await db.transaction((tx) => enqueueWebhookEvent(tx, f.org.id, threshold));
    expect(queued).toBe(2);
    const rows = await db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.orgId, f.org.id));
    expect(rows.map((r) => r.endpointId).sort()).toEqual([both.id, thresholdOnly.id].sort());
    expect(new Set(rows.map((r) => r.eventId)).size).toBe(1);
    expect(rows[0]).toMatchObject({
      status: "pending",
      attempts: 0,
      eventType: "budget.threshold_crossed",
      payload: {
        id: rows[0]!.eventId,
        type: "budget.threshold_crossed",
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        // bigints arrive as JSON numbers
        data: { group: { id: "g", name: "Engineering" }, thresholdPercent: 80, spendMicros: 5 },
      },
    });
    expect(await listDeliveries(db, other.actor)).toEqual([]);

    const forecast = await db.transaction((tx) =>
      enqueueWebhookEvent(tx, f.org.id, { type: "budget.forecast_over_budget", data: {} }),
    );
    expect(forecast).toBe(2);
    const endpoints = (await listDeliveries(db, f.actor)).map((d) => d.endpointId);
    expect(endpoints.filter((id) => id === forecastOnly.id)).toHaveLength(1);
  });

  it("rolls back with the caller's transaction", async () => {
    const f = await orgFixture(db);
    await createWebhookEndpoint(db, f.actor, { url: "https://rollback.example.com" });
    await expect(
      db.transaction(async (tx) => {
        await enqueueWebhookEvent(tx, f.org.id, threshold);
        throw new Error("ingest failed");
      }),
    ).rejects.toThrow("ingest failed");
    expect(await listDeliveries(db, f.actor)).toEqual([]);
  });
});

import { createHmac } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import { webhookDeliveries, webhookEndpoints } from "@/db/schema";
import { testDatabase, usingPostgres } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import { createWebhookEndpoint, retryDelivery, sendTestEvent } from "./commands";
import {
  type FetchLike,
  MAX_ATTEMPTS,
  deliverDueWebhooks,
  pruneWebhookDeliveries,
  retryDelaySeconds,
} from "./deliver";
import { enqueueWebhookEvent } from "./enqueue";
import { listDeliveries } from "./queries";
import { verifySignature } from "./signing";

let db: Db;
beforeAll(async () => {
  ({ db } = await testDatabase());
});

// deliverDueWebhooks serves every organisation: leave nothing pending for the next test.
afterEach(async () => {
  await db
    .update(webhookDeliveries)
    .set({ status: "failed" })
    .where(eq(webhookDeliveries.status, "pending"));
});

interface Sent {
  url: string;
  headers: Record<string, string>;
  body: string;
}

function recorder(answer: (sent: Sent) => Response | Promise<Response>) {
  const sent: Sent[] = [];
  const fetch: FetchLike = async (url, init) => {
    const request: Sent = {
      url,
      headers: Object.fromEntries(new Headers(init.headers).entries()),
      body: String(init.body),
    };
    sent.push(request);
    return answer(request);
  };
  return { sent, fetch };
}

const inAMoment = () => new Date(Date.now() + 1_000);
const alert = {
  type: "budget.threshold_crossed" as const,
  data: {
    group: { id: "0d9e8f7a-1b2c-4d3e-8f4a-5b6c7d8e9f0a", name: "Engineering" },
    month: "2026-11",
    thresholdPercent: 80,
    spendMicros: 400_000_000,
    budgetMicros: 500_000_000,
  },
};

async function endpointWithEvent(url = "https://hooks.example.com/in") {
  const f = await orgFixture(db);
  const endpoint = await createWebhookEndpoint(db, f.actor, { url });
  await db.transaction((tx) => enqueueWebhookEvent(tx, f.org.id, alert));
  return { ...f, endpoint };
}

describe("deliverDueWebhooks", () => {
  it("POSTs the event signed with the endpoint's secret and marks it delivered", async () => {
    const { endpoint, actor } = await endpointWithEvent();
    const { sent, fetch } = recorder(() => new Response("thanks", { status: 200 }));
    const now = inAMoment();
    const outcomes = await deliverDueWebhooks(db, { now, fetch });
    expect(outcomes).toEqual([expect.objectContaining({ status: "delivered", statusCode: 200 })]);
    expect(sent).toHaveLength(1);
    const [request] = sent;
    const [delivery] = await listDeliveries(db, actor);
    expect(request!.url).toBe("https://hooks.example.com/in");
    expect(request!.headers).toMatchObject({
      "content-type": "application/json",
      "gatehouse-event": "budget.threshold_crossed",
      "gatehouse-delivery": delivery!.id,
      "idempotency-key": delivery!.eventId,
    });
    const body = JSON.parse(request!.body);
    expect(Object.keys(body)).toEqual(["id", "type", "createdAt", "data"]);
    expect(body).toMatchObject({ id: delivery!.eventId, type: alert.type, data: alert.data });

    // Verified with the secret shown at creation, by the library and by the README's recipe.
    const header = request!.headers["gatehouse-signature"]!;
    expect(verifySignature(endpoint.secret, header, request!.body, 300, now)).toBe(true);
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header)!;
    expect(Number(t)).toBe(Math.floor(now.getTime() / 1000));
    const expected = createHmac("sha256", endpoint.secret)
      .update(`${t}.${request!.body}`)
      .digest("hex");
    expect(v1).toBe(expected);

    expect(delivery).toMatchObject({
      status: "delivered",
      attempts: 1,
      lastStatusCode: 200,
      lastError: null,
      endpointUrl: "https://hooks.example.com/in",
    });
    expect(delivery!.deliveredAt).toBeInstanceOf(Date);
    // Delivered once: nothing more to send.
    expect(
      await deliverDueWebhooks(db, { now: new Date(now.getTime() + 3600_000), fetch }),
    ).toEqual([]);
  });

  it("retries failures with a growing backoff and gives up after the last attempt", async () => {
    const { actor } = await endpointWithEvent();
    const { sent, fetch } = recorder(() => new Response("down", { status: 503 }));
    let now = inAMoment();
    const delays: number[] = [];
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      // Not due yet: nothing is sent a second before the retry time.
      if (attempt > 1)
        expect(
          await deliverDueWebhooks(db, { now: new Date(now.getTime() - 1000), fetch }),
        ).toEqual([]);
      const [outcome] = await deliverDueWebhooks(db, { now, fetch, random: () => 0.5 });
      expect(outcome).toMatchObject({ attempts: attempt, statusCode: 503, error: "HTTP 503" });
      if (attempt < MAX_ATTEMPTS) {
        expect(outcome!.status).toBe("pending");
        delays.push((outcome!.nextAttemptAt!.getTime() - now.getTime()) / 1000);
        now = outcome!.nextAttemptAt!;
      } else {
        expect(outcome!.status).toBe("failed");
      }
    }
    expect(delays).toEqual([30, 60, 120, 240, 480, 960, 1920]);
    expect(sent).toHaveLength(MAX_ATTEMPTS);
    // Every attempt carries the same delivery and event ids.
    expect(new Set(sent.map((s) => s.headers["gatehouse-delivery"])).size).toBe(1);
    expect(
      await deliverDueWebhooks(db, { now: new Date(now.getTime() + 86_400_000), fetch }),
    ).toEqual([]);
    const [delivery] = await listDeliveries(db, actor);
    expect(delivery).toMatchObject({
      status: "failed",
      attempts: MAX_ATTEMPTS,
      lastStatusCode: 503,
    });

    // An admin may send it again from the first attempt.
    const ok = recorder(() => new Response(null, { status: 202 }));
    const retried = await retryDelivery(db, actor, { deliveryId: delivery!.id }, ok);
    expect(retried).toMatchObject({ status: "delivered", attempts: 1, statusCode: 202 });
  });

  it("jitters each delay within ±20 %, capped at six hours", () => {
    for (let attempts = 1; attempts <= 20; attempts++) {
      const base = Math.min(30 * 2 ** (attempts - 1), 6 * 3600);
      expect(retryDelaySeconds(attempts, () => 0)).toBe(Math.round(base * 0.8));
      expect(retryDelaySeconds(attempts, () => 0.999999)).toBe(Math.round(base * 1.2));
    }
    expect(retryDelaySeconds(30, () => 0.5)).toBe(6 * 3600);
  });

  it("records short reasons: timeouts, refused connections, redirects, unreadable secrets", async () => {
    const cases: [FetchLike, RegExp][] = [
      [
        async () => {
          throw new DOMException("The operation was aborted due to timeout", "TimeoutError");
        },
        /^No answer within 10 s\.$/,
      ],
      [
        async () => {
          throw new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } });
        },
        /^Could not connect \(ECONNREFUSED\)\.$/,
      ],
      [
        async () => new Response(null, { status: 302, headers: { location: "https://x" } }),
        /^Redirects are not followed\.$/,
      ],
    ];
    for (const [fetch, reason] of cases) {
      const { actor } = await endpointWithEvent();
      const [outcome] = await deliverDueWebhooks(db, { now: inAMoment(), fetch });
      expect(outcome).toMatchObject({ status: "pending", error: expect.stringMatching(reason) });
      const [delivery] = await listDeliveries(db, actor);
      expect(delivery!.lastError).toMatch(reason);
    }

    const { endpoint } = await endpointWithEvent();
    await db
      .update(webhookEndpoints)
      .set({ secretCiphertext: "v1.AAAA.BBBB.CCCC" })
      .where(eq(webhookEndpoints.id, endpoint.id));
    const { sent, fetch } = recorder(() => new Response(null, { status: 200 }));
    const [outcome] = await deliverDueWebhooks(db, { now: inAMoment(), fetch });
    expect(outcome!.error).toMatch(/cannot be decrypted/);
    expect(sent).toEqual([]);
  });

  it("sends a test event at once to the one endpoint it was sent to", async () => {
    const f = await orgFixture(db);
    const endpoint = await createWebhookEndpoint(db, f.actor, {
      url: "http://127.0.0.1:9/hook",
      events: ["budget.forecast_over_budget"],
    });
    const { sent, fetch } = recorder(() => new Response(null, { status: 200 }));
    const outcome = await sendTestEvent(db, f.actor, { endpointId: endpoint.id }, { fetch });
    expect(outcome).toMatchObject({ status: "delivered", statusCode: 200 });
    expect(sent[0]!.headers["gatehouse-event"]).toBe("webhook.test");
    expect(JSON.parse(sent[0]!.body)).toMatchObject({
      type: "webhook.test",
      data: { endpointId: endpoint.id },
    });
    expect(
      verifySignature(endpoint.secret, sent[0]!.headers["gatehouse-signature"]!, sent[0]!.body),
    ).toBe(true);
  });

  it("never sends one delivery twice when servers run it concurrently", async () => {
    const f = await orgFixture(db);
    const endpoints = await Promise.all(
      [1, 2, 3].map((n) =>
        createWebhookEndpoint(db, f.actor, { url: `https://h${n}.example.com` }),
      ),
    );
    for (let i = 0; i < 10; i++)
      await db.transaction((tx) => enqueueWebhookEvent(tx, f.org.id, alert));
    let inFlight = 0;
    let mostInFlight = 0;
    const { sent, fetch } = recorder(async () => {
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      await new Promise((r) => setTimeout(r, 100));
      inFlight--;
      return new Response(null, { status: 200 });
    });
    const now = inAMoment();
    // Four servers at once, each taking up to 10: they all reach for the same oldest rows.
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => deliverDueWebhooks(db, { now, fetch, limit: 10 })),
    );
    const ids = sent.map((s) => s.headers["gatehouse-delivery"]);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
    expect(runs.flat()).toHaveLength(30);
    // On PostgreSQL the calls really overlapped: more than one batch was in flight at once.
    if (usingPostgres) expect(mostInFlight).toBeGreaterThan(10);
    const log = await listDeliveries(db, f.actor);
    expect(log.every((d) => d.status === "delivered" && d.attempts === 1)).toBe(true);
    expect(endpoints).toHaveLength(3);
  });

  it("prunes finished deliveries after 30 days and keeps pending ones", async () => {
    const { actor } = await endpointWithEvent();
    const later = new Date(Date.now() + 31 * 86_400_000);
    await deliverDueWebhooks(db, {
      now: inAMoment(),
      fetch: async () => new Response(null, { status: 200 }),
    });
    await endpointWithEvent();
    expect(await pruneWebhookDeliveries(db, new Date())).toBe(0);
    expect(await pruneWebhookDeliveries(db, later)).toBeGreaterThanOrEqual(1);
    expect(await listDeliveries(db, actor)).toEqual([]);
    const pending = await db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.status, "pending"));
    expect(pending).toHaveLength(1);
  });
});

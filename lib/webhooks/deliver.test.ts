import { createHmac } from "node:crypto";
import type { LookupAddress } from "node:dns";
import { type IncomingMessage, type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
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
import type { DestinationOptions } from "./destination";
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

async function endpointWithEvent(
  url = "https://hooks.example.com/in",
  options?: DestinationOptions,
) {
  const f = await orgFixture(db);
  const endpoint = await createWebhookEndpoint(db, f.actor, { url }, options);
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

describe("the destination, checked again before each attempt", () => {
  // The host's DNS answer now, with the operator's setting off (vitest.config.ts allows internal
  // destinations for the other tests).
  const resolvingTo = (...addresses: string[]) => ({
    allowPrivate: false,
    lookup: async (): Promise<LookupAddress[]> =>
      addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 })),
  });

  it("fails the attempt without sending when the host now resolves to an internal address", async () => {
    // Public when it was added…
    const { actor } = await endpointWithEvent(
      "https://hooks.example.com/in",
      resolvingTo("93.184.215.14"),
    );
    const { sent, fetch } = recorder(() => new Response(null, { status: 200 }));
    const now = inAMoment();
    const [outcome] = await deliverDueWebhooks(db, {
      now,
      fetch,
      random: () => 0.5,
      // … no longer entirely.
      ...resolvingTo("93.184.215.14", "169.254.169.254"),
    });
    const reason =
      "Refused: the host name now resolves to a private or internal address; webhooks go to public addresses only.";
    expect(outcome).toMatchObject({ status: "pending", attempts: 1, statusCode: null });
    expect(outcome!.error).toBe(reason);
    // Retried with the same backoff as any failure.
    expect(outcome!.nextAttemptAt).toEqual(new Date(now.getTime() + 30_000));
    expect(sent).toEqual([]);
    const [delivery] = await listDeliveries(db, actor);
    expect(delivery).toMatchObject({ status: "pending", lastError: reason, lastStatusCode: null });
  });

  it("refuses an internal address written in the URL, and a name that no longer resolves", async () => {
    const { fetch, sent } = recorder(() => new Response(null, { status: 200 }));
    // Added while the operator allowed internal destinations, or before they were checked.
    const literal = await endpointWithEvent("https://10.0.0.5/hook", { allowPrivate: true });
    const [refused] = await deliverDueWebhooks(db, { now: inAMoment(), fetch, ...resolvingTo() });
    expect(refused!.error).toMatch(/^Refused: 10\.0\.0\.5 is a private or internal address/);
    expect((await listDeliveries(db, literal.actor))[0]!.lastError).toBe(refused!.error);

    await endpointWithEvent("https://gone.example.com/hook", resolvingTo("93.184.215.14"));
    const [gone] = await deliverDueWebhooks(db, {
      now: inAMoment(),
      fetch,
      allowPrivate: false,
      lookup: async () => {
        throw Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
      },
    });
    expect(gone).toMatchObject({
      status: "pending",
      error: "Could not find the host name (DNS: ENOTFOUND).",
    });
    expect(sent).toEqual([]);
  });

  it("sends to a public destination, connecting only to the addresses it checked", async () => {
    await endpointWithEvent("https://hooks.example.com/in", resolvingTo("93.184.215.14"));
    const pinned: unknown[] = [];
    const fetch: FetchLike = async (_url, _init, addresses) => {
      pinned.push(addresses);
      return new Response(null, { status: 204 });
    };
    const [outcome] = await deliverDueWebhooks(db, {
      now: inAMoment(),
      fetch,
      ...resolvingTo("93.184.215.14", "2606:2800::1"),
    });
    expect(outcome).toMatchObject({ status: "delivered", statusCode: 204 });
    expect(pinned).toEqual([
      [
        { address: "93.184.215.14", family: 4 },
        { address: "2606:2800::1", family: 6 },
      ],
    ]);
  });

  it("applies to test events sent from Settings too", async () => {
    const f = await orgFixture(db);
    const endpoint = await createWebhookEndpoint(
      db,
      f.actor,
      { url: "https://hooks.example.com" },
      resolvingTo("93.184.215.14"),
    );
    const { sent, fetch } = recorder(() => new Response(null, { status: 200 }));
    const internal = { fetch, ...resolvingTo("fd00::1") };
    const outcome = await sendTestEvent(db, f.actor, { endpointId: endpoint.id }, internal);
    expect(outcome).toMatchObject({ status: "pending", error: expect.stringMatching(/^Refused/) });
    expect(sent).toEqual([]);
  });
});

describe("sending over the network (no fetch injected)", () => {
  // A receiver on this machine, as in the e2e suite; internal destinations are allowed here.
  let server: Server;
  let port: number;
  let answer: (request: IncomingMessage) => { status: number; headers?: Record<string, string> };
  const received: {
    method?: string;
    url?: string;
    headers: IncomingMessage["headers"];
    body: string;
  }[] = [];
  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = "";
      request.setEncoding("utf8");
      request.on("data", (chunk: string) => (body += chunk));
      request.on("end", () => {
        received.push({ method: request.method, url: request.url, headers: request.headers, body });
        const { status, headers } = answer(request);
        if (status === 0) return; // never answer
        response.writeHead(status, headers).end("ignored");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("POSTs the signed event to the receiver and records its answer", async () => {
    answer = () => ({ status: 200 });
    const { endpoint, actor } = await endpointWithEvent(`http://127.0.0.1:${port}/hook`, {
      allowPrivate: true,
    });
    const now = inAMoment();
    const [outcome] = await deliverDueWebhooks(db, { now, allowPrivate: true });
    expect(outcome).toMatchObject({ status: "delivered", statusCode: 200, error: null });
    const request = received.at(-1)!;
    const [delivery] = await listDeliveries(db, actor);
    expect(request).toMatchObject({ method: "POST", url: "/hook" });
    expect(request.headers).toMatchObject({
      "content-type": "application/json",
      "user-agent": "Gatehouse-Webhooks/1",
      "gatehouse-delivery": delivery!.id,
      "idempotency-key": delivery!.eventId,
      "content-length": String(Buffer.byteLength(request.body)),
    });
    const signature = String(request.headers["gatehouse-signature"]);
    expect(verifySignature(endpoint.secret, signature, request.body, 300, now)).toBe(true);
  });

  it("records HTTP errors, redirects (not followed), timeouts and refused connections", async () => {
    const cases: [ReturnType<typeof answer>, RegExp, { port?: number; timeoutMs?: number }][] = [
      [{ status: 500 }, /^HTTP 500$/, {}],
      [
        { status: 307, headers: { location: "http://127.0.0.1:1/" } },
        /^Redirects are not followed\.$/,
        {},
      ],
      [{ status: 0 }, /^No answer within 0\.2 s\.$/, { timeoutMs: 200 }],
      [{ status: 200 }, /^Could not connect \(ECONNREFUSED\)\.$/, { port: await closedPort() }],
    ];
    for (const [reply, reason, options] of cases) {
      answer = () => reply;
      const count = received.length;
      await endpointWithEvent(`http://127.0.0.1:${options.port ?? port}/hook`, {
        allowPrivate: true,
      });
      const [outcome] = await deliverDueWebhooks(db, {
        now: inAMoment(),
        allowPrivate: true,
        timeoutMs: options.timeoutMs,
      });
      expect(outcome).toMatchObject({ status: "pending", error: expect.stringMatching(reason) });
      // The redirect was not followed: one request only.
      if (!options.port) expect(received.length).toBe(count + 1);
    }
  });
});

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

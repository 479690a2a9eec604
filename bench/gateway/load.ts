import autocannon from "autocannon";

// The load generator, a process of its own (so that it does not share the event loop of what it
// measures): autocannon against one URL for one case, printing one JSON line with the figures.
// Each request of a case differs as traffic would: authorize cycles through the case's people,
// usage sends a batch of 1,000 new events (unique ids) per request.

export interface LoadCase {
  url: string;
  connections: number;
  seconds: number;
  token?: string;
  /** authorize: the key and the people's emails; usage: the member ids and the key. */
  authorize?: { apiKey: string; emails: string[]; estimatedCostMicros?: number };
  usage?: { keyId: string; memberIds: string[]; batch: number };
}

export interface LoadFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  ok: number;
  errors: number;
  non2xx: number;
}

const spec = JSON.parse(process.argv[2]!) as LoadCase;
let n = 0;
const run = `${process.pid}-${Date.now()}`;

function body(): string {
  n++;
  if (spec.authorize) {
    const { apiKey, emails, estimatedCostMicros } = spec.authorize;
    return JSON.stringify({
      apiKey,
      user: { email: emails[n % emails.length] },
      model: "gpt-4o",
      features: ["streaming"],
      ...(estimatedCostMicros ? { estimatedCostMicros } : {}),
    });
  }
  if (spec.usage) {
    const { keyId, memberIds, batch } = spec.usage;
    const occurredAt = new Date().toISOString();
    return JSON.stringify({
      events: Array.from({ length: batch }, (_, i) => ({
        eventId: `${run}-${n}-${i}`,
        occurredAt,
        memberId: memberIds[(n * batch + i) % memberIds.length],
        keyId,
        model: i % 2 ? "gpt-4o" : "claude-sonnet-4-5",
        features: ["streaming"],
        inputTokens: 1_000 + i,
        outputTokens: 300,
        costMicros: 1_234,
      })),
    });
  }
  return "{}";
}

const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.seconds,
  method: "POST",
  headers: {
    "content-type": "application/json",
    ...(spec.token ? { authorization: `Bearer ${spec.token}` } : {}),
  },
  requests: [{ setupRequest: (request) => ({ ...request, body: body() }) }],
});
const figures: LoadFigures = {
  requestsPerSecond: Math.round((result.requests.total / spec.seconds) * 10) / 10,
  p50Ms: result.latency.p50,
  p99Ms: result.latency.p99,
  ok: result["2xx"],
  errors: result.errors + result.timeouts,
  non2xx: result.non2xx,
};
console.log(JSON.stringify(figures));

import { randomUUID } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { type DemoPerson, demoPeople } from "@/db/seed/demo";
import {
  DEMO_GATEWAY_TOKEN_FILE,
  DEMO_KEYS_FILE,
  readDemoGatewayToken,
  readDemoKeys,
} from "@/db/seed/demo-secrets";
import { costMicros, modelCatalogue } from "@/lib/models/catalogue";

// `npm run simulate`: live gateway traffic against a running console, over HTTP only, as a
// gateway sends it: POST /api/v1/authorize for each request (with an estimate, so budgets
// reserve), then the usage of the allowed ones in one POST /api/v1/usage per second, settling
// their reservations. An admin watches the dashboards move. It reads no database: the demo's
// people come from the seed module, the gateway token and key secrets from the data folder.

export interface SimulatorOptions {
  url: string;
  token: string;
  /** API key name → secret. People whose team has no key present the first one (and are denied). */
  keys: ReadonlyMap<string, string>;
  people?: readonly DemoPerson[];
  random?: () => number;
  fetch?: typeof fetch;
}

export interface UsageEventBody {
  eventId: string;
  occurredAt: string;
  memberId: string;
  keyId: string;
  model: string;
  provider: string;
  features: string[];
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  costMicros: number;
  latencyMs: number;
  status: "success" | "error";
  reservationId: string | null;
}

export interface Tally {
  requests: number;
  allowed: number;
  denied: Map<string, number>;
  /** Authorize calls that got no decision: an HTTP status, or `unreachable`. */
  failed: Map<string, number>;
  /** Events the usage API took (durable), and their cost. */
  sent: number;
  sentMicros: number;
  duplicates: number;
  rejected: number;
}

const emptyTally = (): Tally => ({
  requests: 0,
  allowed: 0,
  denied: new Map(),
  failed: new Map(),
  sent: 0,
  sentMicros: 0,
  duplicates: 0,
  rejected: 0,
});

const MAX_BATCH = 1_000;
// A model outside every key's allowed list, asked for now and then: `model_not_allowed`.
const OFF_POLICY_MODEL = "o3";

/** Thrown when the console refuses the gateway token: retrying cannot help. */
export class TokenRefused extends Error {}

export function createSimulator(options: SimulatorOptions) {
  const random = options.random ?? Math.random;
  const send = options.fetch ?? fetch;
  const everyone = options.people ?? demoPeople();
  const withKey = everyone.filter((p) => p.keyName && options.keys.has(p.keyName));
  const withoutKey = everyone.filter((p) => !p.keyName);
  const fallbackKey = options.keys.values().next().value;
  if (!withKey.length || !fallbackKey)
    throw new Error("None of the demo people can use one of the given keys.");
  const prices = new Map(modelCatalogue.map((m) => [m.id, m]));
  const priced = (mix: DemoPerson["models"]) => mix.filter(([model]) => prices.has(model));
  const pending: UsageEventBody[] = [];
  let second = emptyTally();
  const total = emptyTally();
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const weighted = (mix: readonly (readonly [string, number])[]) => {
    let r = random() * mix.reduce((sum, [, w]) => sum + w, 0);
    for (const [value, weight] of mix) if ((r -= weight) < 0) return value;
    return mix[mix.length - 1]![0];
  };
  const count = (kind: "denied" | "failed", key: string) => {
    for (const tally of [second, total]) tally[kind].set(key, (tally[kind].get(key) ?? 0) + 1);
  };
  type Counter = "requests" | "allowed" | "sent" | "sentMicros" | "duplicates" | "rejected";
  const add = (counter: Counter, n = 1) => {
    second[counter] += n;
    total[counter] += n;
  };

  async function post(pathname: string, body: unknown) {
    return send(new URL(pathname, options.url), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${options.token}` },
      body: JSON.stringify(body),
      // A console that stops answering must not hold the loop: the call counts as failed.
      signal: AbortSignal.timeout(10_000),
    });
  }

  /** One request through the gateway: most from people whose team has a key, some from others. */
  async function request(): Promise<void> {
    const person = random() < 0.9 || !withoutKey.length ? pick(withKey) : pick(withoutKey);
    const apiKey = person.keyName ? options.keys.get(person.keyName)! : fallbackKey!;
    const mix = priced(person.models);
    const model = random() < 0.03 || !mix.length ? OFF_POLICY_MODEL : weighted(mix);
    const price = prices.get(model)!;
    const features = person.features.filter(() => random() < 0.4);
    // Context sizes spread over two orders of magnitude, as with chat and agentic coding.
    const inputTokens = Math.round(person.contextTokens * Math.exp(random() * 3.2 - 1.6));
    const outputTokens = int(80, 2_400);
    const cachedTokens = random() < 0.4 ? Math.floor(inputTokens * 0.7) : 0;
    const estimate = costMicros(price, { input: inputTokens, output: 2_400, cached: 0 });
    add("requests");
    let response: Response;
    try {
      response = await post("/api/v1/authorize", {
        apiKey,
        user: { email: person.email },
        model,
        features,
        estimatedCostMicros: Math.max(1, estimate),
      });
    } catch {
      count("failed", "unreachable");
      return;
    }
    if (response.status === 401) throw new TokenRefused(await errorOf(response));
    if (!response.ok) {
      count("failed", String(response.status));
      return;
    }
    const decision = (await response.json()) as
      | { allow: true; memberId: string; keyId: string; reservationId: string | null }
      | { allow: false; reason: string };
    if (!decision.allow) {
      count("denied", decision.reason);
      return;
    }
    add("allowed");
    pending.push({
      eventId: `sim-${randomUUID()}`,
      occurredAt: new Date().toISOString(),
      memberId: decision.memberId,
      keyId: decision.keyId,
      model,
      provider: price.provider,
      features,
      inputTokens,
      outputTokens,
      cachedTokens,
      costMicros: costMicros(price, {
        input: inputTokens,
        output: outputTokens,
        cached: cachedTokens,
      }),
      latencyMs: int(350, 9_000),
      status: random() < 0.015 ? "error" : "success",
      reservationId: decision.reservationId,
    });
  }

  /**
   * Sends the queued usage, up to 1,000 events a call. A 200 makes them durable; any other
   * answer keeps them queued for the next flush, and the event ids make the retry count once.
   */
  async function flush(): Promise<{ retrying: number; error?: string }> {
    let note: string | undefined;
    // What is queued now: requests answered meanwhile wait for the next flush.
    for (let left = pending.length; left > 0;) {
      const batch = pending.slice(0, Math.min(left, MAX_BATCH));
      left -= batch.length;
      let response: Response;
      try {
        response = await post("/api/v1/usage", { events: batch });
      } catch {
        return { retrying: pending.length, error: "unreachable" };
      }
      if (response.status === 401) throw new TokenRefused(await errorOf(response));
      if (!response.ok && response.status !== 400)
        return { retrying: pending.length, error: String(response.status) };
      pending.splice(0, batch.length);
      if (response.status === 400) {
        // The envelope itself was refused: sending it again would be refused again.
        add("rejected", batch.length);
        note = `400: ${await errorOf(response)}`;
        continue;
      }
      const result = (await response.json()) as {
        accepted: number;
        duplicates: number;
        rejected: number;
        results: { accepted: string[]; rejected: { reason: string }[] };
      };
      const accepted = new Set(result.results.accepted);
      add("sent", result.accepted);
      add(
        "sentMicros",
        batch.reduce((sum, e) => sum + (accepted.has(e.eventId) ? e.costMicros : 0), 0),
      );
      add("duplicates", result.duplicates);
      add("rejected", result.rejected);
      if (result.rejected) note = `rejected: ${result.results.rejected[0]!.reason}`;
    }
    return { retrying: 0, error: note };
  }

  /** The tally since the last call, and the running total. */
  function take(): { second: Tally; total: Tally } {
    const taken = second;
    second = emptyTally();
    return { second: taken, total };
  }

  return { request, flush, take, pending: () => pending.length };
}

async function errorOf(response: Response): Promise<string> {
  const body = (await response.json().catch(() => null)) as { error?: string } | null;
  return body?.error ?? `HTTP ${response.status}`;
}

const dollars = (micros: number) =>
  `$${(micros / 1_000_000).toLocaleString("en-US", { minimumFractionDigits: 4, maximumFractionDigits: 4 })}`;

const list = (map: Map<string, number>) =>
  [...map]
    .sort((x, y) => y[1] - x[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");

/** The live line: this second's requests, decisions and spend, then the totals. */
export function formatLine(
  { second, total }: { second: Tally; total: Tally },
  flushed: { retrying: number; error?: string },
  at = new Date(),
): string {
  const deniedCount = [...second.denied.values()].reduce((a, b) => a + b, 0);
  const failedCount = [...second.failed.values()].reduce((a, b) => a + b, 0);
  return [
    at.toISOString().slice(11, 19),
    `${second.requests} requests`,
    `${second.allowed} allowed`,
    `${deniedCount} denied${deniedCount ? ` (${list(second.denied)})` : ""}`,
    ...(failedCount ? [`${failedCount} failed (${list(second.failed)})`] : []),
    `usage sent ${dollars(second.sentMicros)} in ${second.sent} events`,
    ...(flushed.retrying ? [`${flushed.retrying} to retry (${flushed.error})`] : []),
    ...(!flushed.retrying && flushed.error ? [flushed.error] : []),
    `total ${total.requests} requests, ${dollars(total.sentMicros)}`,
  ].join("  ");
}

export interface CliOptions {
  url: string;
  rps: number;
  /** Seconds; 0 runs until Ctrl-C. */
  duration: number;
  token: string | null;
}

export function parseCli(
  argv: string[],
  env: Record<string, string | undefined>,
): CliOptions | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: "string" },
      rps: { type: "string" },
      duration: { type: "string" },
      token: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return "help";
  const rps = Number(values.rps ?? 5);
  const duration = Number(values.duration ?? 0);
  if (!(rps > 0 && rps <= 1_000)) throw new Error("--rps must be a number above 0, at most 1000.");
  if (!(duration >= 0)) throw new Error("--duration must be a number of seconds, 0 for no end.");
  return {
    url: values.url ?? `http://localhost:${env.PORT || "3000"}`,
    rps,
    duration,
    token: values.token ?? env.GATEHOUSE_GATEWAY_TOKEN ?? null,
  };
}

const usage = `npm run simulate [-- --url http://localhost:3000 --rps 5 --duration 0 --token ghg_…]

  --url       the console (default http://localhost:$PORT, else 3000)
  --rps       requests per second (default 5)
  --duration  seconds to run (default 0: until Ctrl-C)
  --token     a gateway token of Acme (default $GATEHOUSE_GATEWAY_TOKEN, else the one npm start
              kept in .data/${DEMO_GATEWAY_TOKEN_FILE} when it seeded the demo)`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

async function main() {
  const { demoSecretsDir, loadEnvironment, say } = await import("./setup");
  const log = (message: string) => say(`simulate: ${message}`);
  loadEnvironment();
  let cli: CliOptions | "help";
  try {
    cli = parseCli(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
    process.exit(2);
  }
  if (cli === "help") {
    console.log(usage);
    return;
  }
  const secrets = demoSecretsDir();
  const relative = path.relative(process.cwd(), secrets);
  const where = relative.startsWith("..") ? secrets : relative || ".";
  const token = cli.token ?? readDemoGatewayToken(secrets);
  const keys = readDemoKeys(secrets)?.filter((k) => k.org === "acme");
  if (!token || !keys?.length) {
    log(
      `no ${token ? `demo keys (${where}/${DEMO_KEYS_FILE})` : `gateway token (${where}/${DEMO_GATEWAY_TOKEN_FILE}, --token or GATEHOUSE_GATEWAY_TOKEN)`}. ` +
        "npm start writes both when it seeds an empty embedded database, as npm run db:reset does (with the console stopped).",
    );
    process.exit(1);
  }
  const simulator = createSimulator({
    url: cli.url,
    token,
    keys: new Map(keys.map((k) => [k.name, k.secret])),
  });

  let stopping = false;
  let wake: () => void = () => {};
  const stop = new Promise<void>((resolve) => (wake = resolve));
  const halt = () => {
    stopping = true;
    wake();
  };
  const onSignal = () => {
    if (stopping) process.exit(130);
    halt();
    log("stopping: sending the usage still queued (Ctrl-C again to quit at once)");
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  log(
    `${cli.rps} requests/s to ${cli.url}${cli.duration ? ` for ${cli.duration} s` : ", Ctrl-C to stop"}`,
  );
  const started = Date.now();
  const inFlight = new Set<Promise<void>>();
  // Set from the request and flush loops; read once both have stopped.
  let fatal = null as Error | null;
  const guard = <T>(work: Promise<T>): Promise<T | undefined> =>
    work.catch((error: unknown) => {
      fatal ??= error instanceof Error ? error : new Error(String(error));
      halt();
      return undefined;
    });

  // Requests at a steady rate, never more than a few seconds' worth waiting on a slow console.
  const requests = (async () => {
    for (let n = 0; !stopping; n++) {
      if (cli.duration && Date.now() - started >= cli.duration * 1000) break;
      if (inFlight.size < Math.max(10, cli.rps * 5)) {
        const work: Promise<void> = guard(simulator.request()).then(() => {
          inFlight.delete(work);
        });
        inFlight.add(work);
      }
      await Promise.race([sleep(started + ((n + 1) * 1000) / cli.rps - Date.now()), stop]);
    }
  })();

  // Once a second: the queued usage in one call, and the live line.
  for (let tick = 1; !stopping; tick++) {
    await Promise.race([sleep(started + tick * 1000 - Date.now()), stop]);
    if (stopping) break;
    const flushed = await guard(simulator.flush());
    if (flushed) console.log(formatLine(simulator.take(), flushed));
    if (cli.duration && Date.now() - started >= cli.duration * 1000) halt();
  }
  await requests;
  await Promise.all(inFlight);
  if (fatal) {
    log(
      fatal instanceof TokenRefused
        ? `the console refused the gateway token ("${fatal.message}"). Was the database reset? Pass --token ghg_… with a gateway token of Acme (Settings → Gateway tokens).`
        : `stopped: ${fatal.message}`,
    );
    process.exit(1);
  }
  // What the loop left queued: a few more tries, as a gateway would.
  const lastFlush = () =>
    simulator.flush().catch((e: Error) => ({ retrying: simulator.pending(), error: e.message }));
  let flushed = await lastFlush();
  for (let attempt = 0; attempt < 3 && flushed.retrying > 0; attempt++) {
    await sleep(1_000);
    flushed = await lastFlush();
  }
  const last = simulator.take();
  if (last.second.requests || last.second.sent || flushed.retrying || flushed.error)
    console.log(formatLine(last, flushed));
  const { total } = last;
  log(
    `${total.requests} requests, ${total.allowed} allowed, usage of ${total.sent} sent (${dollars(total.sentMicros)})` +
      (simulator.pending()
        ? `; ${simulator.pending()} events not delivered (${flushed.error})`
        : ""),
  );
  process.exit(0);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href)
  await main();

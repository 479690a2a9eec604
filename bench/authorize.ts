import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Connection } from "@/db/connect";
import {
  budgetReservations,
  groupMembers,
  groupMembershipHistory,
  groups,
  orgMembers,
  users,
} from "@/db/schema";
import { insertApiKey, insertGroup, insertOrg } from "@/db/seed/builders";
import { authorize } from "@/lib/access/authorize";
import type { Actor } from "@/lib/auth/actor";
import { hashSecret } from "@/lib/keys/secret";

// The gateway's hot path in a 2,000-person organisation with 40 groups (a root, 7 departments,
// 32 teams; each member in one team) and a key assigned to the root, so that every member reaches
// it two levels up. authorize() called one at a time (latency percentiles) and by 20 concurrent
// callers (throughput), without and then with a reservation against a hard group budget. The
// baseline, in the same database and run: the bare lookup of the key by its secret's hash.

const MEMBERS = 2_000;
const CALLS = 2_000;
const CONCURRENT = 20;
const WARM_UP = 200;

interface Figures {
  p50: number;
  p95: number;
  p99: number;
  ms: number;
}

/** CALLS calls of `call(i)` from `callers` callers at once, each call timed, after a warm-up. */
async function measure(callers: number, call: (i: number) => Promise<void>): Promise<Figures> {
  for (let i = 0; i < WARM_UP; i++) await call(i);
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (next < CALLS) {
        const i = next++;
        const callStart = performance.now();
        await call(i);
        latencies.push(performance.now() - callStart);
      }
    }),
  );
  const ms = performance.now() - start;
  latencies.sort((x, y) => x - y);
  const percentile = (p: number) => +latencies[Math.ceil(p * latencies.length) - 1]!.toFixed(2);
  return { p50: percentile(0.5), p95: percentile(0.95), p99: percentile(0.99), ms };
}

export async function benchAuthorize(connection: Connection) {
  const { db } = connection;
  const org = await insertOrg(db, { name: "Gateway", slug: `gateway-${Date.now()}` });
  const root = await insertGroup(db, { orgId: org.id, name: "Company", kind: "department" });
  const group = async (name: string, parentId: string) =>
    (await insertGroup(db, { orgId: org.id, name, kind: "department", parentId })).id;
  const departments: string[] = [];
  for (let d = 0; d < 7; d++) departments.push(await group(`Dept ${d}`, root.id));
  const teams: string[] = [];
  for (let t = 0; t < 32; t++) teams.push(await group(`Team ${t}`, departments[t % 7]!));
  const userRows = await db
    .insert(users)
    .values(
      Array.from({ length: MEMBERS }, (_, i) => ({
        email: `p${i}@${org.slug}.test`,
        name: `Person ${i}`,
      })),
    )
    .returning({ id: users.id });
  const memberRows = await db
    .insert(orgMembers)
    .values(userRows.map((u) => ({ orgId: org.id, userId: u.id })))
    .returning({ id: orgMembers.id });
  const memberships = memberRows.map((m, i) => ({
    orgId: org.id,
    groupId: teams[i % teams.length]!,
    memberId: m.id,
  }));
  await db.insert(groupMembers).values(memberships);
  await db
    .insert(groupMembershipHistory)
    .values(memberships.map((m) => ({ ...m, validFrom: new Date() })));
  const { secret } = await insertApiKey(db, {
    orgId: org.id,
    name: "gateway",
    features: ["streaming"],
    policy: { allowedModels: [], fallbackModels: [], loadBalancing: "none", weights: {} },
    groupIds: [root.id],
  });
  const gateway: Actor = { kind: "gateway", tokenId: "bench", orgId: org.id, label: "bench" };

  const secretHash = hashSecret(secret);
  const lookUp = async () => {
    await db.execute(sql`select id from api_keys where secret_hash = ${secretHash}`);
  };
  const ask = (estimatedCostMicros?: number) => async (i: number) => {
    const decision = await authorize(db, gateway, {
      apiKey: secret,
      user: { email: `p${i % MEMBERS}@${org.slug}.test` },
      model: "gpt-4o",
      features: ["streaming"],
      estimatedCostMicros,
    });
    // A denial takes a shorter path: figures for it would flatter the hot path.
    if (!decision.allow) throw new Error(`bench call denied: ${decision.reason}`);
  };

  const baseline = await measure(1, lookUp);
  const baselineConcurrent = await measure(CONCURRENT, lookUp);
  const plain = await measure(1, ask());
  const plainConcurrent = await measure(CONCURRENT, ask());
  await db
    .update(groups)
    .set({ budgetMode: "hard", monthlyBudgetMicros: 1_000_000_000_000 })
    .where(eq(groups.id, root.id));
  const reserving = await measure(1, ask(1_000));
  const reservingConcurrent = await measure(CONCURRENT, ask(1_000));
  const [open] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(budgetReservations)
    .where(
      and(
        eq(budgetReservations.orgId, org.id),
        isNull(budgetReservations.settledAt),
        gt(budgetReservations.expiresAt, new Date()),
      ),
    );

  const row = (label: string, f: Figures, base: Figures) => ({
    case: label,
    p50Ms: f.p50,
    p95Ms: f.p95,
    p99Ms: f.p99,
    callsPerSecond: Math.round((CALLS / f.ms) * 1000),
    ratio: +(f.ms / base.ms).toFixed(2),
  });
  const reservations = `${open!.count.toLocaleString("en-US")} reservations open at the end`;
  return [
    row("key lookup by secret hash, sequential (baseline)", baseline, baseline),
    row("authorize, sequential", plain, baseline),
    row("authorize + estimate, hard group budget, sequential", reserving, baseline),
    row(
      `key lookup, ${CONCURRENT} concurrent callers (baseline)`,
      baselineConcurrent,
      baselineConcurrent,
    ),
    row(`authorize, ${CONCURRENT} concurrent callers`, plainConcurrent, baselineConcurrent),
    row(
      `authorize + estimate, hard group budget, ${CONCURRENT} concurrent (${reservations})`,
      reservingConcurrent,
      baselineConcurrent,
    ),
  ];
}

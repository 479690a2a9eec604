import type { Db } from "@/db/connect";
import {
  budgetWindows,
  groupMembers,
  groupMembershipHistory,
  orgMembers,
  rateLimits,
  users,
} from "@/db/schema";
import { insertApiKey, insertGroup, insertOrg } from "@/db/seed/builders";
import { systemActor } from "@/lib/auth/actor";
import { createGatewayToken } from "@/lib/gateway/tokens";
import { ingestUsage } from "@/lib/spend/ingest";

// The organisation the gateway benchmark asks about, as bench/authorize.ts builds it: 2,000
// people in 32 teams under 7 departments under one root, an open key on the root (every member
// reaches it two levels up, no limit applies). Beside it, 200 contractors in a group no key is
// assigned to (denied: no_group_access), and 200 people in a group with a hard monthly budget
// and a key of its own (allowed with a reservation), with 20,000 usage events this month so the
// budget's sums are not empty. Then 200 people whose key counts against three rate limits, and
// 200 whose group has two hard budget windows (a day and 7 days, in Europe/Berlin) over a week of
// usage.

export const MEMBERS = 2_000;
export const CONTRACTORS = 200;
export const BUDGETED = 200;
export const RATE_LIMITED = 200;
export const WINDOWED = 200;

export interface GatewayFixture {
  orgId: string;
  token: string;
  openKey: string;
  budgetedKey: string;
  budgetedKeyId: string;
  openKeyId: string;
  /** A key whose every request counts against three rate limits (none of them reached). */
  limitedKey: string;
  /** A key whose group has a hard daily and a hard 7-day budget window (neither reached). */
  windowedKey: string;
  slug: string;
  memberIds: string[];
}

type Kind = "p" | "c" | "b" | "r" | "w";

export const emailOf = (slug: string, kind: Kind, i: number) => `${kind}${i}@${slug}.test`;

const policy = {
  allowedModels: [],
  fallbackModels: [],
  loadBalancing: "none" as const,
  weights: {},
};

async function people(db: Db, orgId: string, slug: string, kind: Kind, count: number) {
  const userRows = await db
    .insert(users)
    .values(
      Array.from({ length: count }, (_, i) => ({
        email: emailOf(slug, kind, i),
        name: `${kind.toUpperCase()} ${i}`,
      })),
    )
    .returning({ id: users.id });
  const memberRows = await db
    .insert(orgMembers)
    .values(userRows.map((u) => ({ orgId, userId: u.id })))
    .returning({ id: orgMembers.id });
  return memberRows.map((m) => m.id);
}

async function join(db: Db, orgId: string, memberIds: string[], groupOf: (i: number) => string) {
  const rows = memberIds.map((memberId, i) => ({ orgId, groupId: groupOf(i), memberId }));
  const since = new Date(Date.now() - 86_400_000);
  await db.insert(groupMembers).values(rows);
  await db.insert(groupMembershipHistory).values(rows.map((r) => ({ ...r, validFrom: since })));
}

export async function seedGatewayFixture(db: Db): Promise<GatewayFixture> {
  const slug = `gateway-${Date.now()}`;
  const org = await insertOrg(db, { name: "Gateway", slug, timeZone: "Europe/Berlin" });
  const root = await insertGroup(db, { orgId: org.id, name: "Company", kind: "department" });
  const departments: { id: string }[] = [];
  for (let d = 0; d < 7; d++)
    departments.push(
      await insertGroup(db, {
        orgId: org.id,
        name: `Dept ${d}`,
        kind: "department",
        parentId: root.id,
      }),
    );
  const teams: { id: string }[] = [];
  for (let t = 0; t < 32; t++)
    teams.push(
      await insertGroup(db, {
        orgId: org.id,
        name: `Team ${t}`,
        kind: "department",
        parentId: departments[t % 7]!.id,
      }),
    );
  const contractors = await insertGroup(db, { orgId: org.id, name: "Contractors", kind: "custom" });
  const memberIds = await people(db, org.id, slug, "p", MEMBERS);
  await join(db, org.id, memberIds, (i) => teams[i % teams.length]!.id);
  await join(db, org.id, await people(db, org.id, slug, "c", CONTRACTORS), () => contractors.id);
  const open = await insertApiKey(db, {
    orgId: org.id,
    name: "open",
    features: ["streaming"],
    policy,
    groupIds: [root.id],
  });

  /** A project group of `count` new people (emails of `kind`) and a key of its own for it. */
  const project = async (name: string, kind: Kind, count: number, budget: object = {}) => {
    const group = await insertGroup(db, { orgId: org.id, name, kind: "project", ...budget });
    const members = await people(db, org.id, slug, kind, count);
    await join(db, org.id, members, () => group.id);
    const { key, secret } = await insertApiKey(db, {
      orgId: org.id,
      name: name.toLowerCase(),
      features: ["streaming"],
      policy,
      groupIds: [group.id],
    });
    return { group, members, key, secret };
  };
  const research = await project("Research", "b", BUDGETED, {
    budgetMode: "hard",
    monthlyBudgetMicros: 1_000_000_000_000_000,
  });
  const limited = await project("Limited", "r", RATE_LIMITED);
  // High enough never to refuse in a run: what is measured is the counting.
  await db.insert(rateLimits).values([
    { orgId: org.id, keyId: limited.key.id, requestsPerMinute: 10_000_000 },
    { orgId: org.id, groupId: limited.group.id, perMember: true, requestsPerMinute: 1_000_000 },
    { orgId: org.id, groupId: limited.group.id, requestsPerDay: 10_000_000 },
  ]);
  const windowed = await project("Windowed", "w", WINDOWED);
  await db.insert(budgetWindows).values([
    { orgId: org.id, groupId: windowed.group.id, period: "day", amountMicros: 1e15 },
    { orgId: org.id, groupId: windowed.group.id, period: "days", days: 7, amountMicros: 1e15 },
  ]);

  const actor = systemActor(org.id, "Benchmark");
  const token = await createGatewayToken(db, actor, { name: "bench" });
  const now = Date.now();
  /** `batches` × `size` events of a project's key, the i-th `ago(i)` ms before now. */
  const seed = async (
    of: Awaited<ReturnType<typeof project>>,
    batches: number,
    size: number,
    ago: (i: number) => number,
  ) => {
    for (let b = 0; b < batches; b++)
      await ingestUsage(
        db,
        actor,
        Array.from({ length: size }, (_, i) => ({
          eventId: `${of.key.name}-${b}-${i}`,
          occurredAt: new Date(now - ago(b * size + i)),
          memberId: of.members[i % of.members.length]!,
          keyId: of.key.id,
          model: "gpt-4o",
          inputTokens: 1_000,
          outputTokens: 200,
          costMicros: 1_500,
        })),
      );
  };
  // This month's spend for the hard budget: 20,000 events in the last hour.
  await seed(research, 20, 1_000, (i) => (i % 3_600) * 1_000);
  // A week of the windowed group's usage, every 30 s: 20,160 events, a quarter-hour row each 30.
  await seed(windowed, 21, 960, (i) => i * 30_000);
  return {
    orgId: org.id,
    token: token.secret,
    openKey: open.secret,
    budgetedKey: research.secret,
    budgetedKeyId: research.key.id,
    limitedKey: limited.secret,
    windowedKey: windowed.secret,
    openKeyId: open.key.id,
    slug,
    memberIds,
  };
}

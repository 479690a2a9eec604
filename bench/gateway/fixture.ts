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
  const budgeted = await insertGroup(db, {
    orgId: org.id,
    name: "Research",
    kind: "project",
    budgetMode: "hard",
    monthlyBudgetMicros: 1_000_000_000_000_000,
  });

  const memberIds = await people(db, org.id, slug, "p", MEMBERS);
  await join(db, org.id, memberIds, (i) => teams[i % teams.length]!.id);
  await join(db, org.id, await people(db, org.id, slug, "c", CONTRACTORS), () => contractors.id);
  const researchers = await people(db, org.id, slug, "b", BUDGETED);
  await join(db, org.id, researchers, () => budgeted.id);

  const open = await insertApiKey(db, {
    orgId: org.id,
    name: "open",
    features: ["streaming"],
    policy,
    groupIds: [root.id],
  });
  const research = await insertApiKey(db, {
    orgId: org.id,
    name: "research",
    features: ["streaming"],
    policy,
    groupIds: [budgeted.id],
  });
  const limitedGroup = await insertGroup(db, {
    orgId: org.id,
    name: "Rate limited",
    kind: "project",
  });
  await join(db, org.id, await people(db, org.id, slug, "r", RATE_LIMITED), () => limitedGroup.id);
  const limited = await insertApiKey(db, {
    orgId: org.id,
    name: "limited",
    features: ["streaming"],
    policy,
    groupIds: [limitedGroup.id],
  });
  // High enough never to refuse in a run: what is measured is the counting.
  await db.insert(rateLimits).values([
    { orgId: org.id, keyId: limited.key.id, requestsPerMinute: 10_000_000 },
    { orgId: org.id, groupId: limitedGroup.id, perMember: true, requestsPerMinute: 1_000_000 },
    { orgId: org.id, groupId: limitedGroup.id, requestsPerDay: 10_000_000 },
  ]);
  const windowedGroup = await insertGroup(db, { orgId: org.id, name: "Windowed", kind: "project" });
  const windowedPeople = await people(db, org.id, slug, "w", WINDOWED);
  await join(db, org.id, windowedPeople, () => windowedGroup.id);
  const windowed = await insertApiKey(db, {
    orgId: org.id,
    name: "windowed",
    features: ["streaming"],
    policy,
    groupIds: [windowedGroup.id],
  });
  await db.insert(budgetWindows).values([
    { orgId: org.id, groupId: windowedGroup.id, period: "day", amountMicros: 1e15 },
    { orgId: org.id, groupId: windowedGroup.id, period: "days", days: 7, amountMicros: 1e15 },
  ]);
  const actor = systemActor(org.id, "Benchmark");
  const token = await createGatewayToken(db, actor, { name: "bench" });
  const now = Date.now();
  for (let b = 0; b < 20; b++)
    await ingestUsage(
      db,
      actor,
      Array.from({ length: 1_000 }, (_, i) => ({
        eventId: `seed-${b}-${i}`,
        occurredAt: new Date(now - ((b * 1_000 + i) % 3_600) * 1_000),
        memberId: researchers[i % BUDGETED]!,
        keyId: research.key.id,
        model: "gpt-4o",
        inputTokens: 1_000,
        outputTokens: 200,
        costMicros: 1_500,
      })),
    );
  // A week of the windowed group's usage, every 30 s: 20,160 events, a quarter-hour row each 30.
  for (let b = 0; b < 21; b++)
    await ingestUsage(
      db,
      actor,
      Array.from({ length: 960 }, (_, i) => ({
        eventId: `windowed-${b}-${i}`,
        occurredAt: new Date(now - (b * 960 + i) * 30_000),
        memberId: windowedPeople[i % WINDOWED]!,
        keyId: windowed.key.id,
        model: "gpt-4o",
        inputTokens: 1_000,
        outputTokens: 200,
        costMicros: 1_500,
      })),
    );
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

import { lt } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { type GroupKind, budgetAlerts } from "@/db/schema";
import { type Actor, systemActor } from "@/lib/auth/actor";
import { decideReviewItems } from "@/lib/reviews/decide";
import { reviewItems } from "@/lib/reviews/queries";
import { startAccessReview } from "@/lib/reviews/start";
import { detectSpendAnomalies } from "@/lib/spend/anomalies";
import { ingestUsage } from "@/lib/spend/ingest";
import type { UsageEventInput } from "@/lib/spend/usage-event";
import { ensureUsagePartitions } from "@/lib/spend/partitions";
import { addMonthsUtc, startOfMonthUtc, toIsoDay } from "@/lib/time";
import {
  endMembership,
  insertApiKey,
  insertGroup,
  insertMember,
  insertMembership,
  insertOrg,
  insertUser,
} from "./builders";
import { DEMO_ADMIN, DEMO_MEMBER, DEMO_OTHER_ORG_ADMIN } from "./demo-credentials";
import { firstNames, lastNames } from "./names";
import { type Random, seededRandom } from "./random";

// The demo organisations: Acme, a company of about 150 people organised as real companies
// are, with six months of usage; and Globex, a small second organisation, so tenancy shows.
// Everything is written in one transaction: a demo is there completely or not at all.

const DAY = 86_400_000;
const dollars = (n: number) => n * 1_000_000;

type ModelMix = readonly (readonly [string, number])[];

interface TeamSpec {
  name: string;
  parent?: string;
  kind: GroupKind;
  description: string;
  size: number;
  key?: "eng" | "marketing";
  models?: ModelMix;
  budget?: { micros: number; mode: "soft" | "hard" };
}

const teams: TeamSpec[] = [
  {
    name: "Engineering",
    kind: "department",
    description: "Everyone who builds the product.",
    size: 3,
    key: "eng",
    models: [
      ["claude-sonnet-4-5", 5],
      ["gpt-4.1", 3],
    ],
    budget: { micros: dollars(650), mode: "soft" },
  },
  {
    name: "Backend Engineers",
    parent: "Engineering",
    kind: "department",
    description: "APIs, data and services.",
    size: 34,
    key: "eng",
    models: [
      ["claude-sonnet-4-5", 45],
      ["gpt-4.1", 25],
      ["gpt-4o", 15],
      ["claude-opus-4-1", 3],
    ],
    budget: { micros: dollars(250), mode: "soft" },
  },
  {
    name: "Frontend Engineers",
    parent: "Engineering",
    kind: "department",
    description: "Web and mobile clients.",
    size: 24,
    key: "eng",
    models: [
      ["gpt-4o", 40],
      ["claude-sonnet-4-5", 40],
      ["gpt-4.1", 20],
    ],
    budget: { micros: dollars(160), mode: "soft" },
  },
  {
    name: "DevOps Engineers",
    parent: "Engineering",
    kind: "department",
    description: "Infrastructure, CI and on-call.",
    size: 12,
    key: "eng",
    models: [
      ["gpt-4.1", 60],
      ["claude-sonnet-4-5", 40],
    ],
  },
  {
    name: "Marketing",
    kind: "department",
    description: "Brand, content and campaigns.",
    size: 2,
    key: "marketing",
    models: [["gpt-4o-mini", 1]],
    budget: { micros: dollars(8), mode: "soft" },
  },
  {
    name: "Content Team",
    parent: "Marketing",
    kind: "department",
    description: "Blog, docs and newsletters.",
    size: 14,
    key: "marketing",
    models: [["gpt-4o-mini", 1]],
  },
  {
    name: "Design Team",
    parent: "Marketing",
    kind: "department",
    description: "Product and brand design.",
    size: 10,
    key: "marketing",
    models: [["gpt-4o-mini", 1]],
  },
  { name: "Sales", kind: "department", description: "New business and accounts.", size: 3 },
  {
    name: "Sales Reps",
    parent: "Sales",
    kind: "department",
    description: "Account executives and SDRs.",
    size: 26,
  },
  {
    name: "Sales Engineers",
    parent: "Sales",
    kind: "department",
    description: "Pre-sales technical experts.",
    size: 10,
  },
];

// The seed's random sequence: the same people, memberships and history on every machine.
const DEMO_RANDOM_SEED = 20261128;
const acmeKeys = {
  eng: { name: "eng-prod-key", features: ["streaming", "structured-outputs", "reasoning"] },
  marketing: { name: "marketing-key", features: ["prompt-library", "auto-caching"] },
};

export interface DemoSeedResult {
  acmeOrgId: string;
  globexOrgId: string;
  members: number;
  events: number;
  /** The demo keys' secrets, which only their hashes are stored for: never print them. */
  apiKeys: { org: "acme" | "globex"; name: string; secret: string }[];
}

export interface DemoPerson {
  email: string;
  name: string;
  /** The team they were seeded into; null for Acme's people in no group. */
  team: string | null;
  /** The Acme key their team is granted, and its features; null where no key is granted. */
  keyName: string | null;
  features: readonly string[];
  models: ModelMix;
  /** Typical input tokens per request. */
  contextTokens: number;
}

/**
 * Acme's people as the seed creates them (the same names from the same random sequence, in the
 * same teams), with the key each can use: for the traffic simulator, which reads no database.
 */
export function demoPeople(): DemoPerson[] {
  const people = makePeople(seededRandom(DEMO_RANDOM_SEED), 160);
  const staffed: DemoPerson[] = [];
  let next = 0;
  for (const team of teams) {
    for (let i = 0; i < team.size; i++) {
      staffed.push({
        ...people[next++]!,
        team: team.name,
        keyName: team.key ? acmeKeys[team.key].name : null,
        features: team.key ? acmeKeys[team.key].features : [],
        models: team.models ?? [],
        contextTokens: team.key === "eng" ? 12_000 : 2_500,
      });
    }
  }
  const frontend = teams.find((t) => t.name === "Frontend Engineers")!;
  return [
    ...staffed,
    ...people.slice(next, next + 8).map((p) => ({
      ...p,
      team: null,
      keyName: null,
      features: [],
      models: [],
      contextTokens: 2_500,
    })),
    {
      email: DEMO_ADMIN.email,
      name: "Dana Whitfield",
      team: "Admins",
      keyName: null,
      features: [],
      models: [],
      contextTokens: 2_500,
    },
    {
      email: DEMO_MEMBER.email,
      name: "Sam Rivera",
      team: frontend.name,
      keyName: acmeKeys.eng.name,
      features: acmeKeys.eng.features,
      models: frontend.models!,
      contextTokens: 12_000,
    },
  ];
}

/**
 * This quarter's access review of every group, started by Dana three days ago and due in eleven,
 * removals at the end: Backend Engineers kept, and in the Content Team the sales rep who never
 * used its key marked for removal (the same person the recommendations point at).
 */
async function seedAccessReview(
  tx: Db,
  s: { actor: Actor; idleRep: string; contentTeam: string; backend: string; now: Date },
) {
  const started = new Date(s.now.getTime() - 3 * DAY);
  const { id } = await startAccessReview(
    tx,
    s.actor,
    {
      name: `Access review Q${Math.floor(s.now.getUTCMonth() / 3) + 1} ${s.now.getUTCFullYear()}`,
      dueOn: toIsoDay(new Date(s.now.getTime() + 11 * DAY)),
      includeKeys: true,
      reviewerMemberId: s.actor.kind === "user" ? s.actor.memberId : "",
      applyMode: "at_end",
    },
    started,
  );
  const decide = async (
    groupId: string,
    pick: (memberId: string | null) => boolean,
    decision: "keep" | "remove",
    note = "",
  ) => {
    const { items } = await reviewItems(tx, s.actor, id, { groupId });
    const itemIds = items.filter((i) => pick(i.memberId)).map((i) => i.id);
    if (itemIds.length)
      await decideReviewItems(
        tx,
        s.actor,
        { reviewId: id, itemIds, decision, note },
        new Date(started.getTime() + DAY),
      );
  };
  await decide(s.backend, () => true, "keep");
  await decide(
    s.contentTeam,
    (m) => m === s.idleRep,
    "remove",
    "Sales rep; has never used the marketing key",
  );
  await decide(s.contentTeam, (m) => m !== s.idleRep, "keep");
}

export async function seedDemo(
  db: Db,
  options: { now?: Date; log?: (message: string) => void } = {},
): Promise<DemoSeedResult> {
  const now = options.now ?? new Date();
  const log = options.log ?? (() => {});
  return db.transaction(async (tx) => {
    const random = seededRandom(DEMO_RANDOM_SEED);
    const acme = await insertOrg(tx, { name: "Acme", slug: "acme" });
    const globex = await insertOrg(tx, { name: "Globex", slug: "globex" });
    const longAgo = new Date(now.getTime() - 400 * DAY);

    // The people who sign in to the demo.
    const dana = await insertUser(tx, {
      email: DEMO_ADMIN.email,
      name: "Dana Whitfield",
      password: DEMO_ADMIN.password,
    });
    const sam = await insertUser(tx, {
      email: DEMO_MEMBER.email,
      name: "Sam Rivera",
      password: DEMO_MEMBER.password,
    });
    const grace = await insertUser(tx, {
      email: DEMO_OTHER_ORG_ADMIN.email,
      name: "Grace Liu",
      password: DEMO_OTHER_ORG_ADMIN.password,
    });
    const danaAcme = await insertMember(tx, {
      orgId: acme.id,
      userId: dana.id,
      role: "owner",
      createdAt: longAgo,
    });
    const samAcme = await insertMember(tx, {
      orgId: acme.id,
      userId: sam.id,
      role: "member",
      createdAt: longAgo,
    });

    log("Acme: groups");
    const groupIds = new Map<string, string>();
    for (const team of teams) {
      const group = await insertGroup(tx, {
        orgId: acme.id,
        name: team.name,
        kind: team.kind,
        description: team.description,
        parentId: team.parent ? groupIds.get(team.parent) : null,
        monthlyBudgetMicros: team.budget?.micros ?? null,
        budgetMode: team.budget?.mode ?? "soft",
      });
      groupIds.set(team.name, group.id);
    }
    const productA = await insertGroup(tx, {
      orgId: acme.id,
      name: "Product A Team",
      kind: "project",
      description: "Cross-functional launch team for Product A, until launch.",
      endsAt: new Date(now.getTime() + 24 * DAY),
      monthlyBudgetMicros: dollars(55),
      budgetMode: "hard",
    });
    const research = await insertGroup(tx, {
      orgId: acme.id,
      name: "Research Division",
      kind: "function",
      description: "Applied research and evaluations.",
      monthlyBudgetMicros: dollars(80),
      budgetMode: "soft",
    });
    const beta = await insertGroup(tx, {
      orgId: acme.id,
      name: "Beta Testers",
      kind: "function",
      description: "Early access to new models and features.",
    });
    const admins = await insertGroup(tx, {
      orgId: acme.id,
      name: "Admins",
      kind: "function",
      description: "People who administer Gatehouse and the gateway.",
    });

    log("Acme: people and memberships");
    const people = makePeople(random, 160);
    const staff: { memberId: string; team: TeamSpec; joined: Date; activity: number }[] = [];
    let next = 0;
    for (const team of teams) {
      for (let i = 0; i < team.size; i++) {
        const person = people[next++]!;
        // Most people have been here all along; some joined in the last months.
        const joined =
          random.next() < 0.1 ? new Date(now.getTime() - random.int(10, 120) * DAY) : longAgo;
        const user = await insertUser(tx, person);
        const member = await insertMember(tx, {
          orgId: acme.id,
          userId: user.id,
          role: "member",
          createdAt: joined,
        });
        await insertMembership(tx, {
          orgId: acme.id,
          groupId: groupIds.get(team.name)!,
          memberId: member.id,
          since: joined,
        });
        // A few heavy users; most are moderate; some barely use it.
        const activity =
          random.weighted([
            [0.5, 25],
            [4, 55],
            [9, 14],
            [30, 6],
          ] as const) *
          (0.7 + random.next() * 0.6);
        staff.push({ memberId: member.id, team, joined, activity });
      }
    }
    // Finance and people-ops staff who are in no group.
    for (const person of people.slice(next, next + 8)) {
      const user = await insertUser(tx, person);
      await insertMember(tx, {
        orgId: acme.id,
        userId: user.id,
        role: "member",
        createdAt: longAgo,
      });
    }
    // Dana administers; Sam builds the web app.
    await insertMembership(tx, {
      orgId: acme.id,
      groupId: admins.id,
      memberId: danaAcme.id,
      since: longAgo,
    });
    await insertMembership(tx, {
      orgId: acme.id,
      groupId: groupIds.get("Frontend Engineers")!,
      memberId: samAcme.id,
      since: longAgo,
    });
    staff.push({
      memberId: samAcme.id,
      team: teams.find((t) => t.name === "Frontend Engineers")!,
      joined: longAgo,
      activity: 3,
    });

    const inTeam = (name: string) => staff.filter((s) => s.team.name === name);
    const sample = <T>(items: T[], n: number) =>
      [...items].sort(() => random.next() - 0.5).slice(0, n);
    const productStart = new Date(now.getTime() - 75 * DAY);
    for (const s of [
      ...sample(inTeam("Backend Engineers"), 4),
      ...sample(inTeam("Frontend Engineers"), 4),
      ...sample(inTeam("Design Team"), 2),
    ]) {
      await insertMembership(tx, {
        orgId: acme.id,
        groupId: productA.id,
        memberId: s.memberId,
        since: productStart,
      });
    }
    for (const s of [
      ...sample(inTeam("Backend Engineers"), 6),
      ...sample(inTeam("DevOps Engineers"), 2),
    ]) {
      await insertMembership(tx, {
        orgId: acme.id,
        groupId: research.id,
        memberId: s.memberId,
        since: s.joined,
      });
    }
    for (const s of sample(staff, 15)) {
      await insertMembership(tx, {
        orgId: acme.id,
        groupId: beta.id,
        memberId: s.memberId,
        since: s.joined,
      });
    }
    for (const s of sample(inTeam("DevOps Engineers"), 3)) {
      await insertMembership(tx, {
        orgId: acme.id,
        groupId: admins.id,
        memberId: s.memberId,
        since: longAgo,
      });
    }
    // Two people changed teams two months ago: their earlier spend stays with their old team.
    const moveDate = new Date(now.getTime() - 61 * DAY);
    for (const s of sample(
      inTeam("Frontend Engineers").filter((x) => x.memberId !== samAcme.id && x.joined === longAgo),
      2,
    )) {
      await endMembership(tx, {
        groupId: groupIds.get("Frontend Engineers")!,
        memberId: s.memberId,
        at: moveDate,
      });
      await insertMembership(tx, {
        orgId: acme.id,
        groupId: groupIds.get("Backend Engineers")!,
        memberId: s.memberId,
        since: moveDate,
      });
    }

    log("Acme: API keys");
    const engKey = await insertApiKey(tx, {
      orgId: acme.id,
      name: acmeKeys.eng.name,
      features: acmeKeys.eng.features,
      policy: {
        allowedModels: ["gpt-4.1", "gpt-4o", "claude-sonnet-4-5", "claude-opus-4-1"],
        fallbackModels: ["claude-sonnet-4-5", "gpt-4.1"],
        loadBalancing: "lowest-latency",
        weights: {},
      },
      groupIds: [groupIds.get("Engineering")!],
      createdAt: longAgo,
    });
    const marketingKey = await insertApiKey(tx, {
      orgId: acme.id,
      name: acmeKeys.marketing.name,
      // Reasoning and GPT-4.1 mini were enabled "in case" and never used: the recommendations
      // advise taking them off.
      features: [...acmeKeys.marketing.features, "reasoning"],
      policy: {
        allowedModels: ["gpt-4o-mini", "gpt-4.1-mini"],
        fallbackModels: [],
        loadBalancing: "none",
        weights: {},
      },
      groupIds: [groupIds.get("Marketing")!],
      createdAt: longAgo,
    });

    // For the recommendations: a key given to Research that nobody uses, and a sales rep added
    // to the Content Team months ago who has never used the marketing key it grants.
    await insertApiKey(tx, {
      orgId: acme.id,
      name: "research-batch-key",
      features: [],
      policy: { allowedModels: [], fallbackModels: [], loadBalancing: "none", weights: {} },
      groupIds: [research.id],
      createdAt: longAgo,
    });
    const [idleRep] = inTeam("Sales Reps");
    await insertMembership(tx, {
      orgId: acme.id,
      groupId: groupIds.get("Content Team")!,
      memberId: idleRep!.memberId,
      since: longAgo,
    });

    // And a sales engineer who wrote campaign copy with the Content Team until ten days ago: the
    // recommendations ask whether they belong in Marketing again (their requests with its key
    // stopped when they moved).
    const [mover] = inTeam("Sales Engineers");
    const movedAt = new Date(now.getTime() - 10 * DAY);
    await insertMembership(tx, {
      orgId: acme.id,
      groupId: groupIds.get("Content Team")!,
      memberId: mover!.memberId,
      since: longAgo,
      until: movedAt,
    });
    const moverEvents: UsageEventInput[] = Array.from({ length: 36 }, (_, i) => ({
      eventId: `demo-mover-${i}`,
      occurredAt: new Date(movedAt.getTime() - (1 + (i % 18)) * DAY - (1 + i) * 600_000),
      memberId: mover!.memberId,
      keyId: marketingKey.key.id,
      model: "gpt-4o-mini",
      features: i % 3 ? ["prompt-library"] : [],
      inputTokens: 2_400,
      outputTokens: 600,
    }));

    const keyFor = { eng: engKey.key, marketing: marketingKey.key };
    const featuresFor = { eng: acmeKeys.eng.features, marketing: acmeKeys.marketing.features };
    const users = staff
      .filter((s) => s.team.key)
      .map((s) => ({
        ...s,
        keyId: keyFor[s.team.key!].id,
        features: featuresFor[s.team.key!],
        models: s.team.models!,
        contextTokens: s.team.key === "eng" ? 12_000 : 2_500,
      }));
    const events = [
      ...usageHistory(random, users, now, 183),
      ...runawayAgent(
        users.find((u) => u.team.name === "DevOps Engineers")!,
        now,
      ),
      ...moverEvents,
    ];
    // Each month of the history in its own partition, as a server keeps the current ones.
    await ensureUsagePartitions(tx, new Date(now.getTime() - 183 * DAY), addMonthsUtc(now, 2));
    log(`Acme: ${events.length.toLocaleString("en-US")} usage events over six months`);
    const acmeActor = systemActor(acme.id, "Demo data");
    for (let i = 0; i < events.length; i += 2_000) {
      await ingestUsage(tx, acmeActor, events.slice(i, i + 2_000));
      const done = Math.min(i + 2_000, events.length);
      if (done % 10_000 === 0 || done === events.length) {
        log(`  ${done.toLocaleString("en-US")} / ${events.length.toLocaleString("en-US")} events`);
      }
    }

    // Judge the last two weeks as each day's last check would have (at its end; today: now), so
    // unusual spend shows at once.
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    for (let daysAgo = 13; daysAgo >= 0; daysAgo--)
      await detectSpendAnomalies(
        tx,
        acme.id,
        new Date(Math.min(now.getTime(), today - daysAgo * DAY + DAY - 1)),
      );

    log("Acme: an access review under way");
    await seedAccessReview(tx, {
      actor: {
        kind: "user",
        userId: dana.id,
        memberId: danaAcme.id,
        orgId: acme.id,
        role: "owner",
        // As a signed-in user's actor is labelled (lib/auth/sso.ts): by email.
        label: dana.email,
      },
      idleRep: idleRep!.memberId,
      contentTeam: groupIds.get("Content Team")!,
      backend: groupIds.get("Backend Engineers")!,
      now,
    });

    log("Globex: a small second organisation");
    await insertMember(tx, {
      orgId: globex.id,
      userId: grace.id,
      role: "owner",
      createdAt: longAgo,
    });
    await insertMember(tx, {
      orgId: globex.id,
      userId: dana.id,
      role: "admin",
      createdAt: longAgo,
    });
    const platform = await insertGroup(tx, {
      orgId: globex.id,
      name: "Platform",
      kind: "department",
      description: "Globex's platform team.",
    });
    const dataScience = await insertGroup(tx, {
      orgId: globex.id,
      name: "Data Science",
      kind: "department",
      description: "Models and analytics.",
    });
    const globexStaff = [];
    for (const [i, person] of people.slice(next + 8, next + 14).entries()) {
      const user = await insertUser(tx, {
        ...person,
        email: person.email.replace("@acme.test", "@globex.test"),
      });
      const member = await insertMember(tx, {
        orgId: globex.id,
        userId: user.id,
        createdAt: longAgo,
      });
      await insertMembership(tx, {
        orgId: globex.id,
        groupId: i < 3 ? platform.id : dataScience.id,
        memberId: member.id,
        since: longAgo,
      });
      globexStaff.push(member);
    }
    const globexKey = await insertApiKey(tx, {
      orgId: globex.id,
      name: "globex-default",
      features: ["streaming"],
      policy: {
        allowedModels: ["gemini-2.5-flash", "gpt-4.1-mini"],
        fallbackModels: [],
        loadBalancing: "round-robin",
        weights: {},
      },
      groupIds: [platform.id, dataScience.id],
      createdAt: longAgo,
    });
    const globexEvents = usageHistory(
      random,
      globexStaff.map((m) => ({
        memberId: m.id,
        joined: longAgo,
        activity: 2,
        keyId: globexKey.key.id,
        features: ["streaming"],
        models: [
          ["gemini-2.5-flash", 2],
          ["gpt-4.1-mini", 1],
        ] as const,
        contextTokens: 4_000,
      })),
      now,
      45,
    );
    await ingestUsage(tx, systemActor(globex.id, "Demo data"), globexEvents);
    // The history's alerts of past months were seen long ago; this month's are news.
    await tx
      .update(budgetAlerts)
      .set({ readAt: now })
      .where(lt(budgetAlerts.month, toIsoDay(startOfMonthUtc(now))));

    return {
      acmeOrgId: acme.id,
      globexOrgId: globex.id,
      members: staff.length + 9,
      events: events.length + globexEvents.length,
      apiKeys: [
        { org: "acme", name: engKey.key.name, secret: engKey.secret },
        { org: "acme", name: marketingKey.key.name, secret: marketingKey.secret },
        { org: "globex", name: globexKey.key.name, secret: globexKey.secret },
      ],
    };
  });
}

function makePeople(random: Random, count: number) {
  const used = new Set<string>();
  const people: { email: string; name: string }[] = [];
  while (people.length < count) {
    const first = random.pick(firstNames);
    const last = random.pick(lastNames);
    const local = `${first}.${last}`
      .toLowerCase()
      .normalize("NFD")
      .replace(/[^a-z.]/g, "");
    if (used.has(local)) continue;
    used.add(local);
    people.push({ name: `${first} ${last}`, email: `${local}@acme.test` });
  }
  return people;
}

interface UsageUser {
  memberId: string;
  joined: Date;
  activity: number;
  keyId: string;
  features: readonly string[];
  models: ModelMix;
  /** Typical input tokens per request. */
  contextTokens: number;
}

/**
 * An incident for the unusual-spend alerts to find: two days ago a DevOps engineer's CI agent
 * looped for an afternoon on Claude Opus with long contexts: enough that Opus is most of DevOps's
 * last 30 days whatever the date (the cheaper-model advice reads that). No random draws: the rest
 * of the demo stays as it was.
 */
function runawayAgent(user: UsageUser, now: Date): UsageEventInput[] {
  const day = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - 2 * DAY;
  return Array.from({ length: 240 }, (_, i) => ({
    eventId: `demo-runaway-${i}`,
    occurredAt: new Date(day + 13 * 3600_000 + i * 90_000),
    memberId: user.memberId,
    keyId: user.keyId,
    model: "claude-opus-4-1",
    features: [],
    inputTokens: 24_000 + (i % 7) * 1_000,
    outputTokens: 1_800,
    cachedTokens: 0,
    latencyMs: 21_000,
    status: "success" as const,
  }));
}

/** Requests on weekdays in working hours, growing slowly month on month, with a model mix per team. */
function usageHistory(
  random: Random,
  users: UsageUser[],
  now: Date,
  days: number,
): UsageEventInput[] {
  const events: UsageEventInput[] = [];
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - days * DAY;
  for (let day = 0; day <= days; day++) {
    const date = new Date(start + day * DAY);
    const weekday = date.getUTCDay() % 6 !== 0;
    const growth = 0.75 + (0.5 * day) / days;
    for (const user of users) {
      if (date < user.joined) continue;
      const count = random.poisson(user.activity * growth * (weekday ? 1 : 0.12));
      for (let i = 0; i < count; i++) {
        const occurredAt = new Date(
          date.getTime() + random.int(7 * 3600, 19 * 3600) * 1000 + random.int(0, 999),
        );
        if (occurredAt > now) continue;
        const model = random.weighted(user.models);
        // Context sizes spread over two orders of magnitude, as with chat and agentic coding.
        const inputTokens = Math.round(user.contextTokens * Math.exp(random.next() * 3.2 - 1.6));
        events.push({
          eventId: `demo-${user.memberId.slice(0, 8)}-${occurredAt.getTime()}-${i}`,
          occurredAt,
          memberId: user.memberId,
          keyId: user.keyId,
          model,
          features: user.features.filter(() => random.next() < 0.5),
          inputTokens,
          outputTokens: random.int(80, 2_400),
          cachedTokens: random.next() < 0.4 ? Math.floor(inputTokens * 0.7) : 0,
          latencyMs: random.int(350, 9_000),
          status: random.next() < 0.015 ? "error" : "success",
        });
      }
    }
  }
  return events;
}

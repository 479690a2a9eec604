import type { Db } from "@/db/connect";
import { groupMembers, groupMembershipHistory, orgMembers, users } from "@/db/schema";
import { insertApiKey, insertGroup, insertMember, insertOrg, insertUser } from "@/db/seed/builders";
import { firstNames, lastNames } from "@/db/seed/names";
import { seededRandom } from "@/db/seed/random";
import { systemActor } from "@/lib/auth/actor";
import { modelCatalogue } from "@/lib/models/catalogue";
import { ensureUsagePartitions } from "@/lib/spend/partitions";
import { ingestUsageBatches } from "@/lib/spend/ingest";
import { addMonthsUtc, startOfMonthUtc } from "@/lib/time";

// A large company for the benchmarks of issue 13: 2,000 people in 60 groups three levels deep
// (6 departments, 24 teams, 18 sub-teams and 12 cross-department projects), people in a project
// as well as their team, one in ten moved to another team in the middle of a month, 100 keys and
// 30 models, and a year of usage. The usage goes in through ingestUsageBatches, the code the
// gateway API stores usage with, so the rollups are what ingestion makes of those events.
// Deterministic: the same sizes and seed give the same organisation.

export const LARGE_ORG_OWNER = { email: "owner@globex.test", password: "gatehouse-bench" };

export interface LargeOrgOptions {
  events: number;
  members?: number;
  seed?: number;
  now?: Date;
  onProgress?: (stored: number) => void;
}

const EXTRA_MODELS = Array.from({ length: 30 - modelCatalogue.length }, (_, i) => ({
  id: `internal-model-${i + 1}`,
  provider: "self-hosted",
}));
const policy = {
  allowedModels: [],
  fallbackModels: [],
  loadBalancing: "none" as const,
  weights: {},
};

export async function seedLargeOrg(db: Db, options: LargeOrgOptions) {
  const { events, members: memberCount = 2_000, seed = 2026, now = new Date() } = options;
  const random = seededRandom(seed);
  const yearAgo = addMonthsUtc(startOfMonthUtc(now), -11);
  const org = await insertOrg(db, { name: "Globex", slug: `globex-${seed}` });
  const owner = await insertUser(db, { ...LARGE_ORG_OWNER, name: "Grace Owner" });
  await insertMember(db, { orgId: org.id, userId: owner.id, role: "owner", createdAt: yearAgo });

  const group = (name: string, kind: "department" | "project", parentId?: string) =>
    insertGroup(db, { orgId: org.id, name, kind, parentId }).then((g) => g.id);
  const departments: string[] = [];
  const teams: { id: string; department: number }[] = [];
  const leaves: { id: string; department: number }[] = [];
  const projects: string[] = [];
  for (let d = 0; d < 6; d++) {
    const department = await group(`Department ${d + 1}`, "department");
    departments.push(department);
    for (let t = 0; t < 4; t++) {
      const team = {
        id: await group(`Team ${d + 1}.${t + 1}`, "department", department),
        department: d,
      };
      teams.push(team);
      leaves.push(team);
    }
  }
  for (let s = 0; s < 18; s++) {
    const parent = teams[s]!;
    const subTeam = await group(`Sub-team ${s + 1}`, "department", parent.id);
    leaves.push({ id: subTeam, department: parent.department });
  }
  for (let p = 0; p < 12; p++)
    projects.push(await group(`Project ${p + 1}`, "project", departments[p % 6]));

  const userRows = await db
    .insert(users)
    .values(
      Array.from({ length: memberCount }, (_, i) => ({
        email: `person${i}@globex.test`,
        name: `${firstNames[i % firstNames.length]} ${lastNames[(i * 7) % lastNames.length]}`,
      })),
    )
    .returning({ id: users.id });
  const memberIds = (
    await db
      .insert(orgMembers)
      .values(userRows.map((u) => ({ orgId: org.id, userId: u.id, createdAt: yearAgo })))
      .returning({ id: orgMembers.id })
  ).map((m) => m.id);

  // Memberships: a team (or sub-team) each, a project for three in ten; one in ten moved on a
  // day in the middle of a month, from another team of the same department.
  const current: (typeof groupMembers.$inferInsert)[] = [];
  const history: (typeof groupMembershipHistory.$inferInsert)[] = [];
  const departmentOf: number[] = [];
  memberIds.forEach((memberId, i) => {
    const home = leaves[i % leaves.length]!;
    departmentOf.push(home.department);
    let since = yearAgo;
    if (random.next() < 0.1) {
      const moved = addMonthsUtc(yearAgo, random.int(1, 10));
      moved.setUTCDate(random.int(10, 20));
      moved.setUTCHours(random.int(8, 17));
      const others = leaves.filter((l) => l.department === home.department && l.id !== home.id);
      const before = random.pick(others).id;
      history.push({
        orgId: org.id,
        groupId: before,
        memberId,
        validFrom: yearAgo,
        validTo: moved,
      });
      since = moved;
    }
    current.push({ orgId: org.id, groupId: home.id, memberId, createdAt: since });
    history.push({ orgId: org.id, groupId: home.id, memberId, validFrom: since });
    if (random.next() < 0.3) {
      const project = random.pick(projects);
      current.push({ orgId: org.id, groupId: project, memberId, createdAt: yearAgo });
      history.push({ orgId: org.id, groupId: project, memberId, validFrom: yearAgo });
    }
  });
  for (let i = 0; i < current.length; i += 5_000)
    await db.insert(groupMembers).values(current.slice(i, i + 5_000));
  for (let i = 0; i < history.length; i += 5_000)
    await db.insert(groupMembershipHistory).values(history.slice(i, i + 5_000));

  // 100 keys: 15 per department on the department, 10 on projects.
  const keysByDepartment: string[][] = departments.map(() => []);
  for (let k = 0; k < 100; k++) {
    const d = k % 6;
    const onProject = k >= 90;
    const { key } = await insertApiKey(db, {
      orgId: org.id,
      name: onProject ? `project-key-${k}` : `dept-${d + 1}-key-${k}`,
      features: ["streaming", "tools"],
      policy,
      groupIds: [onProject ? projects[k - 90]! : departments[d]!],
      createdAt: yearAgo,
    });
    if (!onProject) keysByDepartment[d]!.push(key.id);
  }

  // A year of usage, busier towards now, some people far heavier users than others.
  await ensureUsagePartitions(db, yearAgo, now);
  const models = [
    ...modelCatalogue.map((m) => ({ id: m.id, provider: m.provider })),
    ...EXTRA_MODELS,
  ];
  const keyOf = (person: number, which: number) => {
    const keys = keysByDepartment[departmentOf[person]!]!;
    return keys[(person + which * 5) % keys.length]!;
  };
  const span = now.getTime() - yearAgo.getTime() - 60_000;
  const actor = systemActor(org.id, "bench:data");
  const BATCH = 5_000;
  let stored = 0;
  const batchAt = (start: number) =>
    Array.from({ length: Math.min(BATCH, events - start) }, (_, j) => {
      const i = start + j;
      // In time order, as a gateway reports it; more traffic in later months, as adoption grows.
      const at = new Date(yearAgo.getTime() + Math.sqrt((i + random.next()) / events) * span);
      const person = Math.floor(random.next() ** 2 * memberIds.length);
      // Each person works with two keys of their department and mostly three models: what
      // they use most (the rollups hold a row per day, member, key and model).
      const favourite = (person * 7 + Math.floor(random.next() ** 2 * 3)) % 10;
      const model = models[random.next() < 0.9 ? favourite : random.int(0, models.length - 1)]!;
      const input = random.int(200, 8_000);
      const output = random.int(50, 2_000);
      return {
        eventId: `bench-${seed}-${i}`,
        occurredAt: at,
        memberId: memberIds[person]!,
        keyId: keyOf(person, random.next() < 0.8 ? 0 : 1),
        model: model.id,
        provider: model.provider,
        features: random.next() < 0.6 ? ["streaming"] : ["streaming", "tools"],
        inputTokens: input,
        outputTokens: output,
        // Catalogue models are priced by the catalogue; the others at a flat internal rate.
        ...(model.provider === "self-hosted" ? { costMicros: input + output * 4 } : {}),
        status: random.next() < 0.02 ? ("error" as const) : ("success" as const),
      };
    });
  // Two turns at a time, as the gateway API stores usage.
  let next = 0;
  const worker = async () => {
    while (next < events) {
      const batch = batchAt(next);
      next += batch.length;
      const [result] = await ingestUsageBatches(db, actor, [batch]);
      if (result!.rejected.length)
        throw new Error(`bench:data: rejected ${JSON.stringify(result!.rejected[0])}`);
      stored += result!.accepted.length;
      options.onProgress?.(stored);
    }
  };
  await Promise.all([worker(), worker()]);
  return { orgId: org.id, slug: org.slug, members: memberIds.length, events: stored };
}

import { sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { queryRows } from "@/db/rows";
import type { KeyPolicy } from "@/db/schema";
import { IDLE_DAYS, type UsageWindow, usageWindow } from "./usage-window";

const DAY_MS = 86_400_000;

// What every recommendation is judged from, read once per call: the last 30 days of use from the
// daily rollups (usage-window.ts, kept a few minutes per instance; never the raw events) and the
// organisation's live groups, memberships, keys and model lists as they are now.

export interface LiveGroup {
  id: string;
  name: string;
  parentId: string | null;
  directoryLinked: boolean;
}

export interface Membership {
  groupId: string;
  memberId: string;
  since: string;
  /** Joined at least IDLE_DAYS ago: long enough to be judged idle. */
  settled: boolean;
}

export interface Person {
  id: string;
  name: string;
  email: string;
  active: boolean;
}

export interface LiveKey {
  id: string;
  name: string;
  features: string[];
  policy: KeyPolicy;
  /** Nothing added to its features or models for IDLE_DAYS (its creation included). */
  settled: boolean;
  assignments: { groupId: string; since: string; settled: boolean }[];
}

export interface AttachedList {
  keyId: string | null;
  groupId: string | null;
  sense: "allow" | "deny";
  patterns: string[];
}

export interface Evidence {
  use: UsageWindow;
  /** Each live group and its parents, nearest first. */
  lineage: Map<string, string[]>;
  /** Each live group's active people, its subgroups' included (who may use what it is given). */
  peopleOf: Map<string, Set<string>>;
  /** The live keys each live group grants: its own and its parents'. */
  grants: Map<string, LiveKey[]>;
  groups: Map<string, LiveGroup>;
  memberships: Membership[];
  people: Map<string, Person>;
  keys: Map<string, LiveKey>;
  lists: AttachedList[];
}

export async function loadEvidence(db: Db, orgId: string, now: Date): Promise<Evidence> {
  const org = sql`${orgId}::uuid`;
  const settledBefore = sql`${new Date(now.getTime() - IDLE_DAYS * DAY_MS).toISOString()}::timestamptz`;
  const [use, groups, memberships, people, keys, lists] = await Promise.all([
    usageWindow(db, orgId, now),
    queryRows<LiveGroup>(
      db,
      sql`select id, name, parent_id as "parentId", directory_linked_at is not null as "directoryLinked"
          from groups where org_id = ${org} and archived_at is null`,
    ),
    queryRows<Membership>(
      db,
      sql`select gm.group_id as "groupId", gm.member_id as "memberId",
            to_char(gm.created_at at time zone 'UTC', 'YYYY-MM-DD') as since,
            gm.created_at <= ${settledBefore} as settled
          from group_members gm join groups g on g.org_id = ${org} and g.id = gm.group_id
          where gm.org_id = ${org} and g.archived_at is null`,
    ),
    queryRows<Person>(
      db,
      sql`select m.id, u.name, u.email, m.status = 'active' as active
          from org_members m join users u on u.id = m.user_id where m.org_id = ${org}`,
    ),
    queryRows<Omit<LiveKey, "assignments"> & { assignments: LiveKey["assignments"] | null }>(
      db,
      sql`select k.id, k.name, k.features, k.policy,
            k.access_added_at <= ${settledBefore} as settled,
            (select json_agg(json_build_object(
                'groupId', akg.group_id,
                'since', to_char(akg.created_at at time zone 'UTC', 'YYYY-MM-DD'),
                'settled', akg.created_at <= ${settledBefore}))
              from api_key_groups akg join groups g on g.org_id = ${org} and g.id = akg.group_id
              where akg.org_id = ${org} and akg.key_id = k.id and g.archived_at is null) as assignments
          from api_keys k
          where k.org_id = ${org} and k.revoked_at is null
            and (k.expires_at is null or k.expires_at > ${now.toISOString()}::timestamptz)`,
    ),
    queryRows<AttachedList>(
      db,
      sql`select a.key_id as "keyId", a.group_id as "groupId", l.sense, l.patterns
          from model_list_attachments a join model_lists l on l.org_id = ${org} and l.id = a.list_id
          where a.org_id = ${org}`,
    ),
  ]);
  const read = {
    use,
    groups: new Map(groups.map((g) => [g.id, g])),
    memberships,
    people: new Map(people.map((p) => [p.id, p])),
    keys: new Map(keys.map((k) => [k.id, { ...k, assignments: k.assignments ?? [] }])),
    lists,
  };
  return { ...read, ...derive(read) };
}

/** The group and its parents, nearest first. */
function chainOf(groups: Map<string, LiveGroup>, groupId: string): string[] {
  const chain: string[] = [];
  for (
    let id: string | null = groupId;
    id && !chain.includes(id);
    id = groups.get(id)?.parentId ?? null
  )
    chain.push(id);
  return chain;
}

/** What the recommendations look up again and again, worked out once per call. */
function derive(evidence: Omit<Evidence, "lineage" | "peopleOf" | "grants">) {
  const lineage = new Map(
    [...evidence.groups.keys()].map((id) => [id, chainOf(evidence.groups, id)]),
  );
  const peopleOf = new Map<string, Set<string>>();
  for (const m of evidence.memberships) {
    if (!evidence.people.get(m.memberId)?.active) continue;
    for (const id of lineage.get(m.groupId)!) {
      if (!peopleOf.has(id)) peopleOf.set(id, new Set());
      peopleOf.get(id)!.add(m.memberId);
    }
  }
  const grants = new Map<string, LiveKey[]>();
  for (const [groupId, chain] of lineage) {
    const keys = [...evidence.keys.values()].filter((k) =>
      k.assignments.some((a) => chain.includes(a.groupId)),
    );
    if (keys.length) grants.set(groupId, keys);
  }
  return { lineage, peopleOf, grants };
}

import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/connect";
import {
  apiKeyGroups,
  apiKeys,
  budgetWindows,
  groupMembers,
  groups,
  orgMembers,
  orgs,
  modelListAttachments,
  modelLists,
  rateLimits,
  users,
} from "@/db/schema";
import {
  type BudgetWindowRow,
  type KeyLookup,
  type MemberLookup,
  type RateLimitRow,
  type Subject,
  type SubjectGroup,
  type SubjectKey,
  type SubjectMember,
  type SubjectModelList,
  applicableBudgetWindows,
  applicableModelLists,
  applicableRateLimits,
} from "@/lib/access/subject";

// Everything a decision reads about one organisation, in memory: its keys (by secret hash), its
// members (by email and external id), its groups with their parents, memberships and key
// assignments. subjectOf() answers what loadSubject() answers from the database, for the same
// lookups: the same live groups reached upwards from the member's own, in the same order.

interface SnapshotGroup {
  id: string;
  name: string;
  parentId: string | null;
  live: boolean;
  budgetMode: "soft" | "hard";
  budgetMicros: number | null;
  // Position in the database's own ordering of names (its collation), as loadSubject sorts.
  rank: number;
}

export interface OrgSnapshot {
  keysByHash: Map<string, SubjectKey>;
  keysById: Map<string, SubjectKey>;
  membersByEmail: Map<string, SubjectMember>;
  membersByExternalId: Map<string, SubjectMember>;
  membersById: Map<string, SubjectMember>;
  groups: Map<string, SnapshotGroup>;
  groupsOfMember: Map<string, string[]>;
  groupsOfKey: Map<string, Set<string>>;
  rateLimits: RateLimitRow[];
  modelLists: SubjectModelList[];
  budgetWindows: BudgetWindowRow[];
  timeZone: string;
}

// As loadSubject's recursion: at most this many steps up from a member's own group.
const MAX_DEPTH = 64;

/** One consistent read (a repeatable-read transaction) of an organisation. */
export function loadOrgSnapshot(db: Db, orgId: string): Promise<OrgSnapshot> {
  return db.transaction(
    async (tx) => {
      const keyRows = await tx
        .select({
          id: apiKeys.id,
          name: apiKeys.name,
          secretHash: apiKeys.secretHash,
          features: apiKeys.features,
          policy: apiKeys.policy,
          monthlyLimitMicros: apiKeys.monthlyLimitMicros,
          expiresAt: apiKeys.expiresAt,
          revokedAt: apiKeys.revokedAt,
        })
        .from(apiKeys)
        .where(eq(apiKeys.orgId, orgId));
      const memberRows = await tx
        .select({
          id: orgMembers.id,
          name: users.name,
          email: users.email,
          externalId: orgMembers.externalId,
          status: orgMembers.status,
          limitMicros: orgMembers.monthlyLimitMicros,
        })
        .from(orgMembers)
        .innerJoin(users, eq(users.id, orgMembers.userId))
        .where(eq(orgMembers.orgId, orgId));
      const groupRows = await tx
        .select({
          id: groups.id,
          name: groups.name,
          parentId: groups.parentId,
          archivedAt: groups.archivedAt,
          budgetMode: groups.budgetMode,
          budgetMicros: groups.monthlyBudgetMicros,
        })
        .from(groups)
        .where(eq(groups.orgId, orgId))
        .orderBy(groups.name);
      const membershipRows = await tx
        .select({ memberId: groupMembers.memberId, groupId: groupMembers.groupId })
        .from(groupMembers)
        .where(eq(groupMembers.orgId, orgId));
      const assignmentRows = await tx
        .select({ keyId: apiKeyGroups.keyId, groupId: apiKeyGroups.groupId })
        .from(apiKeyGroups)
        .where(eq(apiKeyGroups.orgId, orgId));

      const rateLimitRows = await tx
        .select({
          id: rateLimits.id,
          keyId: rateLimits.keyId,
          groupId: rateLimits.groupId,
          memberId: rateLimits.memberId,
          perMember: rateLimits.perMember,
          modelPattern: rateLimits.modelPattern,
          requestsPerMinute: rateLimits.requestsPerMinute,
          requestsPerDay: rateLimits.requestsPerDay,
          tokensPerMinute: rateLimits.tokensPerMinute,
        })
        .from(rateLimits)
        .where(eq(rateLimits.orgId, orgId));

      const modelListRows = await tx
        .select({
          id: modelLists.id,
          name: modelLists.name,
          sense: modelLists.sense,
          patterns: modelLists.patterns,
          keyId: modelListAttachments.keyId,
          groupId: modelListAttachments.groupId,
        })
        .from(modelListAttachments)
        .innerJoin(
          modelLists,
          and(
            eq(modelLists.orgId, modelListAttachments.orgId),
            eq(modelLists.id, modelListAttachments.listId),
          ),
        )
        .where(eq(modelListAttachments.orgId, orgId));

      const budgetWindowRows = await tx
        .select({
          id: budgetWindows.id,
          keyId: budgetWindows.keyId,
          groupId: budgetWindows.groupId,
          memberId: budgetWindows.memberId,
          period: budgetWindows.period,
          days: budgetWindows.days,
          mode: budgetWindows.mode,
          amountMicros: budgetWindows.amountMicros,
          raisedAmountMicros: budgetWindows.raisedAmountMicros,
          raisedUntil: budgetWindows.raisedUntil,
        })
        .from(budgetWindows)
        .where(eq(budgetWindows.orgId, orgId));
      const [org] = await tx
        .select({ timeZone: orgs.timeZone })
        .from(orgs)
        .where(eq(orgs.id, orgId));

      const snapshot: OrgSnapshot = {
        keysByHash: new Map(),
        keysById: new Map(),
        membersByEmail: new Map(),
        membersByExternalId: new Map(),
        membersById: new Map(),
        groups: new Map(),
        groupsOfMember: new Map(),
        groupsOfKey: new Map(),
        rateLimits: rateLimitRows,
        modelLists: modelListRows,
        budgetWindows: budgetWindowRows,
        timeZone: org?.timeZone ?? "UTC",
      };
      for (const { secretHash, ...key } of keyRows) {
        snapshot.keysByHash.set(secretHash, key);
        snapshot.keysById.set(key.id, key);
      }
      for (const { email, externalId, ...member } of memberRows) {
        snapshot.membersByEmail.set(email, member);
        if (externalId !== null) snapshot.membersByExternalId.set(externalId, member);
        snapshot.membersById.set(member.id, member);
      }
      groupRows.forEach(({ archivedAt, ...group }, rank) =>
        snapshot.groups.set(group.id, { ...group, live: archivedAt === null, rank }),
      );
      for (const { memberId, groupId } of membershipRows)
        push(snapshot.groupsOfMember, memberId, groupId);
      for (const { keyId, groupId } of assignmentRows) {
        const assigned = snapshot.groupsOfKey.get(keyId) ?? new Set<string>();
        snapshot.groupsOfKey.set(keyId, assigned.add(groupId));
      }
      return snapshot;
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
}

function push(map: Map<string, string[]>, id: string, value: string) {
  const list = map.get(id);
  if (list) list.push(value);
  else map.set(id, [value]);
}

/** The subject loadSubject() would load for these lookups, from the snapshot. */
export function subjectOf(
  snapshot: OrgSnapshot,
  keyLookup: KeyLookup,
  memberLookup: MemberLookup,
): Subject {
  const key =
    ("id" in keyLookup
      ? snapshot.keysById.get(keyLookup.id)
      : snapshot.keysByHash.get(keyLookup.secretHash)) ?? null;
  const member =
    ("id" in memberLookup
      ? snapshot.membersById.get(memberLookup.id)
      : "externalId" in memberLookup
        ? snapshot.membersByExternalId.get(memberLookup.externalId)
        : snapshot.membersByEmail.get(memberLookup.email)) ?? null;
  const { timeZone } = snapshot;
  if (!member)
    return { key, member, groups: [], rateLimits: [], modelLists: [], budgetWindows: [], timeZone };

  // Live groups from the member's own upwards, stopping at an archived parent.
  const reached = new Set<string>();
  for (const own of snapshot.groupsOfMember.get(member.id) ?? []) {
    let group = snapshot.groups.get(own);
    for (let depth = 0; group?.live && depth <= MAX_DEPTH; depth++) {
      reached.add(group.id);
      group = group.parentId ? snapshot.groups.get(group.parentId) : undefined;
    }
  }
  const assigned = key ? snapshot.groupsOfKey.get(key.id) : undefined;
  const subjectGroups: SubjectGroup[] = [...reached]
    .map((id) => snapshot.groups.get(id)!)
    .sort((a, b) => a.rank - b.rank)
    .map((g) => ({
      id: g.id,
      name: g.name,
      budgetMode: g.budgetMode,
      budgetMicros: g.budgetMicros,
      grantsKey: assigned?.has(g.id) ?? false,
    }));
  // Few per organisation: filtered from all of them, by the same rule as loadSubject.
  const limits = applicableRateLimits(
    snapshot.rateLimits,
    key?.id ?? null,
    member.id,
    subjectGroups,
  );
  const lists = applicableModelLists(snapshot.modelLists, key?.id ?? null, subjectGroups);
  const windows = applicableBudgetWindows(
    snapshot.budgetWindows,
    key?.id ?? null,
    member.id,
    subjectGroups,
  );
  return {
    key,
    member,
    groups: subjectGroups,
    rateLimits: limits,
    modelLists: lists,
    budgetWindows: windows,
    timeZone,
  };
}

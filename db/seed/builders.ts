import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db/connect";
import {
  type GroupKind,
  type MemberRole,
  apiKeyGroups,
  apiKeys,
  groupMembers,
  groupMembershipHistory,
  groups,
  orgMembers,
  orgs,
  users,
} from "@/db/schema";
import type { KeyPolicy } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { newSecret } from "@/lib/keys/secret";

// Row builders for demo data and test fixtures. They write rows as they are, without the
// authorisation and audit of the domain functions: use them to set the scene, not to act in it.

export async function insertOrg(db: Db, values: { name: string; slug: string; timeZone?: string }) {
  const [org] = await db.insert(orgs).values(values).returning();
  return org!;
}

export async function insertUser(
  db: Db,
  values: { email: string; name: string; password?: string },
) {
  const passwordHash = values.password ? await hashPassword(values.password) : null;
  const [user] = await db
    .insert(users)
    .values({ email: values.email.toLowerCase(), name: values.name, passwordHash })
    .returning();
  return user!;
}

export async function insertMember(
  db: Db,
  values: {
    orgId: string;
    userId: string;
    role?: MemberRole;
    monthlyLimitMicros?: number | null;
    createdAt?: Date;
  },
) {
  const [member] = await db.insert(orgMembers).values(values).returning();
  return member!;
}

export async function insertGroup(
  db: Db,
  values: {
    orgId: string;
    name: string;
    kind: GroupKind;
    parentId?: string | null;
    description?: string;
    endsAt?: Date | null;
    monthlyBudgetMicros?: number | null;
    budgetMode?: "soft" | "hard";
    isDefault?: boolean;
  },
) {
  const [group] = await db.insert(groups).values(values).returning();
  return group!;
}

/** A membership from `since` until now (or until `until`), with its history row. */
export async function insertMembership(
  db: Db,
  values: { orgId: string; groupId: string; memberId: string; since?: Date; until?: Date },
) {
  const { orgId, groupId, memberId, since = new Date(), until } = values;
  await db
    .insert(groupMembershipHistory)
    .values({ orgId, groupId, memberId, validFrom: since, validTo: until ?? null });
  if (!until) await db.insert(groupMembers).values({ orgId, groupId, memberId, createdAt: since });
}

/** Ends a current membership at `at`, keeping its history. */
export async function endMembership(
  db: Db,
  values: { groupId: string; memberId: string; at: Date },
) {
  const { groupId, memberId, at } = values;
  await db
    .update(groupMembershipHistory)
    .set({ validTo: at })
    .where(
      and(
        eq(groupMembershipHistory.groupId, groupId),
        eq(groupMembershipHistory.memberId, memberId),
        isNull(groupMembershipHistory.validTo),
      ),
    );
  await db
    .delete(groupMembers)
    .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.memberId, memberId)));
}

export async function insertApiKey(
  db: Db,
  values: {
    orgId: string;
    name: string;
    features: string[];
    policy: KeyPolicy;
    groupIds: string[];
    createdAt?: Date;
  },
) {
  const secret = newSecret();
  const [key] = await db
    .insert(apiKeys)
    .values({
      orgId: values.orgId,
      name: values.name,
      prefix: secret.prefix,
      lastFour: secret.lastFour,
      secretHash: secret.hash,
      features: values.features,
      policy: values.policy,
      // A key made long ago was last changed then too.
      createdAt: values.createdAt,
      updatedAt: values.createdAt,
      accessAddedAt: values.createdAt,
    })
    .returning();
  if (values.groupIds.length) {
    await db
      .insert(apiKeyGroups)
      // A key made long ago was given to its groups then too.
      .values(
        values.groupIds.map((groupId) => ({
          orgId: values.orgId,
          keyId: key!.id,
          groupId,
          createdAt: values.createdAt,
        })),
      );
  }
  return { key: key!, secret: secret.secret };
}

import { type SQL, and, asc, eq, isNotNull, isNull, ne, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { isUuid, uuidArray } from "@/db/rows";
import { directorySettings, groupMembers, groups, orgMembers, users } from "@/db/schema";
import { audit } from "@/lib/audit/record";
import { assertCan } from "@/lib/auth/actor";
import { FIELD_LIMITS } from "@/lib/field-limits";
import { deleteMemberships, insertMemberships } from "@/lib/memberships/write";
import { groupSchema } from "./attributes";
import { invalid, notFound, uniqueness } from "./errors";
import { matchesFilter, pinnedValue } from "./filter";
import { isObject, normaliseResource } from "./normalise";
import { type PatchOp, applyPatch } from "./patch";
import { type ListQuery, type Resource, listResponse, resourceVersion } from "./query";
import { type ScimRequest, checkVersion, lockDirectory } from "./request";
import { GROUP_SCHEMA } from "./schema-ids";

// SCIM Groups are the Gatehouse groups the identity provider pushed. A pushed group creates a
// group, or takes over the one with its name when an admin allowed that in Settings; from then
// on the provider owns its name and its direct membership (admins can still nest it, budget it
// and give it keys). Membership changes go through the same two statements as the console's, so
// the membership history records each one at that moment and spend stays point-in-time. A DELETE
// ends the directory's memberships and hands the group back to the admins; it is not deleted.

interface GroupRow {
  id: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;
  directoryExternalId: string | null;
}

const columns = {
  id: groups.id,
  name: groups.name,
  createdAt: groups.createdAt,
  updatedAt: groups.updatedAt,
  directoryExternalId: groups.directoryExternalId,
};

function linkedGroups(tx: Db, orgId: string, where?: SQL, forUpdate = false): Promise<GroupRow[]> {
  const query = tx
    .select(columns)
    .from(groups)
    .where(
      and(
        eq(groups.orgId, orgId),
        isNotNull(groups.directoryLinkedAt),
        isNull(groups.archivedAt),
        where,
      ),
    )
    .orderBy(asc(groups.createdAt), asc(groups.id));
  return forUpdate ? query.for("no key update") : query;
}

type Member = { id: string; name: string };

/** The direct members (not removed) of each group. */
async function membersOf(tx: Db, orgId: string, groupIds: string[]) {
  const byGroup = new Map<string, Member[]>();
  if (!groupIds.length) return byGroup;
  const rows = await tx
    .select({ groupId: groupMembers.groupId, id: orgMembers.id, name: users.name })
    .from(groupMembers)
    .innerJoin(
      orgMembers,
      and(eq(orgMembers.orgId, groupMembers.orgId), eq(orgMembers.id, groupMembers.memberId)),
    )
    .innerJoin(users, eq(users.id, orgMembers.userId))
    .where(
      and(
        eq(groupMembers.orgId, orgId),
        ne(orgMembers.status, "removed"),
        sql`${groupMembers.groupId} = any(${uuidArray(groupIds)})`,
      ),
    )
    .orderBy(asc(groupMembers.createdAt), asc(orgMembers.id));
  for (const r of rows) byGroup.set(r.groupId, [...(byGroup.get(r.groupId) ?? []), r]);
  return byGroup;
}

function groupResource(row: GroupRow, members: Member[] | null, base: string): Resource {
  const resource: Resource = {
    schemas: [GROUP_SCHEMA],
    id: row.id,
    ...(row.directoryExternalId ? { externalId: row.directoryExternalId } : {}),
    displayName: row.name,
    ...(members?.length
      ? {
          members: members.map((m) => ({
            value: m.id,
            display: m.name,
            $ref: `${base}/Users/${m.id}`,
            type: "User",
          })),
        }
      : {}),
  };
  resource.meta = {
    resourceType: "Group",
    created: row.createdAt.toISOString(),
    lastModified: row.updatedAt.toISOString(),
    location: `${base}/Groups/${row.id}`,
    ...(members ? { version: resourceVersion(resource) } : {}),
  };
  return resource;
}

interface GroupState {
  name: string;
  externalId: string | null | undefined;
  /** Undefined: not said (a PUT without members keeps them, as Okta expects). */
  memberIds: string[] | undefined;
}

function groupState(doc: Record<string, unknown>): GroupState {
  const name = typeof doc.displayName === "string" ? doc.displayName.trim() : "";
  if (!name) throw invalid("invalidValue", "displayName is required.");
  if (name.length > FIELD_LIMITS.groupName)
    throw invalid(
      "invalidValue",
      `displayName is longer than ${FIELD_LIMITS.groupName} characters.`,
    );
  const externalId = doc.externalId as string | null | undefined;
  const members = doc.members as Record<string, unknown>[] | undefined;
  const memberIds = members?.map((m) => {
    if (typeof m.type === "string" && m.type.toLowerCase() !== "user")
      throw invalid(
        "invalidValue",
        "members: only users can be members; Gatehouse nests groups itself.",
      );
    if (typeof m.value !== "string" || !m.value)
      throw invalid("invalidValue", "members: each member needs a value (the user's id).");
    return m.value;
  });
  return {
    name,
    externalId: externalId === "" ? null : externalId,
    memberIds: memberIds && [...new Set(memberIds)],
  };
}

/** The ids as members of this organisation; the error names the position of one that is not. */
async function assertMembersExist(tx: Db, orgId: string, ids: string[]) {
  if (!ids.length) return;
  const wellFormed = ids.filter(isUuid);
  const found = wellFormed.length
    ? await tx
        .select({ id: orgMembers.id })
        .from(orgMembers)
        .where(
          and(
            eq(orgMembers.orgId, orgId),
            ne(orgMembers.status, "removed"),
            sql`${orgMembers.id} = any(${uuidArray(wellFormed)})`,
          ),
        )
    : [];
  const known = new Set(found.map((f) => f.id));
  const missing = ids.findIndex((id) => !known.has(id));
  // Not the id itself: an id of another organisation must read like any unknown one.
  if (missing >= 0)
    throw invalid(
      "invalidValue",
      `members: the member at position ${missing + 1} of those added is not a user of this organisation.`,
    );
}

async function assertNameFree(tx: Db, orgId: string, name: string, selfId: string) {
  const [clash] = await tx
    .select({ id: groups.id, name: groups.name })
    .from(groups)
    .where(
      and(
        eq(groups.orgId, orgId),
        sql`lower(${groups.name}) = lower(${name})`,
        ne(groups.id, selfId),
      ),
    );
  if (clash) throw uniqueness(`A group named ${clash.name} already exists in Gatehouse.`);
}

async function assertExternalIdFree(
  tx: Db,
  orgId: string,
  externalId: string | null | undefined,
  selfId: string | null,
) {
  if (!externalId) return;
  const [clash] = await tx
    .select({ id: groups.id })
    .from(groups)
    .where(
      and(
        eq(groups.orgId, orgId),
        eq(groups.directoryExternalId, externalId),
        selfId ? ne(groups.id, selfId) : undefined,
      ),
    );
  if (clash)
    throw uniqueness(`A group with externalId ${JSON.stringify(externalId)} already exists.`);
}

/** Makes the group's direct membership the one the directory sent, and audits what changed. */
async function syncMembers(
  tx: Db,
  request: ScimRequest,
  groupId: string,
  current: Member[],
  next: string[],
) {
  const { actor } = request;
  const had = new Set(current.map((m) => m.id));
  const wanted = new Set(next);
  await assertMembersExist(
    tx,
    actor.orgId,
    next.filter((id) => !had.has(id)),
  );
  const added = await insertMemberships(
    tx,
    actor,
    { memberIds: next.filter((id) => !had.has(id)), groupIds: [groupId] },
    "sync",
  );
  const removed = await deleteMemberships(tx, actor, {
    memberIds: [...had].filter((id) => !wanted.has(id)),
    groupIds: [groupId],
  });
  if (added.length || removed.length)
    await audit(
      tx,
      actor,
      "memberships.synced",
      { type: "group", id: groupId },
      {
        before: removed.length ? { removed } : undefined,
        after: added.length ? { added } : undefined,
      },
    );
}

async function requireLinked(tx: Db, request: ScimRequest, id: string, forUpdate = false) {
  if (!isUuid(id)) throw notFound("The group");
  const [row] = await linkedGroups(tx, request.actor.orgId, eq(groups.id, id), forUpdate);
  if (!row) throw notFound("The group");
  return row;
}

const withoutMembers = (query: Pick<ListQuery, "attributes" | "excludedAttributes">) =>
  query.excludedAttributes.some((a) => a.toLowerCase() === "members") ||
  (query.attributes.length > 0 && !query.attributes.some((a) => /^members(\.|$)/i.test(a)));

export async function getScimGroup(
  db: Db,
  request: ScimRequest,
  id: string,
  query: Pick<ListQuery, "attributes" | "excludedAttributes"> = {
    attributes: [],
    excludedAttributes: [],
  },
) {
  assertCan(request.actor, "directory:sync");
  const row = await requireLinked(db, request, id);
  const members = withoutMembers(query)
    ? null
    : ((await membersOf(db, request.actor.orgId, [id])).get(id) ?? []);
  return groupResource(row, members, request.baseUrl);
}

export async function listScimGroups(db: Db, request: ScimRequest, query: ListQuery) {
  assertCan(request.actor, "directory:sync");
  const { orgId } = request.actor;
  const displayName = pinnedValue(query.filter, "displayName");
  const externalId = pinnedValue(query.filter, "externalId");
  const where =
    displayName !== null
      ? sql`lower(${groups.name}) = lower(${displayName})`
      : externalId !== null
        ? eq(groups.directoryExternalId, externalId)
        : undefined;
  const rows = await linkedGroups(db, orgId, where);
  // Entra lists groups with excludedAttributes=members: their members are not even read then.
  const needsMembers =
    !withoutMembers(query) || /members/i.test(JSON.stringify(query.filter ?? ""));
  const members = needsMembers
    ? await membersOf(
        db,
        orgId,
        rows.map((r) => r.id),
      )
    : null;
  const resources = rows
    .map((r) => groupResource(r, members ? (members.get(r.id) ?? []) : null, request.baseUrl))
    .filter((r) => !query.filter || matchesFilter(r, query.filter, groupSchema));
  return listResponse(resources, query, groupSchema);
}

export async function createScimGroup(db: Db, request: ScimRequest, body: unknown) {
  const { actor } = request;
  assertCan(actor, "directory:sync");
  if (!isObject(body)) throw invalid("invalidSyntax", "The body must be a Group object.");
  const state = groupState(normaliseResource(body, groupSchema));
  const id = await db.transaction(async (tx) => {
    await lockDirectory(tx, actor.orgId);
    await assertExternalIdFree(tx, actor.orgId, state.externalId, null);
    const [existing] = await tx
      .select({
        id: groups.id,
        name: groups.name,
        linkedAt: groups.directoryLinkedAt,
        archivedAt: groups.archivedAt,
      })
      .from(groups)
      .where(and(eq(groups.orgId, actor.orgId), sql`lower(${groups.name}) = lower(${state.name})`))
      .for("no key update");
    const [settings] = await tx
      .select({ linkGroupsByName: directorySettings.linkGroupsByName })
      .from(directorySettings)
      .where(eq(directorySettings.orgId, actor.orgId));
    if (existing && (existing.linkedAt || existing.archivedAt || !settings?.linkGroupsByName))
      throw uniqueness(
        existing.linkedAt
          ? `The group ${existing.name} is already provisioned.`
          : existing.archivedAt
            ? `An archived group named ${existing.name} exists in Gatehouse: restore or rename it first.`
            : `A group named ${existing.name} already exists in Gatehouse. Rename one of them, or let pushed groups take over groups of the same name in Settings → Directory sync.`,
      );
    let groupId: string;
    if (existing) {
      groupId = existing.id;
      await tx
        .update(groups)
        // A default group would gain members the directory did not send.
        .set({
          directoryLinkedAt: new Date(),
          directoryExternalId: state.externalId ?? null,
          isDefault: false,
          updatedAt: new Date(),
        })
        .where(and(eq(groups.orgId, actor.orgId), eq(groups.id, existing.id)));
    } else {
      const [created] = await tx
        .insert(groups)
        .values({
          orgId: actor.orgId,
          name: state.name,
          kind: "custom",
          directoryLinkedAt: new Date(),
          directoryExternalId: state.externalId ?? null,
        })
        .returning({ id: groups.id });
      groupId = created!.id;
    }
    await audit(
      tx,
      actor,
      "group.provisioned",
      { type: "group", id: groupId },
      {
        after: {
          name: state.name,
          externalId: state.externalId ?? null,
          linkedExistingGroup: Boolean(existing),
        },
      },
    );
    const current = (await membersOf(tx, actor.orgId, [groupId])).get(groupId) ?? [];
    if (state.memberIds) await syncMembers(tx, request, groupId, current, state.memberIds);
    return groupId;
  });
  return getScimGroup(db, request, id);
}

async function updateGroup(
  db: Db,
  request: ScimRequest,
  id: string,
  next: (doc: Record<string, unknown>) => GroupState,
  answer: boolean,
) {
  const { actor } = request;
  assertCan(actor, "directory:sync");
  await db.transaction(async (tx) => {
    await lockDirectory(tx, actor.orgId);
    const row = await requireLinked(tx, request, id, true);
    const current = (await membersOf(tx, actor.orgId, [id])).get(id) ?? [];
    const resource = groupResource(row, current, request.baseUrl);
    checkVersion(request, resource);
    const { schemas: _s, id: _id, meta: _m, ...doc } = resource;
    const state = next(doc);
    await assertExternalIdFree(tx, actor.orgId, state.externalId, id);
    const externalId = state.externalId === undefined ? row.directoryExternalId : state.externalId;
    if (state.name !== row.name || externalId !== row.directoryExternalId) {
      if (state.name !== row.name) await assertNameFree(tx, actor.orgId, state.name, id);
      await tx
        .update(groups)
        .set({ name: state.name, directoryExternalId: externalId, updatedAt: new Date() })
        .where(and(eq(groups.orgId, actor.orgId), eq(groups.id, id)));
      await audit(
        tx,
        actor,
        "group.directory_updated",
        { type: "group", id },
        {
          before: { name: row.name, externalId: row.directoryExternalId },
          after: { name: state.name, externalId },
        },
      );
    }
    if (state.memberIds) await syncMembers(tx, request, id, current, state.memberIds);
  });
  return answer ? getScimGroup(db, request, id) : null;
}

/** PUT: the provider's full view of the group; without `members`, the members stay. */
export function replaceScimGroup(db: Db, request: ScimRequest, id: string, body: unknown) {
  if (!isObject(body)) throw invalid("invalidSyntax", "The body must be a Group object.");
  const state = groupState(normaliseResource(body, groupSchema));
  return updateGroup(db, request, id, () => state, true);
}

/** PATCH answers 204 without the group (Entra expects it; a large group is not re-read). */
export async function patchScimGroup(db: Db, request: ScimRequest, id: string, patch: PatchOp) {
  await updateGroup(
    db,
    request,
    id,
    // After a PATCH, no members left means none, not "unchanged".
    (doc) => groupState({ members: [], ...applyPatch(doc, patch, groupSchema) }),
    false,
  );
}

export async function deleteScimGroup(db: Db, request: ScimRequest, id: string) {
  const { actor } = request;
  assertCan(actor, "directory:sync");
  await db.transaction(async (tx) => {
    await lockDirectory(tx, actor.orgId);
    const row = await requireLinked(tx, request, id, true);
    const current = (await membersOf(tx, actor.orgId, [id])).get(id) ?? [];
    checkVersion(request, groupResource(row, current, request.baseUrl));
    const removed = await deleteMemberships(tx, actor, {
      memberIds: current.map((m) => m.id),
      groupIds: [id],
    });
    await tx
      .update(groups)
      .set({ directoryLinkedAt: null, directoryExternalId: null, updatedAt: new Date() })
      .where(and(eq(groups.orgId, actor.orgId), eq(groups.id, id)));
    await audit(
      tx,
      actor,
      "group.deprovisioned",
      { type: "group", id },
      { before: { name: row.name, removed } },
    );
  });
}

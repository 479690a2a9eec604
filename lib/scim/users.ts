import { type SQL, and, asc, eq, isNotNull, ne, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { isUuid, uuidArray } from "@/db/rows";
import { groupMembers, groups, orgMembers, users } from "@/db/schema";
import { audit } from "@/lib/audit/record";
import { assertCan } from "@/lib/auth/actor";
import { applyMemberStatus, joinOrganisation } from "@/lib/members/commands";
import { syncMemberRules } from "@/lib/rules/sync";
import { deleteMemberships } from "@/lib/memberships/write";
import { userSchema } from "./attributes";
import { invalid, notFound, uniqueness } from "./errors";
import { matchesFilter, pinnedValue } from "./filter";
import { isObject, normaliseResource, toBoolean } from "./normalise";
import { type PatchOp, applyPatch } from "./patch";
import { type ListQuery, type Resource, listResponse, resourceVersion } from "./query";
import { ENTERPRISE_SCHEMA, USER_SCHEMA } from "./schema-ids";
import { type ScimRequest, checkVersion, lockDirectory } from "./request";

// SCIM Users are the organisation's members that the identity provider provisioned (or linked:
// a member already here is matched by externalId, then by email, never duplicated). The member's
// email, the identity they sign in with, is the userName when it is an email address, else their
// primary email. A user's `active: false`, or a DELETE, suspends them: their sessions end in the
// same transaction and the gateway's next authorize denies `user_suspended` on every instance (the
// org_members change notifies them). Their history, spend and audit stay.

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_EMAIL = 254;
const MAX_NAME = 200;

const columns = {
  id: orgMembers.id,
  userId: orgMembers.userId,
  email: users.email,
  name: users.name,
  role: orgMembers.role,
  status: orgMembers.status,
  createdAt: orgMembers.createdAt,
  updatedAt: orgMembers.updatedAt,
  directoryLinkedAt: orgMembers.directoryLinkedAt,
  directoryExternalId: orgMembers.directoryExternalId,
  directoryAttributes: orgMembers.directoryAttributes,
};

interface MemberRow {
  id: string;
  userId: string;
  email: string;
  name: string;
  role: "owner" | "admin" | "member";
  status: "active" | "suspended" | "removed";
  createdAt: Date;
  updatedAt: Date;
  directoryLinkedAt: Date | null;
  directoryExternalId: string | null;
  directoryAttributes: unknown;
}

function linkedMembers(tx: Db, orgId: string, where?: SQL, forUpdate = false) {
  const query = tx
    .select(columns)
    .from(orgMembers)
    .innerJoin(users, eq(users.id, orgMembers.userId))
    .where(
      and(
        eq(orgMembers.orgId, orgId),
        isNotNull(orgMembers.directoryLinkedAt),
        ne(orgMembers.status, "removed"),
        where,
      ),
    )
    .orderBy(asc(orgMembers.createdAt), asc(orgMembers.id));
  return (forUpdate ? query.for("no key update", { of: orgMembers }) : query) as Promise<
    MemberRow[]
  >;
}

/** The directory groups each member is a direct member of. */
async function directoryGroupsOf(tx: Db, orgId: string, memberIds: string[]) {
  const byMember = new Map<string, { id: string; name: string }[]>();
  if (!memberIds.length) return byMember;
  const rows = await tx
    .select({ memberId: groupMembers.memberId, id: groups.id, name: groups.name })
    .from(groupMembers)
    .innerJoin(
      groups,
      and(eq(groups.orgId, groupMembers.orgId), eq(groups.id, groupMembers.groupId)),
    )
    .where(
      and(
        eq(groupMembers.orgId, orgId),
        isNotNull(groups.directoryLinkedAt),
        sql`${groupMembers.memberId} = any(${uuidArray(memberIds)})`,
      ),
    )
    .orderBy(asc(groups.name));
  for (const r of rows) byMember.set(r.memberId, [...(byMember.get(r.memberId) ?? []), r]);
  return byMember;
}

/** What the provider may change: its attributes, externalId and active, as one document. */
function writableDoc(row: MemberRow): Record<string, unknown> {
  return {
    ...(row.directoryAttributes as Record<string, unknown>),
    ...(row.directoryExternalId ? { externalId: row.directoryExternalId } : {}),
    active: row.status === "active",
  };
}

function userResource(
  row: MemberRow,
  memberOf: { id: string; name: string }[],
  base: string,
): Resource {
  const doc = writableDoc(row);
  const resource: Resource = {
    schemas: doc[ENTERPRISE_SCHEMA] ? [USER_SCHEMA, ENTERPRISE_SCHEMA] : [USER_SCHEMA],
    id: row.id,
    ...doc,
    ...(memberOf.length
      ? {
          groups: memberOf.map((g) => ({
            value: g.id,
            display: g.name,
            $ref: `${base}/Groups/${g.id}`,
            type: "direct",
          })),
        }
      : {}),
  };
  resource.meta = {
    resourceType: "User",
    created: row.createdAt.toISOString(),
    lastModified: row.updatedAt.toISOString(),
    location: `${base}/Users/${row.id}`,
    version: resourceVersion(resource),
  };
  return resource;
}

interface UserState {
  email: string;
  name: string;
  userName: string;
  /** Undefined: not said (Okta's PUT without `active` must not suspend anyone). */
  active: boolean | undefined;
  externalId: string | null | undefined;
  attributes: Record<string, unknown>;
}

function emailOf(doc: Record<string, unknown>, userName: string): string | null {
  if (EMAIL.test(userName) && userName.length <= MAX_EMAIL) return userName.toLowerCase();
  const emails = Array.isArray(doc.emails) ? (doc.emails as Record<string, unknown>[]) : [];
  const chosen =
    emails.find((e) => e.primary === true) ?? emails.find((e) => e.type === "work") ?? emails[0];
  const value = typeof chosen?.value === "string" ? chosen.value.trim() : "";
  return EMAIL.test(value) && value.length <= MAX_EMAIL ? value.toLowerCase() : null;
}

function nameOf(doc: Record<string, unknown>, email: string): string {
  const name = isObject(doc.name) ? doc.name : {};
  const candidates = [
    doc.displayName,
    name.formatted,
    [name.givenName, name.familyName].filter((p) => typeof p === "string" && p.trim()).join(" "),
    email.split("@")[0],
  ];
  const chosen = candidates.find((c) => typeof c === "string" && c.trim()) as string;
  return chosen.trim().slice(0, MAX_NAME);
}

/** The member a user document describes, checked: every refusal names the attribute. */
function userState(doc: Record<string, unknown>): UserState {
  const { active, externalId, password: _password, ...attributes } = doc;
  const userName = typeof attributes.userName === "string" ? attributes.userName.trim() : "";
  if (!userName) throw invalid("invalidValue", "userName is required.");
  const email = emailOf(attributes, userName);
  if (!email)
    throw invalid(
      "invalidValue",
      `userName ${JSON.stringify(userName)} is not an email address and the user has no email: Gatehouse signs people in by email.`,
    );
  if (externalId !== undefined && externalId !== null && typeof externalId !== "string")
    throw invalid("invalidValue", "externalId must be a string.");
  return {
    email,
    name: nameOf(attributes, email),
    userName,
    active: active === undefined ? undefined : toBoolean(active, "active"),
    externalId: externalId === "" ? null : (externalId as string | null | undefined),
    attributes: { ...attributes, userName },
  };
}

async function assertUnique(tx: Db, orgId: string, state: UserState, selfId: string | null) {
  const others = selfId ? ne(orgMembers.id, selfId) : undefined;
  const [sameName] = await linkedMembers(
    tx,
    orgId,
    and(
      sql`lower(${orgMembers.directoryAttributes}->>'userName') = lower(${state.userName})`,
      others,
    ),
  );
  if (sameName)
    throw uniqueness(`A user with userName ${JSON.stringify(state.userName)} already exists.`);
  if (state.externalId) {
    const [sameId] = await tx
      .select({ id: orgMembers.id })
      .from(orgMembers)
      .where(
        and(
          eq(orgMembers.orgId, orgId),
          eq(orgMembers.directoryExternalId, state.externalId),
          others,
        ),
      );
    if (sameId)
      throw uniqueness(
        `A user with externalId ${JSON.stringify(state.externalId)} already exists.`,
      );
  }
}

// The user row (email, name) is shared by every organisation the person belongs to: this
// organisation's directory changes it only while it is theirs alone, or one organisation's
// identity provider could rename, or take the sign-in email of, someone in another.
async function syncIdentity(tx: Db, orgId: string, row: MemberRow, state: UserState) {
  if (state.email === row.email && state.name === row.name) return;
  const [elsewhere] = await tx
    .select({ id: orgMembers.id })
    .from(orgMembers)
    .where(and(eq(orgMembers.userId, row.userId), ne(orgMembers.orgId, orgId)))
    .limit(1);
  if (state.email !== row.email) {
    const [taken] = await tx
      .select({ id: users.id })
      .from(users)
      .where(eq(users.email, state.email));
    if (taken)
      throw uniqueness(`${state.email} is already the email of another person in Gatehouse.`);
    if (elsewhere)
      throw invalid(
        "mutability",
        `${row.email} also belongs to another organisation in Gatehouse, so their sign-in email cannot be changed by this directory.`,
      );
  }
  if (elsewhere) return;
  await tx
    .update(users)
    .set({ email: state.email, name: state.name })
    .where(eq(users.id, row.userId));
}

/** Writes the state to a linked member; the status changes through the members' own rule. */
async function writeState(tx: Db, request: ScimRequest, row: MemberRow, state: UserState) {
  const { actor } = request;
  await syncIdentity(tx, actor.orgId, row, state);
  const externalId = state.externalId === undefined ? row.directoryExternalId : state.externalId;
  await tx
    .update(orgMembers)
    .set({
      directoryLinkedAt: row.directoryLinkedAt ?? new Date(),
      directoryExternalId: externalId,
      directoryAttributes: state.attributes,
      updatedAt: new Date(),
    })
    .where(and(eq(orgMembers.orgId, actor.orgId), eq(orgMembers.id, row.id)));
  if (state.active !== undefined)
    await applyMemberStatus(tx, actor, row, state.active ? "active" : "suspended");
  // Their department, title or email may have changed: the auto-assign rules follow.
  await syncMemberRules(tx, actor, [row.id]);
}

async function requireLinked(tx: Db, request: ScimRequest, id: string, forUpdate = false) {
  if (!isUuid(id)) throw notFound("The user");
  const [row] = await linkedMembers(tx, request.actor.orgId, eq(orgMembers.id, id), forUpdate);
  if (!row) throw notFound("The user");
  return row;
}

async function resourceOf(tx: Db, request: ScimRequest, id: string) {
  const row = await requireLinked(tx, request, id);
  const memberOf = await directoryGroupsOf(tx, request.actor.orgId, [row.id]);
  return userResource(row, memberOf.get(row.id) ?? [], request.baseUrl);
}

export async function getScimUser(db: Db, request: ScimRequest, id: string) {
  assertCan(request.actor, "directory:sync");
  return resourceOf(db, request, id);
}

export async function listScimUsers(db: Db, request: ScimRequest, query: ListQuery) {
  assertCan(request.actor, "directory:sync");
  const { orgId } = request.actor;
  // The lookups identity providers make before each change are answered by an index; the
  // filter is still applied in full to what they return.
  const userName = pinnedValue(query.filter, "userName");
  const externalId = pinnedValue(query.filter, "externalId");
  const id = pinnedValue(query.filter, "id");
  const where =
    userName !== null
      ? sql`lower(${orgMembers.directoryAttributes}->>'userName') = lower(${userName})`
      : externalId !== null
        ? eq(orgMembers.directoryExternalId, externalId)
        : id !== null
          ? isUuid(id)
            ? eq(orgMembers.id, id)
            : sql`false`
          : undefined;
  const rows = await linkedMembers(db, orgId, where);
  const memberOf = await directoryGroupsOf(
    db,
    orgId,
    rows.map((r) => r.id),
  );
  const resources = rows
    .map((r) => userResource(r, memberOf.get(r.id) ?? [], request.baseUrl))
    .filter((r) => !query.filter || matchesFilter(r, query.filter, userSchema));
  return listResponse(resources, query, userSchema);
}

export async function createScimUser(db: Db, request: ScimRequest, body: unknown) {
  const { actor } = request;
  assertCan(actor, "directory:sync");
  if (!isObject(body)) throw invalid("invalidSyntax", "The body must be a User object.");
  const state = userState(normaliseResource(body, userSchema));
  const id = await db.transaction(async (tx) => {
    await lockDirectory(tx, actor.orgId);
    await assertUnique(tx, actor.orgId, state, null);
    // Linked, not duplicated: a member with this email (any status) becomes the directory's.
    const [existing] = await tx
      .select(columns)
      .from(orgMembers)
      .innerJoin(users, eq(users.id, orgMembers.userId))
      .where(and(eq(orgMembers.orgId, actor.orgId), eq(users.email, state.email)))
      .for("no key update", { of: orgMembers });
    if (existing?.directoryLinkedAt && existing.status !== "removed")
      throw uniqueness(`${state.email} is already provisioned as another user.`);
    let row = existing as MemberRow | undefined;
    let joinedGroups: string[] = [];
    if (!row || row.status === "removed") {
      const joined = await joinOrganisation(tx, actor, {
        email: state.email,
        name: state.name,
        role: row?.role ?? "member",
        passwordHash: null,
      });
      joinedGroups = joined.defaultGroups.map((g) => g.name);
      [row] = await tx
        .select(columns)
        .from(orgMembers)
        .innerJoin(users, eq(users.id, orgMembers.userId))
        .where(and(eq(orgMembers.orgId, actor.orgId), eq(orgMembers.id, joined.memberId)));
    }
    await writeState(tx, request, row!, { ...state, active: state.active ?? true });
    await audit(
      tx,
      actor,
      "member.provisioned",
      { type: "member", id: row!.id },
      {
        after: {
          email: state.email,
          userName: state.userName,
          externalId: state.externalId ?? null,
          active: state.active ?? true,
          linkedExistingMember: Boolean(existing && existing.status !== "removed"),
          defaultGroups: joinedGroups,
        },
      },
    );
    return row!.id;
  });
  return resourceOf(db, request, id);
}

async function updateUser(
  db: Db,
  request: ScimRequest,
  id: string,
  next: (row: MemberRow) => UserState,
) {
  const { actor } = request;
  assertCan(actor, "directory:sync");
  await db.transaction(async (tx) => {
    await lockDirectory(tx, actor.orgId);
    const row = await requireLinked(tx, request, id, true);
    const memberOf = await directoryGroupsOf(tx, actor.orgId, [row.id]);
    checkVersion(request, userResource(row, memberOf.get(row.id) ?? [], request.baseUrl));
    const state = next(row);
    await assertUnique(tx, actor.orgId, state, row.id);
    await writeState(tx, request, row, state);
    const before = writableDoc(row);
    const after = { ...state.attributes, externalId: state.externalId, active: state.active };
    const changed = Object.keys({ ...before, ...after }).filter(
      (k) =>
        k !== "active" &&
        JSON.stringify(before[k]) !== JSON.stringify(after[k as keyof typeof after]),
    );
    if (changed.length)
      await audit(
        tx,
        actor,
        "member.directory_updated",
        { type: "member", id: row.id },
        {
          before: Object.fromEntries(changed.map((k) => [k, before[k] ?? null])),
          after: Object.fromEntries(
            changed.map((k) => [k, after[k as keyof typeof after] ?? null]),
          ),
        },
      );
  });
  return resourceOf(db, request, id);
}

/** PUT: the provider's full view of the user; attributes it leaves out are cleared, `active` kept. */
export function replaceScimUser(db: Db, request: ScimRequest, id: string, body: unknown) {
  if (!isObject(body)) throw invalid("invalidSyntax", "The body must be a User object.");
  const state = userState(normaliseResource(body, userSchema));
  return updateUser(db, request, id, () => state);
}

export function patchScimUser(db: Db, request: ScimRequest, id: string, patch: PatchOp) {
  return updateUser(db, request, id, (row) =>
    userState(applyPatch(writableDoc(row), patch, userSchema)),
  );
}

/** DELETE: suspended, out of the directory's groups, and no longer a SCIM user (404 from now). */
export async function deleteScimUser(db: Db, request: ScimRequest, id: string) {
  const { actor } = request;
  assertCan(actor, "directory:sync");
  await db.transaction(async (tx) => {
    await lockDirectory(tx, actor.orgId);
    const row = await requireLinked(tx, request, id, true);
    const memberOf = (await directoryGroupsOf(tx, actor.orgId, [row.id])).get(row.id) ?? [];
    checkVersion(request, userResource(row, memberOf, request.baseUrl));
    await deleteMemberships(
      tx,
      actor,
      memberOf.map((g) => ({ groupId: g.id, memberId: row.id })),
    );
    await applyMemberStatus(tx, actor, row, "suspended");
    await tx
      .update(orgMembers)
      .set({
        directoryLinkedAt: null,
        directoryExternalId: null,
        directoryAttributes: null,
        updatedAt: new Date(),
      })
      .where(and(eq(orgMembers.orgId, actor.orgId), eq(orgMembers.id, row.id)));
    await audit(
      tx,
      actor,
      "member.deprovisioned",
      { type: "member", id: row.id },
      { before: { email: row.email, groups: memberOf.map((g) => g.name) } },
    );
  });
}

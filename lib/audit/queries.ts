import {
  type SQL,
  and,
  asc,
  count,
  desc,
  eq,
  gte,
  ilike,
  inArray,
  lt,
  max,
  or,
  sql,
} from "drizzle-orm";
import { z } from "zod";
import { isStorableText } from "@/lib/text";
import type { Db } from "@/db/connect";
import {
  type AuditEntry,
  apiKeys,
  auditLog,
  gatewayTokens,
  groups,
  orgMembers,
  users,
  webhookEndpoints,
} from "@/db/schema";
import { type Actor, assertCan } from "@/lib/auth/actor";

// Reading the audit log: owners and admins only, always within the actor's organisation. The
// filters come straight from the URL, so every field falls back to "no filter" when malformed
// instead of failing the page. Pages are offsets (the log is read newest first and people rarely
// go deep); past AUDIT_MAX_PAGES the page asks for narrower filters, and the export stops at
// AUDIT_EXPORT_LIMIT rows. The log itself is append-only (a trigger refuses UPDATE and DELETE):
// nothing here writes to it.

export const AUDIT_PAGE_SIZE = 50;
export const AUDIT_MAX_PAGES = 200;
export const AUDIT_EXPORT_LIMIT = 10_000;

const token = z
  .string()
  .trim()
  .max(100)
  .regex(/^[A-Za-z0-9_.:-]+$/);

const day = z.iso
  .date()
  .refine((d) => d >= "2000-01-01" && d <= "2099-12-31")
  .optional()
  .catch(undefined);

export const auditFiltersInput = z
  .object({
    /** Part of the actor's label (an email, "gateway:<token name>", "Gatehouse"), or a user id. */
    actor: z.string().trim().max(200).refine(isStorableText).default("").catch(""),
    action: token.optional().catch(undefined),
    targetType: token.optional().catch(undefined),
    targetId: z
      .uuid()
      .transform((id) => id.toLowerCase())
      .optional()
      .catch(undefined),
    /** UTC days, both inclusive. */
    from: day,
    to: day,
    // Beyond the last page browsable: the last one (and past the results, see listAuditEntries).
    page: z.coerce
      .number()
      .int()
      .min(1)
      .default(1)
      .catch(1)
      .transform((p) => Math.min(p, AUDIT_MAX_PAGES)),
  })
  .catch({ actor: "", page: 1 });

export type AuditFilters = z.output<typeof auditFiltersInput>;

const isUuid = (value: string) => z.uuid().safeParse(value).success;
const startOfDay = (isoDay: string) => new Date(`${isoDay}T00:00:00.000Z`);
const DAY_MS = 86_400_000;

function conditions(actor: Actor, f: AuditFilters): SQL {
  const where: (SQL | undefined)[] = [eq(auditLog.orgId, actor.orgId)];
  if (f.actor) {
    const like = `%${f.actor.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(
      isUuid(f.actor)
        ? or(eq(auditLog.actorUserId, f.actor.toLowerCase()), ilike(auditLog.actorLabel, like))
        : ilike(auditLog.actorLabel, like),
    );
  }
  if (f.action) where.push(eq(auditLog.action, f.action));
  if (f.targetType) where.push(eq(auditLog.targetType, f.targetType));
  if (f.targetId) {
    // Bulk changes name several targets in one row ("id,id,…"): any of them matches.
    where.push(
      or(
        eq(auditLog.targetId, f.targetId),
        sql`${f.targetId} = any(string_to_array(${auditLog.targetId}, ','))`,
      ),
    );
  }
  // Two days in the wrong order mean the days between them.
  const [from, to] = f.from && f.to && f.from > f.to ? [f.to, f.from] : [f.from, f.to];
  if (from) where.push(gte(auditLog.createdAt, startOfDay(from)));
  if (to) where.push(lt(auditLog.createdAt, new Date(startOfDay(to).getTime() + DAY_MS)));
  return and(...where)!;
}

const columns = {
  id: auditLog.id,
  at: auditLog.createdAt,
  actorKind: auditLog.actorKind,
  actorUserId: auditLog.actorUserId,
  actorLabel: auditLog.actorLabel,
  action: auditLog.action,
  targetType: auditLog.targetType,
  targetId: auditLog.targetId,
  before: auditLog.before,
  after: auditLog.after,
};

type Row = Pick<
  AuditEntry,
  "id" | "actorKind" | "actorUserId" | "actorLabel" | "action" | "targetType" | "targetId"
> & { at: Date; before: unknown; after: unknown };

export interface AuditRow extends Row {
  /** What the target is called now, or in the entry itself when it is gone; null if unknown. */
  targetName: string | null;
}

const newestFirst = [desc(auditLog.createdAt), desc(auditLog.id)];

/** One page of the log, newest first, with the number of entries matching the filters. */
export async function listAuditEntries(db: Db, actor: Actor, rawFilters: unknown) {
  assertCan(actor, "org:manage");
  const filters = auditFiltersInput.parse(rawFilters ?? {});
  const where = conditions(actor, filters);
  const [totalRow] = await db.select({ n: count() }).from(auditLog).where(where);
  const total = totalRow?.n ?? 0;
  const pages = Math.min(AUDIT_MAX_PAGES, Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE)));
  // A page past the end (an old link, a hand-edited URL) shows the last one.
  const page = Math.min(filters.page, pages);
  const rows = await db
    .select(columns)
    .from(auditLog)
    .where(where)
    .orderBy(...newestFirst)
    .limit(AUDIT_PAGE_SIZE)
    .offset((page - 1) * AUDIT_PAGE_SIZE);
  return {
    rows: await withTargetNames(db, actor, rows),
    total,
    page,
    pages,
    pageSize: AUDIT_PAGE_SIZE,
    filters: { ...filters, page },
  };
}

/** Every entry matching the filters (the page is ignored), newest first, up to the limit. */
export async function auditEntriesForExport(
  db: Db,
  actor: Actor,
  rawFilters: unknown,
  limit = AUDIT_EXPORT_LIMIT,
) {
  assertCan(actor, "org:manage");
  const filters = auditFiltersInput.parse(rawFilters ?? {});
  const where = conditions(actor, filters);
  const [rows, [totalRow]] = await Promise.all([
    db
      .select(columns)
      .from(auditLog)
      .where(where)
      .orderBy(...newestFirst)
      .limit(Math.min(limit, AUDIT_EXPORT_LIMIT)),
    db.select({ n: count() }).from(auditLog).where(where),
  ]);
  const total = totalRow?.n ?? 0;
  return {
    rows: await withTargetNames(db, actor, rows),
    total,
    truncated: total > rows.length,
  };
}

/** The values the filter bar offers: actions, target types and actors seen in the organisation. */
export async function auditFacets(db: Db, actor: Actor) {
  assertCan(actor, "org:manage");
  const inOrg = eq(auditLog.orgId, actor.orgId);
  const [actions, targetTypes, actors] = await Promise.all([
    db
      .selectDistinct({ value: auditLog.action })
      .from(auditLog)
      .where(inOrg)
      .orderBy(asc(auditLog.action)),
    db
      .selectDistinct({ value: auditLog.targetType })
      .from(auditLog)
      .where(inOrg)
      .orderBy(asc(auditLog.targetType)),
    // The most recently active 200: suggestions, not a directory.
    db
      .select({ value: auditLog.actorLabel, kind: auditLog.actorKind })
      .from(auditLog)
      .where(inOrg)
      .groupBy(auditLog.actorLabel, auditLog.actorKind)
      .orderBy(desc(max(auditLog.createdAt)))
      .limit(200),
  ]);
  return {
    actions: actions.map((a) => a.value),
    targetTypes: targetTypes.map((t) => t.value),
    actors: [...new Set(actors.map((a) => a.value))].sort((a, b) => a.localeCompare(b)),
  };
}

export type AuditFacets = Awaited<ReturnType<typeof auditFacets>>;

// Target names: looked up per type, inside the organisation, for the ids on hand (a few small
// indexed queries rather than a join per row). An id of another organisation finds nothing.
const nameLookups: Record<
  string,
  (db: Db, orgId: string, ids: string[]) => Promise<{ id: string; name: string }[]>
> = {
  group: (db, orgId, ids) =>
    db
      .select({ id: groups.id, name: groups.name })
      .from(groups)
      .where(and(eq(groups.orgId, orgId), inArray(groups.id, ids))),
  api_key: (db, orgId, ids) =>
    db
      .select({ id: apiKeys.id, name: apiKeys.name })
      .from(apiKeys)
      .where(and(eq(apiKeys.orgId, orgId), inArray(apiKeys.id, ids))),
  member: (db, orgId, ids) =>
    db
      .select({ id: orgMembers.id, name: users.name })
      .from(orgMembers)
      .innerJoin(users, eq(users.id, orgMembers.userId))
      .where(and(eq(orgMembers.orgId, orgId), inArray(orgMembers.id, ids))),
  user: (db, orgId, ids) =>
    db
      .select({ id: users.id, name: users.name })
      .from(orgMembers)
      .innerJoin(users, eq(users.id, orgMembers.userId))
      .where(and(eq(orgMembers.orgId, orgId), inArray(orgMembers.userId, ids))),
  gateway_token: (db, orgId, ids) =>
    db
      .select({ id: gatewayTokens.id, name: gatewayTokens.name })
      .from(gatewayTokens)
      .where(and(eq(gatewayTokens.orgId, orgId), inArray(gatewayTokens.id, ids))),
  webhook_endpoint: (db, orgId, ids) =>
    db
      .select({ id: webhookEndpoints.id, name: webhookEndpoints.url })
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.orgId, orgId), inArray(webhookEndpoints.id, ids))),
};

/** A name the entry itself recorded (a deleted endpoint's URL, a removed member's email). */
function recordedName(row: Row): string | null {
  for (const side of [row.after, row.before]) {
    if (!isPlainObject(side)) continue;
    for (const field of ["name", "email", "url", "key"]) {
      const value = side[field];
      if (typeof value === "string" && value) return value;
    }
  }
  return null;
}

async function withTargetNames(db: Db, actor: Actor, rows: Row[]): Promise<AuditRow[]> {
  // A bulk change naming a single group ("groups") is named like a group.
  const lookupType = (type: string) => (type === "groups" ? "group" : type);
  const idsByType = new Map<string, Set<string>>();
  for (const row of rows) {
    const type = lookupType(row.targetType);
    if (!row.targetId || !nameLookups[type] || !isUuid(row.targetId)) continue;
    const ids = idsByType.get(type) ?? new Set<string>();
    ids.add(row.targetId);
    idsByType.set(type, ids);
  }
  const names = new Map<string, string>();
  await Promise.all(
    [...idsByType].map(async ([type, ids]) => {
      for (const found of await nameLookups[type]!(db, actor.orgId, [...ids]))
        names.set(`${type}:${found.id}`, found.name);
    }),
  );
  return rows.map((row) => ({
    ...row,
    targetName: names.get(`${lookupType(row.targetType)}:${row.targetId}`) ?? recordedName(row),
  }));
}

// What changed, for people: the fields whose values differ between before and after (nested
// objects by dotted path, arrays as a whole), each value as JSON text. An entry with one side
// only (a creation, a revocation) lists that side's fields.

export interface AuditChange {
  /** Dotted path of the field; "" when a side is not an object. */
  path: string;
  /** JSON text, or ABSENT when a two-sided entry lacks the field on that side; undefined when
   * the entry has no such side at all. */
  before?: string;
  after?: string;
}

/** Not JSON, so never confused with a value (a JSON string is quoted). */
export const ABSENT = "(none)";

export interface AuditChanges {
  sides: "none" | "before" | "after" | "both";
  changes: AuditChange[];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function flatten(value: unknown, path: string, out: Map<string, unknown>, depth = 0) {
  if (isPlainObject(value) && (depth === 0 || (depth < 3 && Object.keys(value).length > 0))) {
    for (const [key, inner] of Object.entries(value))
      flatten(inner, path ? `${path}.${key}` : key, out, depth + 1);
  } else out.set(path, value);
}

const json = (value: unknown) => (value === undefined ? undefined : JSON.stringify(value));

export function auditChanges(before: unknown, after: unknown): AuditChanges {
  const has = (v: unknown) => v !== null && v !== undefined;
  const sides = has(before) ? (has(after) ? "both" : "before") : has(after) ? "after" : "none";
  if (sides === "none") return { sides, changes: [] };
  const b = new Map<string, unknown>();
  const a = new Map<string, unknown>();
  if (has(before)) flatten(before, "", b);
  if (has(after)) flatten(after, "", a);
  if (sides !== "both") {
    const only = sides === "before" ? b : a;
    return {
      sides,
      changes: [...only].map(([path, value]) => ({ path, [sides]: json(value) })),
    };
  }
  const changes: AuditChange[] = [];
  for (const path of new Set([...b.keys(), ...a.keys()])) {
    const [was, now] = [json(b.get(path)), json(a.get(path))];
    if (was !== now) changes.push({ path, before: was ?? ABSENT, after: now ?? ABSENT });
  }
  return { sides, changes };
}

/** One line per change: `name: "A" → "B"`; a field only on one side shows that value. */
export function formatAuditChange(change: AuditChange, maxValueLength = Infinity): string {
  const cut = (text: string) =>
    text.length > maxValueLength ? `${text.slice(0, maxValueLength - 1)}…` : text;
  const value =
    change.before !== undefined && change.after !== undefined
      ? `${cut(change.before)} → ${cut(change.after)}`
      : cut(change.before ?? change.after ?? "");
  return change.path ? `${change.path}: ${value}` : value;
}

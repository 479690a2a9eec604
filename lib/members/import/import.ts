import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/connect";
import { queryRows, textArray, uuidArray } from "@/db/rows";
import { type MemberRole, groups, memberImports, orgMembers, orgs } from "@/db/schema";
import { audit } from "@/lib/audit/record";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { Conflict, NotFound } from "@/lib/errors";
import { archiveGroup, createGroup } from "@/lib/groups/commands";
import type { MembershipPair } from "@/lib/memberships/schemas";
import { deleteMemberships, insertMemberships } from "@/lib/memberships/write";
import { syncMemberRules } from "@/lib/rules/sync";
import { IMPORT_LIMITS } from "./file";
import { type ColumnMapping, columnMapping, guessMapping, parseCsv } from "./parse";
import { type ImportPlan, emptyPlan, planImport } from "./plan";

// Importing members and their groups from CSV: a preview that changes nothing, the import in one
// transaction (all its valid rows or nothing), audited, and Undo.

export const importInput = z.object({
  fileName: z.string().trim().min(1).max(255).default("members.csv").catch("members.csv"),
  csv: z
    .string({ error: "Choose a CSV file." })
    .min(1, "The file is empty.")
    .max(IMPORT_LIMITS.bytes, "The file is too large: import at most 8 MB at a time."),
  mapping: columnMapping.nullable().default(null),
});

export type ImportInput = z.input<typeof importInput>;

/** What a preview shows: the columns, the mapping used and the plan's counts and lists. */
export interface ImportPreview {
  headers: string[];
  mapping: ColumnMapping;
  plan: ImportPlan;
}

const PREVIEW_ROWS = 200;
const shortened = (plan: ImportPlan): ImportPlan => ({
  ...plan,
  create: plan.create.slice(0, PREVIEW_ROWS),
  reactivate: plan.reactivate.slice(0, PREVIEW_ROWS),
  roleChanges: plan.roleChanges.slice(0, PREVIEW_ROWS),
  memberships: plan.memberships.slice(0, PREVIEW_ROWS),
  errors: plan.errors.slice(0, 1_000),
});

export interface ImportCounts {
  rows: number;
  created: number;
  reactivated: number;
  roleChanges: number;
  memberships: number;
  groups: number;
  skipped: number;
}

function countsOf(plan: ImportPlan): ImportCounts {
  return {
    rows: plan.rows,
    created: plan.create.length,
    reactivated: plan.reactivate.length,
    roleChanges: plan.roleChanges.length,
    memberships: plan.memberships.length,
    groups: plan.newGroups.length,
    skipped: new Set(plan.errors.map((e) => e.line)).size,
  };
}

/** The dry run: what importing this file with this mapping (or a guessed one) would do. */
export async function previewMemberImport(
  db: Db,
  actor: Actor,
  raw: ImportInput,
): Promise<ImportPreview & { counts: ImportCounts }> {
  assertCan(actor, "org:manage");
  const input = importInput.parse(raw);
  const csv = parseCsv(input.csv);
  const mapping = input.mapping ?? guessMapping(csv.headers);
  // Without an email column there is nothing to plan yet: the page asks for one.
  const plan =
    mapping.email === null
      ? emptyPlan(csv.rows.length)
      : await planImport(db, actor, csv, { ...mapping, email: mapping.email });
  return { headers: csv.headers, mapping, plan: shortened(plan), counts: countsOf(plan) };
}

interface ImportChanges {
  createdMemberIds: string[];
  reactivatedMemberIds: string[];
  roleChanges: { memberId: string; from: MemberRole; to: MemberRole }[];
  memberships: MembershipPair[];
  groupIds: string[];
}

/**
 * Imports the file's valid rows in one transaction: new people (and users where the email is new
 * to Gatehouse), removed members back, roles, new groups under their parents, memberships, and
 * every default group and auto-assign rule for the new and returning members. Rows with errors are skipped; a file
 * whose every row has one changes nothing. One audit row names the import; its record lists
 * every change, for Undo.
 */
export async function importMembers(db: Db, actor: Actor, raw: ImportInput) {
  assertCan(actor, "org:manage");
  const input = importInput.parse(raw);
  if (!input.mapping) throw new Conflict("Choose which column holds what, then preview.");
  const csv = parseCsv(input.csv);
  const mapping = input.mapping;
  return db.transaction(async (tx) => {
    // One import of an organisation at a time: each plans against what the other did.
    await tx.select({ id: orgs.id }).from(orgs).where(eq(orgs.id, actor.orgId)).for("update");
    const plan = await planImport(tx, actor, csv, mapping);
    const counts = countsOf(plan);
    if (
      !plan.create.length &&
      !plan.reactivate.length &&
      !plan.roleChanges.length &&
      !plan.memberships.length
    )
      throw new Conflict(
        plan.errors.length
          ? "Nothing to import: every row has an error (see the preview)."
          : "Nothing to import: everyone is already a member, in these groups, with these roles.",
      );

    const created = await createPeople(tx, actor, plan.create);
    if (plan.reactivate.length)
      await tx.execute(sql`update org_members m set status = 'active', role = x.role::member_role, updated_at = now()
        from unnest(${uuidArray(plan.reactivate.map((r) => r.memberId))}, ${textArray(plan.reactivate.map((r) => r.role))}) as x(id, role)
        where m.org_id = ${actor.orgId}::uuid and m.id = x.id`);
    if (plan.roleChanges.length)
      await tx.execute(sql`update org_members m set role = x.role::member_role, updated_at = now()
        from unnest(${uuidArray(plan.roleChanges.map((r) => r.memberId))}, ${textArray(plan.roleChanges.map((r) => r.to))}) as x(id, role)
        where m.org_id = ${actor.orgId}::uuid and m.id = x.id`);

    const groupIdOf = new Map(
      (
        await tx
          .select({ id: groups.id, name: groups.name, kind: groups.kind })
          .from(groups)
          .where(eq(groups.orgId, actor.orgId))
      ).map((g) => [g.name.toLowerCase(), g]),
    );
    const newGroupIds: string[] = [];
    for (const g of plan.newGroups) {
      const parent = g.parent ? groupIdOf.get(g.parent.toLowerCase()) : undefined;
      const group = await createGroup(tx, actor, {
        name: g.name,
        kind: parent?.kind ?? "custom",
        parentId: parent?.id,
        description: "Created by a CSV import.",
      });
      groupIdOf.set(group.name.toLowerCase(), { id: group.id, name: group.name, kind: group.kind });
      newGroupIds.push(group.id);
    }

    const memberIdOf = new Map<string, string>([
      ...created,
      ...plan.reactivate.map((r) => [r.email, r.memberId] as const),
      ...plan.roleChanges.map((r) => [r.email, r.memberId] as const),
    ]);
    const missing = [
      ...new Set(plan.memberships.map((m) => m.email).filter((e) => !memberIdOf.has(e))),
    ];
    if (missing.length)
      for (const r of await queryRows<{ id: string; email: string }>(
        tx,
        sql`select m.id, u.email from org_members m join users u on u.id = m.user_id
            where m.org_id = ${actor.orgId}::uuid and u.email = any(${textArray(missing)})`,
      ))
        memberIdOf.set(r.email, r.id);
    const pairs = plan.memberships.map((m) => ({
      groupId: groupIdOf.get(m.group.toLowerCase())!.id,
      memberId: memberIdOf.get(m.email)!,
    }));
    const added = await insertMemberships(tx, actor, pairs);
    const defaults = await tx
      .select({ id: groups.id })
      .from(groups)
      .where(
        and(eq(groups.orgId, actor.orgId), eq(groups.isDefault, true), isNull(groups.archivedAt)),
      );
    const joined = [...created.values(), ...plan.reactivate.map((r) => r.memberId)];
    const defaulted = await insertMemberships(
      tx,
      actor,
      { memberIds: joined, groupIds: defaults.map((d) => d.id) },
      "rule",
    );
    // The auto-assign rules, as for anyone who joins (the file brings emails, so its domain
    // rules), and in the record so that Undo takes their memberships back too.
    const ruled = (await syncMemberRules(tx, actor, joined)).added;

    const changes: ImportChanges = {
      createdMemberIds: [...created.values()],
      reactivatedMemberIds: plan.reactivate.map((r) => r.memberId),
      roleChanges: plan.roleChanges.map(({ memberId, from, to }) => ({ memberId, from, to })),
      memberships: [...added, ...defaulted, ...ruled],
      groupIds: newGroupIds,
    };
    const summary = { ...counts, memberships: added.length + defaulted.length + ruled.length };
    const [record] = await tx
      .insert(memberImports)
      .values({
        orgId: actor.orgId,
        fileName: input.fileName,
        createdBy: actor.kind === "user" ? actor.userId : null,
        summary,
        changes,
      })
      .returning({ id: memberImports.id });
    await audit(
      tx,
      actor,
      "members.imported",
      { type: "member_import", id: record!.id },
      { after: { fileName: input.fileName, ...summary } },
    );
    return { importId: record!.id, counts: summary, errors: plan.errors.slice(0, 1_000) };
  });
}

/** New users (unless the email has one) and their memberships of the organisation, by email. */
async function createPeople(tx: Db, actor: Actor, people: ImportPlan["create"]) {
  if (!people.length) return new Map<string, string>();
  const emails = people.map((p) => p.email);
  await tx.execute(sql`insert into users (email, name)
    select * from unnest(${textArray(emails)}, ${textArray(people.map((p) => p.name))})
    on conflict (email) do nothing`);
  const rows = await queryRows<{ id: string; email: string }>(
    tx,
    sql`insert into org_members (org_id, user_id, role)
        select ${actor.orgId}::uuid, u.id, x.role::member_role
        from unnest(${textArray(emails)}, ${textArray(people.map((p) => p.role))}) as x(email, role)
        join users u on u.email = x.email
        returning id, (select email from users where id = user_id) as email`,
  );
  return new Map(rows.map((r) => [r.email, r.id]));
}

/**
 * Takes an import back: its memberships end (history keeps that they were), roles go back where
 * nobody changed them since, the people it added or brought back are removed again, and the
 * groups it created are archived. Once.
 */
export async function undoMemberImport(db: Db, actor: Actor, raw: { importId: string }) {
  assertCan(actor, "org:manage");
  const { importId } = z.object({ importId: z.uuid("Unknown import.") }).parse(raw);
  return db.transaction(async (tx) => {
    const [record] = await tx
      .select()
      .from(memberImports)
      .where(and(eq(memberImports.orgId, actor.orgId), eq(memberImports.id, importId)))
      .for("update");
    if (!record) throw new NotFound("The import");
    if (record.undoneAt) throw new Conflict("This import was undone already.");
    const changes = record.changes as ImportChanges;
    const ended = await deleteMemberships(tx, actor, changes.memberships);
    for (const r of changes.roleChanges)
      await tx
        .update(orgMembers)
        .set({ role: r.from, updatedAt: new Date() })
        .where(
          and(
            eq(orgMembers.orgId, actor.orgId),
            eq(orgMembers.id, r.memberId),
            eq(orgMembers.role, r.to),
          ),
        );
    const back = [...changes.createdMemberIds, ...changes.reactivatedMemberIds];
    if (back.length)
      await tx.execute(sql`update org_members set status = 'removed', updated_at = now()
        where org_id = ${actor.orgId}::uuid and id = any(${uuidArray(back)}) and status = 'active'`);
    // Children first: a group with live subgroups cannot be archived.
    for (const groupId of [...changes.groupIds].reverse())
      await archiveGroup(tx, actor, { groupId });
    await tx
      .update(memberImports)
      .set({ undoneAt: new Date(), undoneBy: actor.kind === "user" ? actor.userId : null })
      .where(and(eq(memberImports.orgId, actor.orgId), eq(memberImports.id, importId)));
    const undone = {
      memberships: ended.length,
      roles: changes.roleChanges.length,
      removed: back.length,
      groups: changes.groupIds.length,
    };
    await audit(
      tx,
      actor,
      "members.import_undone",
      { type: "member_import", id: importId },
      {
        after: undone,
      },
    );
    return undone;
  });
}

/** The organisation's recent imports, newest first, for the import page. */
export async function recentMemberImports(db: Db, actor: Actor) {
  assertCan(actor, "org:manage");
  return db
    .select({
      id: memberImports.id,
      fileName: memberImports.fileName,
      createdAt: memberImports.createdAt,
      summary: memberImports.summary,
      undoneAt: memberImports.undoneAt,
    })
    .from(memberImports)
    .where(eq(memberImports.orgId, actor.orgId))
    .orderBy(desc(memberImports.createdAt))
    .limit(10);
}

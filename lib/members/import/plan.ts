import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { queryRows, textArray } from "@/db/rows";
import { type MemberRole, groups, orgMembers, users } from "@/db/schema";
import type { Actor } from "@/lib/auth/actor";
import { groupName } from "@/lib/groups/schemas";
import { memberEmail, memberName } from "@/lib/members/schemas";
import type { ColumnMapping, ParsedCsv } from "./parse";

// What an import would do, row by row, against the organisation as it is: who is new, who comes
// back, whose role changes, which groups are created (under which parent) and which memberships
// are added; and each row that cannot be imported, with its line and why. The preview shows it;
// the import recomputes it in its transaction and carries it out.

export interface RowError {
  line: number;
  message: string;
}

type ImportRole = Exclude<MemberRole, "owner">;

export interface ImportPlan {
  rows: number;
  create: { line: number; email: string; name: string; role: ImportRole }[];
  reactivate: { line: number; memberId: string; email: string; role: MemberRole }[];
  roleChanges: {
    line: number;
    memberId: string;
    email: string;
    from: MemberRole;
    to: ImportRole;
  }[];
  /** In the order they can be created: a parent before its children. */
  newGroups: { name: string; parent: string | null; line: number }[];
  /** By email and group name (a new member or group has no id before the import). */
  memberships: { line: number; email: string; group: string }[];
  alreadyIn: number;
  errors: RowError[];
}

// A spreadsheet runs a cell that starts with one of these as a formula: such a name, stored, is
// a trap for whoever exports it later (Gatehouse's own CSVs neutralise them; other tools may not).
const FORMULA_START = /^[=+\-@]/;
const SPLIT_GROUPS = /[;|\n]/;

function nameIssue(what: string, value: string, schema: typeof groupName | typeof memberName) {
  if (FORMULA_START.test(value))
    return `${what} "${value.slice(0, 40)}" starts with ${value[0]}, which spreadsheets run as a formula.`;
  const parsed = schema.safeParse(value);
  return parsed.success ? null : `${what}: ${parsed.error.issues[0]!.message}`;
}

/** A plan that does nothing, for a file of this many rows. */
export const emptyPlan = (rows: number): ImportPlan => ({
  rows,
  create: [],
  reactivate: [],
  roleChanges: [],
  newGroups: [],
  memberships: [],
  alreadyIn: 0,
  errors: [],
});

export async function planImport(
  db: Db,
  actor: Actor,
  csv: ParsedCsv,
  mapping: ColumnMapping,
): Promise<ImportPlan> {
  const cell = (cells: string[], field: keyof ColumnMapping) => {
    const at = mapping[field];
    return at === null ? "" : (cells[at] ?? "").trim();
  };
  const emails = [
    ...new Set(csv.rows.map((r) => memberEmail.safeParse(cell(r.cells, "email")).data ?? "")),
  ].filter(Boolean);
  const [people, orgGroups, memberships] = await Promise.all([
    emails.length
      ? db
          .select({
            email: users.email,
            userId: users.id,
            memberId: orgMembers.id,
            role: orgMembers.role,
            status: orgMembers.status,
          })
          .from(users)
          .leftJoin(
            orgMembers,
            and(eq(orgMembers.userId, users.id), eq(orgMembers.orgId, actor.orgId)),
          )
          .where(sql`${users.email} = any(${textArray(emails)})`)
      : [],
    db
      .select({ id: groups.id, name: groups.name, archivedAt: groups.archivedAt })
      .from(groups)
      .where(eq(groups.orgId, actor.orgId)),
    queryRows<{ group_id: string; email: string }>(
      db,
      sql`select gm.group_id, u.email from group_members gm
          join org_members m on m.org_id = gm.org_id and m.id = gm.member_id
          join users u on u.id = m.user_id
          where gm.org_id = ${actor.orgId}::uuid and u.email = any(${textArray(emails)})`,
    ),
  ]);
  const personOf = new Map(people.map((p) => [p.email, p]));
  const groupOf = new Map(orgGroups.map((g) => [g.name.toLowerCase(), g]));
  const inGroup = new Set(memberships.map((m) => `${m.group_id}/${m.email}`));

  const plan = emptyPlan(csv.rows.length);
  const seenOn = new Map<string, number>();
  const parentOfNew = new Map<string, { parent: string | null; line: number; name: string }>();
  const pending: { line: number; email: string; groups: string[] }[] = [];

  for (const { line, cells } of csv.rows) {
    const fail = (message: string) => plan.errors.push({ line, message });
    const rawEmail = cell(cells, "email");
    const email = memberEmail.safeParse(rawEmail);
    if (!email.success) {
      fail(rawEmail ? `"${rawEmail.slice(0, 80)}" is not an email address.` : "No email address.");
      continue;
    }
    const address = email.data;
    const earlier = seenOn.get(address);
    if (earlier) {
      fail(`${address} is also on line ${earlier}: each person once.`);
      continue;
    }
    seenOn.set(address, line);

    const rawRole = cell(cells, "role").toLowerCase();
    if (rawRole && rawRole !== "member" && rawRole !== "admin") {
      fail(
        rawRole === "owner"
          ? "Owners are made one at a time, in Members: import them as admin or member."
          : `Role "${rawRole.slice(0, 40)}" is not member or admin (or leave it empty).`,
      );
      continue;
    }
    const name = cell(cells, "name");
    const nameProblem = name ? nameIssue("Name", name, memberName) : null;
    if (nameProblem) {
      fail(nameProblem);
      continue;
    }
    const rowGroups = [
      ...new Set(
        cell(cells, "groups")
          .split(SPLIT_GROUPS)
          .map((g) => g.trim())
          .filter(Boolean),
      ),
    ];
    const parent = cell(cells, "parent") || null;
    const groupProblem = [...rowGroups, ...(parent ? [parent] : [])]
      .map((g) => nameIssue(`Group "${g.slice(0, 40)}"`, g, groupName))
      .find(Boolean);
    if (groupProblem) {
      fail(groupProblem);
      continue;
    }
    const archived = [...rowGroups, ...(parent ? [parent] : [])].find(
      (g) => groupOf.get(g.toLowerCase())?.archivedAt,
    );
    if (archived) {
      fail(`The group ${archived} is archived: restore it first, or leave it out.`);
      continue;
    }
    const conflict = rowGroups
      .filter((g) => !groupOf.has(g.toLowerCase()))
      .map((g) => ({ g, known: parentOfNew.get(g.toLowerCase()) }))
      .find(
        ({ known }) => known && (known.parent ?? "").toLowerCase() !== (parent ?? "").toLowerCase(),
      );
    if (conflict) {
      fail(
        `The new group ${conflict.g} is put under ${conflict.known!.parent ?? "no parent"} on line ${conflict.known!.line} and under ${parent ?? "no parent"} here.`,
      );
      continue;
    }

    const person = personOf.get(address);
    const role = (rawRole || null) as ImportRole | null;
    if (person?.memberId && person.status !== "removed") {
      if (role && role !== person.role) {
        if (person.role === "owner") {
          fail(`${address} is an owner: change an owner's role in Members.`);
          continue;
        }
        if (person.memberId === (actor.kind === "user" ? actor.memberId : null)) {
          fail("Your own role is not changed by an import.");
          continue;
        }
        plan.roleChanges.push({
          line,
          memberId: person.memberId,
          email: address,
          from: person.role!,
          to: role,
        });
      }
    } else if (person?.memberId) {
      plan.reactivate.push({
        line,
        memberId: person.memberId,
        email: address,
        role: role ?? "member",
      });
    } else {
      plan.create.push({
        line,
        email: address,
        name: name || address.split("@")[0]!,
        role: role ?? "member",
      });
    }
    for (const g of rowGroups)
      if (!groupOf.has(g.toLowerCase()) && !parentOfNew.has(g.toLowerCase()))
        parentOfNew.set(g.toLowerCase(), { parent, line, name: g });
    pending.push({ line, email: address, groups: rowGroups });
  }

  // New groups in an order that creates each parent first; a parent must be a live group or
  // another new group of the file, and no new group may end up its own ancestor.
  const ordered: ImportPlan["newGroups"] = [];
  const placed = new Set<string>();
  const unplaceable = new Set<string>();
  const place = (key: string, trail: Set<string>): boolean => {
    if (placed.has(key)) return true;
    if (unplaceable.has(key)) return false;
    const g = parentOfNew.get(key)!;
    const parentKey = g.parent?.toLowerCase() ?? null;
    const ok =
      parentKey === null ||
      Boolean(groupOf.get(parentKey)) ||
      (parentOfNew.has(parentKey) &&
        !trail.has(parentKey) &&
        place(parentKey, new Set([...trail, key])));
    if (!ok) {
      unplaceable.add(key);
      plan.errors.push({
        line: g.line,
        message:
          parentKey && parentOfNew.has(parentKey)
            ? `The new groups ${g.name} and ${g.parent} would each be under the other.`
            : `The parent ${g.parent} is not a group, nor one this file creates.`,
      });
      return false;
    }
    placed.add(key);
    ordered.push({ name: g.name, parent: g.parent, line: g.line });
    return true;
  };
  for (const key of parentOfNew.keys()) place(key, new Set());
  plan.newGroups = ordered;

  // A row whose new group cannot be made is not imported at all: nothing half-done.
  const failedLines = new Set(plan.errors.map((e) => e.line));
  const badGroupRows = pending.filter((p) =>
    p.groups.some((g) => unplaceable.has(g.toLowerCase())),
  );
  for (const p of badGroupRows)
    if (!failedLines.has(p.line))
      plan.errors.push({
        line: p.line,
        message: "One of its groups cannot be created (see its line).",
      });
  const skip = new Set(plan.errors.map((e) => e.line));
  plan.create = plan.create.filter((c) => !skip.has(c.line));
  plan.reactivate = plan.reactivate.filter((c) => !skip.has(c.line));
  plan.roleChanges = plan.roleChanges.filter((c) => !skip.has(c.line));
  for (const p of pending) {
    if (skip.has(p.line)) continue;
    for (const g of p.groups) {
      const existing = groupOf.get(g.toLowerCase());
      if (existing && inGroup.has(`${existing.id}/${p.email}`)) plan.alreadyIn++;
      else plan.memberships.push({ line: p.line, email: p.email, group: existing?.name ?? g });
    }
  }
  plan.errors.sort((a, b) => a.line - b.line);
  return plan;
}

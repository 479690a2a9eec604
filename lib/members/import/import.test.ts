import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import {
  auditLog,
  groupMembers,
  groupMembershipHistory,
  groups,
  orgMembers,
  users,
} from "@/db/schema";
import { insertGroup, insertMember, insertUser } from "@/db/seed/builders";
import { Conflict, Forbidden, NotFound } from "@/lib/errors";
import { removeMember } from "@/lib/members/commands";
import { createRule } from "@/lib/rules/commands";
import { bothDatabases, testDatabase } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import { IMPORT_LIMITS, decodeCsvBytes } from "./file";
import {
  importMembers,
  previewMemberImport,
  recentMemberImports,
  undoMemberImport,
} from "./import";
import { guessMapping, parseCsv } from "./parse";

// Importing members from CSV: the file as people make it (Excel's UTF-8 with a byte-order mark,
// UTF-16, semicolons, quoted cells across lines) and as they should not (another encoding,
// binary, too big, a quote never closed), a preview that names each bad row by its line and
// changes nothing, an import of the valid rows in one transaction, and Undo.

const utf8 = (text: string) => new TextEncoder().encode(text);
const mapping = { email: 0, name: 1, role: 2, groups: 3, parent: 4 };
const HEADER = "email,name,role,groups,parent\n";

describe("the file", () => {
  it("reads UTF-8 with or without Excel's byte-order mark, and UTF-16 with its mark", () => {
    expect(decodeCsvBytes(utf8("\uFEFFemail\nzoë@x.test\n"))).toEqual({
      ok: true,
      text: "email\nzoë@x.test\n",
    });
    const le = new Uint8Array([
      0xff,
      0xfe,
      ...new Uint8Array(new Uint16Array([..."e\tZoë"].map((c) => c.charCodeAt(0))).buffer),
    ]);
    expect(decodeCsvBytes(le)).toEqual({ ok: true, text: "e\tZoë" });
  });

  it("refuses another encoding, binary data, an empty file and one too large, saying why", () => {
    // "Zoë" in Windows-1252.
    expect(decodeCsvBytes(new Uint8Array([0x5a, 0x6f, 0xeb]))).toMatchObject({
      ok: false,
      error: expect.stringContaining("not UTF-8"),
    });
    expect(decodeCsvBytes(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00]))).toMatchObject({
      ok: false,
      error: expect.stringContaining("binary"),
    });
    expect(decodeCsvBytes(new Uint8Array())).toEqual({ ok: false, error: "The file is empty." });
    expect(decodeCsvBytes(new Uint8Array(IMPORT_LIMITS.bytes + 1))).toMatchObject({
      ok: false,
      error: expect.stringContaining("at most 8 MB"),
    });
  });

  it("parses semicolons and quoted cells across lines, numbering rows by the line they start on", () => {
    const csv = parseCsv('Email;Name\r\nann@x.test;"Ann\nSmith"\r\n\r\nbob@x.test;Bob\r\n');
    expect(csv).toEqual({
      headers: ["Email", "Name"],
      rows: [
        { line: 2, cells: ["ann@x.test", "Ann\nSmith"] },
        { line: 5, cells: ["bob@x.test", "Bob"] },
      ],
    });
  });

  it("refuses a quote never closed, a header alone and more rows than the limit", () => {
    expect(() => parseCsv('email\nann@x.test\n"bob@x.test\n')).toThrow(
      'Line 3: a quoted cell is never closed (a " is missing).',
    );
    expect(() => parseCsv("email\n")).toThrow("a header row but no people");
    const started = performance.now();
    const huge = `email\n${Array.from({ length: 100_000 }, (_, i) => `p${i}@x.test`).join("\n")}\n`;
    expect(() => parseCsv(huge)).toThrow("more than 50,000 rows");
    // Stops at the limit rather than reading the rest.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("guesses the columns from the header's words", () => {
    expect(guessMapping(["E-mail address", "Full name", "Team", "Role", "Parent group"])).toEqual({
      email: 0,
      name: 1,
      groups: 2,
      role: 3,
      parent: 4,
    });
    expect(guessMapping(["Who", "What"]).email).toBeNull();
  });
});

describe.each(bothDatabases())("CSV import on %s", (on) => {
  let db: Db;
  beforeAll(async () => {
    db = (await testDatabase(on)).db;
  });

  async function scene() {
    const f = await orgFixture(db, "admin");
    const engineering = await insertGroup(db, {
      orgId: f.org.id,
      name: "Engineering",
      kind: "department",
    });
    const everyone = await insertGroup(db, {
      orgId: f.org.id,
      name: "Everyone",
      kind: "custom",
      isDefault: true,
    });
    await insertGroup(db, { orgId: f.org.id, name: "Old Team", kind: "custom" }).then((g) =>
      db.update(groups).set({ archivedAt: new Date() }).where(eq(groups.id, g.id)),
    );
    const owner = await f.person("Olga Owner", "owner");
    const carl = await f.person("Carl");
    return { ...f, engineering, everyone, owner, carl };
  }

  const membersOf = async (groupId: string) =>
    (
      await db
        .select({ email: users.email })
        .from(groupMembers)
        .innerJoin(orgMembers, eq(orgMembers.id, groupMembers.memberId))
        .innerJoin(users, eq(users.id, orgMembers.userId))
        .where(eq(groupMembers.groupId, groupId))
    )
      .map((r) => r.email)
      .sort();

  it("previews each bad row by its line and why, and changes nothing", async () => {
    const s = await scene();
    const domain = s.org.slug;
    const csv =
      HEADER +
      [
        `ann@${domain}.test,Ann,admin,Engineering; Platform,Engineering`,
        "not-an-email,Nobody,,,",
        `ann@${domain}.test,Ann again,,,`,
        `olga.owner@${domain}.test,,member,,`,
        `dee@${domain}.test,Dee,owner,,`,
        `eve@${domain}.test,=HYPERLINK("http://evil"),,,`,
        `fay@${domain}.test,Fay,,Old Team,`,
        `gus@${domain}.test,Gus,,Mobile,Nowhere`,
        `hal@${domain}.test,Hal,,Platform,Marketing`,
        `ivy@${domain}.test,Ivy,superuser,,`,
        `actor@${domain}.test,,member,,`,
        `carl@${domain}.test,,admin,Engineering,`,
      ].join("\n");
    const before = await db.select().from(orgMembers).where(eq(orgMembers.orgId, s.org.id));
    const { counts, plan } = await previewMemberImport(db, s.actor, { csv, mapping });
    expect(plan.errors).toEqual([
      { line: 3, message: '"not-an-email" is not an email address.' },
      { line: 4, message: `ann@${domain}.test is also on line 2: each person once.` },
      {
        line: 5,
        message: `olga.owner@${domain}.test is an owner: change an owner's role in Members.`,
      },
      {
        line: 6,
        message: "Owners are made one at a time, in Members: import them as admin or member.",
      },
      {
        line: 7,
        message:
          'Name "=HYPERLINK("http://evil")" starts with =, which spreadsheets run as a formula.',
      },
      { line: 8, message: "The group Old Team is archived: restore it first, or leave it out." },
      { line: 9, message: "The parent Nowhere is not a group, nor one this file creates." },
      {
        line: 10,
        message:
          "The new group Platform is put under Engineering on line 2 and under Marketing here.",
      },
      { line: 11, message: 'Role "superuser" is not member or admin (or leave it empty).' },
      { line: 12, message: "Your own role is not changed by an import." },
    ]);
    expect(counts).toEqual({
      rows: 12,
      created: 1,
      reactivated: 0,
      roleChanges: 1,
      memberships: 3,
      groups: 1,
      skipped: 10,
    });
    expect(plan.newGroups).toEqual([{ name: "Platform", parent: "Engineering", line: 2 }]);
    expect(plan.memberships.map((m) => [m.email, m.group])).toEqual([
      [`ann@${domain}.test`, "Engineering"],
      [`ann@${domain}.test`, "Platform"],
      [`carl@${domain}.test`, "Engineering"],
    ]);
    expect(await db.select().from(orgMembers).where(eq(orgMembers.orgId, s.org.id))).toEqual(
      before,
    );
  });

  it("imports the valid rows in one go, audited, and Undo takes it all back", async () => {
    const s = await scene();
    const domain = s.org.slug;
    // Someone with an account in another organisation keeps it (and its name and password).
    const elsewhere = await insertUser(db, {
      email: `zed@${domain}.test`,
      name: "Zed Elsewhere",
      password: "correct horse battery",
    });
    const other = await orgFixture(db, "admin");
    await insertMember(db, { orgId: other.org.id, userId: elsewhere.id });
    // Someone removed earlier comes back.
    const back = await s.person("Rita Returning");
    await removeMember(db, s.actor, { memberId: back.id });

    const csv =
      HEADER +
      [
        `ann@${domain}.test,Ann Archer,admin,Engineering; Platform,Engineering`,
        `bea@${domain}.test,Bea,,Platform;Platform Mobile,`,
        `zed@${domain}.test,Zed Here,,Engineering,`,
        `rita.returning@${domain}.test,,,,`,
        `carl@${domain}.test,,admin,,`,
        "broken,,,,",
      ].join("\n");
    // Platform Mobile goes under Platform: a new group under another new one.
    const withParent = csv.replace("Platform;Platform Mobile,", "Platform Mobile,Platform");
    const { importId, counts, errors } = await importMembers(db, s.actor, {
      csv: withParent,
      mapping,
      fileName: "people.csv",
    });
    expect(errors).toEqual([{ line: 7, message: '"broken" is not an email address.' }]);
    expect(counts).toEqual({
      rows: 6,
      created: 3,
      reactivated: 1,
      roleChanges: 1,
      // ann ×2, bea, zed; and Everyone (default) for ann, bea, zed, rita.
      memberships: 8,
      groups: 2,
      skipped: 1,
    });
    const orgGroups = await db.select().from(groups).where(eq(groups.orgId, s.org.id));
    const platform = orgGroups.find((g) => g.name === "Platform")!;
    const mobile = orgGroups.find((g) => g.name === "Platform Mobile")!;
    expect(platform).toMatchObject({ parentId: s.engineering.id, kind: "department" });
    expect(mobile).toMatchObject({ parentId: platform.id });
    expect(await membersOf(s.engineering.id)).toEqual([`ann@${domain}.test`, `zed@${domain}.test`]);
    expect(await membersOf(mobile.id)).toEqual([`bea@${domain}.test`]);
    expect(await membersOf(s.everyone.id)).toEqual(
      [
        `ann@${domain}.test`,
        `bea@${domain}.test`,
        `rita.returning@${domain}.test`,
        `zed@${domain}.test`,
      ].sort(),
    );
    const [zed] = await db
      .select()
      .from(users)
      .where(eq(users.email, `zed@${domain}.test`));
    expect(zed).toMatchObject({ name: "Zed Elsewhere", passwordHash: elsewhere.passwordHash });
    const roleOf = async (email: string) =>
      (
        await db
          .select({ role: orgMembers.role, status: orgMembers.status })
          .from(orgMembers)
          .innerJoin(users, eq(users.id, orgMembers.userId))
          .where(and(eq(orgMembers.orgId, s.org.id), eq(users.email, email)))
      )[0];
    expect(await roleOf(`ann@${domain}.test`)).toEqual({ role: "admin", status: "active" });
    expect(await roleOf(`carl@${domain}.test`)).toEqual({ role: "admin", status: "active" });
    expect(await roleOf(`rita.returning@${domain}.test`)).toEqual({
      role: "member",
      status: "active",
    });
    const [audited] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.orgId, s.org.id), eq(auditLog.action, "members.imported")));
    expect(audited).toMatchObject({
      targetId: importId,
      after: { fileName: "people.csv", created: 3 },
    });
    expect((await recentMemberImports(db, s.actor))[0]).toMatchObject({
      id: importId,
      undoneAt: null,
    });

    // The same file again: nothing left to do.
    await expect(importMembers(db, s.actor, { csv: withParent, mapping })).rejects.toThrow(
      "Nothing to import",
    );

    expect(await undoMemberImport(db, s.actor, { importId })).toEqual({
      memberships: 8,
      roles: 1,
      removed: 4,
      groups: 2,
    });
    expect(await membersOf(s.engineering.id)).toEqual([]);
    expect(await membersOf(s.everyone.id)).toEqual([]);
    expect(await roleOf(`carl@${domain}.test`)).toEqual({ role: "member", status: "active" });
    expect(await roleOf(`ann@${domain}.test`)).toMatchObject({ status: "removed" });
    expect(await roleOf(`rita.returning@${domain}.test`)).toMatchObject({ status: "removed" });
    const after = await db.select().from(groups).where(eq(groups.orgId, s.org.id));
    expect(after.find((g) => g.id === platform.id)!.archivedAt).not.toBeNull();
    expect(after.find((g) => g.id === mobile.id)!.archivedAt).not.toBeNull();
    // History keeps that they were members for a while.
    const history = await db
      .select()
      .from(groupMembershipHistory)
      .where(eq(groupMembershipHistory.groupId, s.engineering.id));
    expect(history).toHaveLength(2);
    expect(history.every((h) => h.validTo !== null)).toBe(true);
    await expect(undoMemberImport(db, s.actor, { importId })).rejects.toBeInstanceOf(Conflict);
    // Zed's account elsewhere is untouched.
    expect(
      (await db.select().from(orgMembers).where(eq(orgMembers.orgId, other.org.id))).some(
        (m) => m.userId === elsewhere.id && m.status === "active",
      ),
    ).toBe(true);
  });

  it("imports 5,000 people into two groups in one transaction", async () => {
    const s = await scene();
    const csv =
      HEADER +
      Array.from(
        { length: 5_000 },
        (_, i) => `p${i}@${s.org.slug}.test,Person ${i},,Engineering;Bulk ${i % 2},`,
      ).join("\n");
    const { counts } = await importMembers(db, s.actor, { csv, mapping });
    expect(counts).toMatchObject({ created: 5_000, groups: 2, memberships: 15_000, skipped: 0 });
    expect((await membersOf(s.engineering.id)).length).toBe(5_000);
  });

  it("adds the people it brings to the groups of the rules they match, and Undo takes them out", async () => {
    const s = await scene();
    const contractors = await insertGroup(db, {
      orgId: s.org.id,
      name: "Contractors",
      kind: "custom",
    });
    await createRule(db, s.actor, {
      name: "Agency people",
      attribute: "email_domain",
      values: "agency.test",
      groupIds: [contractors.id],
    });
    const csv = `${HEADER}ann@agency.test,Ann,,,\nbob@${s.org.slug}.test,Bob,,,\n`;
    const { importId, counts } = await importMembers(db, s.actor, { csv, mapping });
    // Ann and Bob into Everyone (the default group), Ann into Contractors (the rule).
    expect(counts.memberships).toBe(3);
    expect(await membersOf(contractors.id)).toEqual(["ann@agency.test"]);
    await undoMemberImport(db, s.actor, { importId });
    expect(await membersOf(contractors.id)).toEqual([]);
  });

  it("is for admins of the organisation only", async () => {
    const s = await scene();
    const csv = `${HEADER}x@${s.org.slug}.test,X,,,\n`;
    const { importId } = await importMembers(db, s.actor, { csv, mapping });
    const member = await orgFixture(db, "member");
    await expect(previewMemberImport(db, member.actor, { csv, mapping })).rejects.toBeInstanceOf(
      Forbidden,
    );
    await expect(importMembers(db, member.actor, { csv, mapping })).rejects.toBeInstanceOf(
      Forbidden,
    );
    const stranger = await orgFixture(db, "admin");
    await expect(undoMemberImport(db, stranger.actor, { importId })).rejects.toBeInstanceOf(
      NotFound,
    );
    expect(await recentMemberImports(db, stranger.actor)).toEqual([]);
  });
});

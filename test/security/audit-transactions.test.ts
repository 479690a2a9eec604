import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db/connect";
import { queryRows } from "@/db/rows";
import { type Role, authorizationMatrix } from "@/security/authorization-matrix";
import { testDatabase } from "@/test/db";
import { type ActionCase, actionCases } from "./actions";
import { callAs } from "./callers";
import { state } from "./fakes";
import { type OrgWorld, buildOrg, fingerprint, tablesWithOrgId } from "./world";

// Every server action that changes the organisation writes its audit row in the transaction of
// the change: with audit inserts made to fail, the change must not happen at all; with them
// working, every transaction that wrote to a table of the organisation also wrote the audit log.

vi.mock("@/db/client", async () => (await import("./fakes")).dbClient);
vi.mock("next/headers", async () => (await import("./fakes")).nextHeaders);
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));
vi.mock("@/app/_server/auth", async () => (await import("./fakes")).authModule);
vi.mock("next-auth", async () => (await import("./fakes")).nextAuth);

/** Writes that are not changes by an admin or an integration, so not audited. */
const NOT_AUDITED: Record<string, string> = {
  "app/login/actions.ts#signInWithPasswordAction":
    "a sign-in writes the caller's session and a login attempt, not a change to the organisation",
};

/** Tables a call may write after its audited change, as bookkeeping of the system's own work. */
const BOOKKEEPING: Record<string, string[]> = {
  // The test event or retry is queued with its audit row, then sent at once: the outcome of the
  // attempt goes to the delivery log in the sender's own transaction.
  "app/(console)/settings/actions.ts#sendTestEventAction": ["webhook_deliveries"],
  "app/(console)/settings/actions.ts#retryDeliveryAction": ["webhook_deliveries"],
};

let db: Db;
let a: OrgWorld;

beforeAll(async () => {
  ({ db } = await testDatabase());
  state.db = db;
  a = await buildOrg(db, "a");
  vi.stubGlobal("fetch", async () => new Response(null, { status: 204 }));
  // The failed audit inserts are logged by the action wrapper as unexpected errors.
  vi.spyOn(console, "error").mockImplementation(() => {});
  await db.execute(sql`
    create function audit_insert_fails() returns trigger language plpgsql as $$
    begin
      raise exception 'audit log unavailable (test)';
    end $$`);
  // Which transaction wrote to which table: every statement on a table with an org_id.
  await db.execute(sql`create table test_changes (tbl text not null, txid bigint not null)`);
  await db.execute(sql`
    create function note_change() returns trigger language plpgsql as $$
    begin
      insert into test_changes values (tg_table_name, txid_current());
      return null;
    end $$`);
  for (const table of await tablesWithOrgId(db))
    await db.execute(
      sql.raw(`create trigger note_change after insert or update or delete on "${table}"
               for each statement execute function note_change()`),
    );
});
afterAll(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const failAuditInserts = (on: boolean) =>
  db.execute(
    on
      ? sql`create trigger audit_insert_fails before insert on audit_log
            for each row execute function audit_insert_fails()`
      : sql`drop trigger audit_insert_fails on audit_log`,
  );

/** The transactions that wrote since the last call: those that wrote the audit log, and the others. */
async function transactions() {
  const rows = await queryRows<{ tbl: string; txid: string }>(
    db,
    sql`delete from test_changes returning tbl, txid::text`,
  );
  const audited = new Set(rows.filter((r) => r.tbl === "audit_log").map((r) => r.txid));
  const changes = rows.filter((r) => r.tbl !== "audit_log");
  return { audited, unaudited: changes.filter((r) => !audited.has(r.txid)).map((r) => r.tbl) };
}

/** The most privileged caller the matrix allows to make the change in their own organisation. */
function allowedCaller(c: ActionCase): Role {
  const access = authorizationMatrix[c.id]!.access;
  const role = (["owner", "admin", "member", "gateway", "anonymous"] as const).find(
    (r) => access[r].own === "allowed",
  );
  if (!role) throw new Error(`${c.id}: nobody may call it`);
  return role;
}

const writing = actionCases.filter((c) => c.writes && !NOT_AUDITED[c.id]);

it("leaves out only writes that are not changes", () => {
  expect(writing.length).toBeGreaterThan(30);
  for (const id of Object.keys(NOT_AUDITED)) expect(actionCases.map((c) => c.id)).toContain(id);
});

describe.each(writing.map((c) => [c.id, c] as const))("%s", (_id, c) => {
  it("changes nothing when its audit row cannot be written, and writes one when it can", async () => {
    const role = allowedCaller(c);

    let me = await callAs(db, a, role);
    const input = await c.input({ w: a, me, side: "own" });
    const before = await fingerprint(db, a.org.id);
    await failAuditInserts(true);
    try {
      const answer = await c.run(input).catch((error: unknown) => ({ ok: false, error }));
      expect(answer.ok, "the change went through without its audit row").toBe(false);
    } finally {
      await failAuditInserts(false);
    }
    expect(await fingerprint(db, a.org.id), "part of the change stayed").toEqual(before);

    me = await callAs(db, a, role);
    const secondInput = await c.input({ w: a, me, side: "own" });
    await transactions();
    const answer = await c.run(secondInput);
    expect(answer).toMatchObject({ ok: true });
    const { audited, unaudited } = await transactions();
    expect(audited.size, "no audit row").toBeGreaterThan(0);
    expect(
      unaudited.filter((table) => !BOOKKEEPING[c.id]?.includes(table)),
      "tables changed outside the audited transaction",
    ).toEqual([]);
  });
});

import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { auditLog } from "@/db/schema";
import { REFUSAL_ACTION } from "@/lib/audit/refusals";
import { type Role, authorizationMatrix, roles } from "@/security/authorization-matrix";
import { testDatabase } from "@/test/db";
import { type Answer, type ActionCase, actionCases, withUnknownIds } from "./actions";
import { AUTHORISATION_REFUSAL, callAs } from "./callers";
import { state } from "./fakes";
import { type OrgWorld, type Person, buildOrg, fingerprint } from "./world";

// Every server action, called as every caller of the matrix, with ids of the caller's
// organisation A and of another organisation B, against a real database.

vi.mock("@/db/client", async () => (await import("./fakes")).dbClient);
vi.mock("next/headers", async () => (await import("./fakes")).nextHeaders);
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));
vi.mock("@/app/_server/auth", async () => (await import("./fakes")).authModule);
vi.mock("next-auth", async () => (await import("./fakes")).nextAuth);

let db: Db;
let a: OrgWorld;
let b: OrgWorld;

beforeAll(async () => {
  ({ db } = await testDatabase());
  state.db = db;
  [a, b] = [await buildOrg(db, "a"), await buildOrg(db, "b")];
  // Webhook test events and retries are sent at once: to a receiver that answers 204.
  vi.stubGlobal("fetch", async () => new Response(null, { status: 204 }));
});
afterAll(() => vi.unstubAllGlobals());

const refusal = (answer: Answer) =>
  answer.error ?? (answer.redirect !== undefined ? `redirect:${answer.redirect}` : "no message");

/** Refusals of the action recorded in the audit log for this caller. */
async function refusalsRecorded(me: Person, id: string): Promise<number> {
  const rows = await db
    .select({ id: auditLog.id })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.orgId, a.org.id),
        eq(auditLog.action, REFUSAL_ACTION),
        eq(auditLog.actorUserId, me.userId),
        eq(auditLog.targetId, id.replace(/^.*#/, "").replace(/Action$/, "")),
      ),
    );
  return rows.length;
}

/** What must not differ between an answer for foreign ids and one for unknown ids. */
const comparable = (answer: Answer, c: ActionCase) => ({
  ok: answer.ok,
  error: answer.error,
  fieldErrors: answer.fieldErrors,
  redirect: answer.redirect,
  ...(c.compareData ? { data: answer.data } : {}),
});

async function otherInput(c: ActionCase, me: Awaited<ReturnType<typeof callAs>>) {
  const input = await c.input({ w: b, me, side: "other" });
  if (c.foreign === "ids") return input;
  return { ...((input as object | null) ?? {}), orgId: b.org.id };
}

it("covers every server action of the matrix", () => {
  const listed = Object.entries(authorizationMatrix)
    .filter(([, e]) => e.kind === "server action")
    .map(([id]) => id)
    .sort();
  expect(actionCases.map((c) => c.id).sort()).toEqual(listed);
});

describe.each(actionCases.map((c) => [c.id, c] as const))("%s", (id, c) => {
  const entry = authorizationMatrix[id]!;

  it.each(roles.map((r) => [r, entry.access[r]] as const))(
    "as %s: %o",
    async (role: Role, cell) => {
      // With ids of the caller's own organisation.
      let me = await callAs(db, a, role);
      const input = await c.input({ w: a, me, side: "own" });
      const before = await fingerprint(db, a.org.id);
      const answer = await c.run(input);
      const after = await fingerprint(db, a.org.id);
      if (cell.own === "allowed") {
        expect(answer, JSON.stringify({ input, answer })).toMatchObject({ ok: true });
        if (c.writes) expect(after, "an allowed call changed nothing").not.toEqual(before);
      } else {
        expect(answer.ok).toBe(false);
        expect(refusal(answer)).toMatch(AUTHORISATION_REFUSAL);
        expect(after, "a refused call changed the organisation").toEqual(before);
        if (me) expect(await refusalsRecorded(me, id), "refusal not in the audit log").toBe(1);
      }

      // With ids of another organisation: the answer unknown ids get, and B unchanged.
      me = await callAs(db, a, role);
      const foreign = await otherInput(c, me);
      const beforeB = await fingerprint(db, b.org.id);
      const foreignAnswer = await c.run(foreign);
      expect(await fingerprint(db, b.org.id), "another organisation changed").toEqual(beforeB);
      expect(cell.other).toBe("refused");
      me = await callAs(db, a, role);
      // An action without ids gets a fresh input (its names must not clash) with an unknown org id.
      const unknown =
        c.foreign === "none"
          ? { ...((await otherInput(c, me)) as object), orgId: randomUUID() }
          : c.unknown
            ? c.unknown(foreign)
            : withUnknownIds(foreign);
      const unknownAnswer = await c.run(unknown);
      expect(comparable(foreignAnswer, c), "foreign ids are told apart from unknown ones").toEqual(
        comparable(unknownAnswer, c),
      );
      if (c.foreign === "ids" && !c.compareData) expect(foreignAnswer.ok).toBe(false);
    },
  );
});

import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import { auditLog } from "@/db/schema";
import { testDatabase } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import { REFUSAL_ACTION, recordRefusal } from "./refusals";

let db: Db;
beforeAll(async () => {
  ({ db } = await testDatabase());
});

describe("recordRefusal", () => {
  const refusalsOf = (orgId: string) =>
    db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.orgId, orgId), eq(auditLog.action, REFUSAL_ACTION)));

  it("records a repeated refusal once a minute, and each different one", async () => {
    const f = await orgFixture(db, "member");
    const createGroup = { target: { type: "action", id: "createGroup" }, reason: "No." };
    for (let i = 0; i < 5; i++) await recordRefusal(db, f.actor, createGroup);
    await recordRefusal(db, f.actor, { ...createGroup, reason: "Other reason." });
    await recordRefusal(db, f.actor, {
      ...createGroup,
      target: { type: "action", id: "moveGroup" },
    });
    expect(await refusalsOf(f.org.id)).toHaveLength(3);

    // A minute later the same refusal is recorded again.
    await db.execute(sql`alter table audit_log disable trigger audit_log_append_only`);
    await db
      .update(auditLog)
      .set({ createdAt: sql`now() - interval '61 seconds'` })
      .where(eq(auditLog.orgId, f.org.id));
    await db.execute(sql`alter table audit_log enable trigger audit_log_append_only`);
    await recordRefusal(db, f.actor, createGroup);
    expect(await refusalsOf(f.org.id)).toHaveLength(4);
  });

  it("names the refused user as the actor", async () => {
    const f = await orgFixture(db, "member");
    await recordRefusal(db, f.actor, {
      target: { type: "action", id: "addMember" },
      reason: "No.",
    });
    expect(await refusalsOf(f.org.id)).toMatchObject([
      {
        actorKind: "user",
        actorUserId: f.actor.kind === "user" ? f.actor.userId : "",
        targetType: "action",
        targetId: "addMember",
        after: { reason: "No." },
      },
    ]);
  });
});

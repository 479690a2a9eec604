import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import { userSessions } from "@/db/schema";
import { removeMember, suspendMember } from "@/lib/members/commands";
import { testDatabase } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import { checkSession, endSession, signOutEverywhere, startSession } from "./sessions";

let db: Db;
beforeAll(async () => {
  ({ db } = await testDatabase());
});

const policy = { idleMinutes: 30, maxHours: 12 };
const minutes = (start: Date, n: number) => new Date(start.getTime() + n * 60_000);

describe("console sessions", () => {
  it("end after 30 idle minutes, and activity keeps them alive", async () => {
    const f = await orgFixture(db, "admin");
    const t0 = new Date();
    const id = await startSession(db, f.me.userId, t0);
    expect((await checkSession(db, id, policy, minutes(t0, 29)))?.userId).toBe(f.me.userId);
    expect((await checkSession(db, id, policy, minutes(t0, 58)))?.userId).toBe(f.me.userId);
    expect(await checkSession(db, id, policy, minutes(t0, 89))).toBeNull();
    // Once ended, always ended.
    expect(await checkSession(db, id, policy, minutes(t0, 90))).toBeNull();
    const [row] = await db.select().from(userSessions).where(eq(userSessions.id, id));
    expect(row!.endedReason).toBe("idle");
  });

  it("end after 12 hours however active, and at sign-out", async () => {
    const f = await orgFixture(db, "admin");
    const t0 = new Date();
    const id = await startSession(db, f.me.userId, t0);
    for (let m = 20; m < 12 * 60; m += 20)
      expect((await checkSession(db, id, policy, minutes(t0, m)))?.userId).toBe(f.me.userId);
    expect(await checkSession(db, id, policy, minutes(t0, 12 * 60 + 1))).toBeNull();

    const other = await startSession(db, f.me.userId, t0);
    await endSession(db, other, "signed_out");
    expect(await checkSession(db, other, policy, minutes(t0, 1))).toBeNull();
    expect(await checkSession(db, "not-a-session", policy)).toBeNull();
    expect(await checkSession(db, undefined, policy)).toBeNull();
  });

  it("end for good when the person is suspended or removed", async () => {
    const f = await orgFixture(db, "admin");
    const ann = await f.person("Ann");
    const bob = await f.person("Bob");
    const annSessions = [await startSession(db, ann.userId), await startSession(db, ann.userId)];
    const bobSession = await startSession(db, bob.userId);
    await suspendMember(db, f.actor, { memberId: ann.id });
    for (const id of annSessions) expect(await checkSession(db, id, policy)).toBeNull();
    expect((await checkSession(db, bobSession, policy))?.userId).toBe(bob.userId);
    await removeMember(db, f.actor, { memberId: bob.id });
    expect(await checkSession(db, bobSession, policy)).toBeNull();
  });

  it("lets an owner, and only an owner, sign a member of their organisation out everywhere", async () => {
    const f = await orgFixture(db, "owner");
    const ann = await f.person("Ann");
    const session = await startSession(db, ann.userId);
    const admin = await orgFixture(db, "admin");
    await expect(signOutEverywhere(db, admin.actor, { memberId: ann.id })).rejects.toThrow(
      /Only owners/,
    );
    const elsewhere = await orgFixture(db, "owner");
    await expect(signOutEverywhere(db, elsewhere.actor, { memberId: ann.id })).rejects.toThrow(
      /not found/,
    );
    expect((await checkSession(db, session, policy))?.userId).toBe(ann.userId);
    expect(await signOutEverywhere(db, f.actor, { memberId: ann.id })).toEqual({ ended: 1 });
    expect(await checkSession(db, session, policy)).toBeNull();
  });
});

import { and, eq } from "drizzle-orm";
import { ZodError } from "zod";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import { auditLog } from "@/db/schema";
import { insertApiKey } from "@/db/seed/builders";
import { NotFound } from "@/lib/errors";
import { testDatabase } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import { archiveGroup } from "@/lib/groups/commands";
import { listRateLimits, removeRateLimit, setRateLimit } from "./rate-limits";

let db: Db;
beforeAll(async () => {
  ({ db } = await testDatabase());
});

const policy = {
  allowedModels: [],
  fallbackModels: [],
  loadBalancing: "none" as const,
  weights: {},
};

describe("rate limits in the console", () => {
  it("sets, changes (same target and models) and removes, audited before and after", async () => {
    const f = await orgFixture(db);
    const team = await f.group("Team");
    const target = { kind: "group" as const, id: team, perMember: true };
    const set = await setRateLimit(db, f.actor, {
      target,
      modelPattern: "claude-opus-*",
      requestsPerMinute: "10",
    });
    const changed = await setRateLimit(db, f.actor, {
      target,
      modelPattern: "claude-opus-*",
      requestsPerMinute: "20",
      requestsPerDay: "500",
    });
    expect(changed.id).toBe(set.id);
    await setRateLimit(db, f.actor, {
      target: { ...target, perMember: false },
      requestsPerMinute: 100,
    });
    expect(
      (await listRateLimits(db, f.actor, { kind: "group", id: team })).map((l) => [
        l.perMember,
        l.modelPattern,
        l.requestsPerMinute,
        l.requestsPerDay,
      ]),
    ).toEqual([
      [false, null, 100, null],
      [true, "claude-opus-*", 20, 500],
    ]);
    await removeRateLimit(db, f.actor, { rateLimitId: set.id });
    const trail = await db
      .select({ action: auditLog.action, before: auditLog.before, after: auditLog.after })
      .from(auditLog)
      .where(and(eq(auditLog.orgId, f.org.id), eq(auditLog.targetId, set.id)))
      .orderBy(auditLog.createdAt);
    expect(trail.map((t) => t.action)).toEqual([
      "rate_limit.set",
      "rate_limit.changed",
      "rate_limit.removed",
    ]);
    expect(trail[1]).toMatchObject({
      before: { requestsPerMinute: 10 },
      after: { requestsPerMinute: 20, requestsPerDay: 500 },
    });
  });

  it("are refused on an archived group, by the server and not only the page", async () => {
    const f = await orgFixture(db);
    const group = await f.group("Old project");
    await archiveGroup(db, f.actor, { groupId: group });
    await expect(
      setRateLimit(db, f.actor, {
        target: { kind: "group", id: group },
        requestsPerMinute: 10,
      }),
    ).rejects.toThrow("Old project is archived: restore it first.");
  });

  it("says on the field what is wrong", async () => {
    const f = await orgFixture(db);
    const { key } = await insertApiKey(db, {
      orgId: f.org.id,
      name: "k",
      features: [],
      policy,
      groupIds: [],
    });
    const target = { kind: "key" as const, id: key.id };
    const cases: [object, string, RegExp][] = [
      [
        { requestsPerMinute: "", requestsPerDay: "" },
        "requestsPerMinute",
        /Set requests a minute, requests a day or tokens a minute/,
      ],
      [{ tokensPerMinute: "2,000,000,000" }, "tokensPerMinute", /from 1 to 1,000,000,000/],
      [{ requestsPerMinute: "0" }, "requestsPerMinute", /from 1 to 10,000,000/],
      [{ requestsPerMinute: "1.5" }, "requestsPerMinute", /whole/],
      [{ requestsPerDay: "ten" }, "requestsPerDay", /whole/],
      [{ requestsPerMinute: 5, modelPattern: "gpt 4o; drop" }, "modelPattern", /model id/],
    ];
    for (const [input, field, message] of cases) {
      const error = await setRateLimit(db, f.actor, { target, ...input }).catch((e: unknown) => e);
      expect(error, JSON.stringify(input)).toBeInstanceOf(ZodError);
      const issue = (error as ZodError).issues.find((i) => i.path[0] === field);
      expect(issue?.message, JSON.stringify(input)).toMatch(message);
    }
  });

  it("finds no target of another organisation, and lets members change nothing", async () => {
    const a = await orgFixture(db);
    const b = await orgFixture(db);
    const theirs = await b.group("Theirs");
    await expect(
      setRateLimit(db, a.actor, { target: { kind: "group", id: theirs }, requestsPerMinute: 1 }),
    ).rejects.toBeInstanceOf(NotFound);
    const member = await orgFixture(db, "member");
    await expect(
      setRateLimit(db, member.actor, {
        target: { kind: "member", id: member.me.id },
        requestsPerMinute: 1,
      }),
    ).rejects.toThrow(/permission/);
  });
});

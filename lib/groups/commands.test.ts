import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import { groupMembers, groups } from "@/db/schema";
import { insertGroup } from "@/db/seed/builders";
import { Invalid, NotFound } from "@/lib/errors";
import { testDatabase, usingPostgres } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import {
  archiveExpiredGroups,
  archiveGroup,
  createGroup,
  moveGroup,
  restoreGroup,
  setGroupBudget,
  updateGroup,
} from "./commands";

let db: Db;
beforeAll(async () => {
  ({ db } = await testDatabase());
});

const parentOf = async (id: string) =>
  (await db.select().from(groups).where(eq(groups.id, id)))[0]!.parentId;

describe("createGroup and updateGroup", () => {
  it("creates a subgroup and refuses a duplicate name in any case", async () => {
    const f = await orgFixture(db);
    const eng = await createGroup(db, f.actor, { name: "Engineering", kind: "department" });
    const backend = await createGroup(db, f.actor, {
      name: "  Backend  ",
      kind: "department",
      parentId: eng.id,
    });
    expect(backend).toMatchObject({ name: "Backend", parentId: eng.id });
    await expect(createGroup(db, f.actor, { name: "backend", kind: "project" })).rejects.toThrow(
      "A group named Backend already exists.",
    );
    await expect(
      updateGroup(db, f.actor, { groupId: eng.id, name: "BACKEND", kind: "department" }),
    ).rejects.toBeInstanceOf(Invalid);
  });

  it("allows the same name in another organisation", async () => {
    const [a, b] = [await orgFixture(db), await orgFixture(db)];
    await createGroup(db, a.actor, { name: "Platform", kind: "department" });
    await expect(
      createGroup(db, b.actor, { name: "Platform", kind: "department" }),
    ).resolves.toMatchObject({ name: "Platform" });
  });

  it("rejects empty, 200-character and control-character names with field messages", async () => {
    const f = await orgFixture(db);
    await expect(createGroup(db, f.actor, { name: "   ", kind: "custom" })).rejects.toThrow(
      "Enter a name.",
    );
    await expect(
      createGroup(db, f.actor, { name: "x".repeat(200), kind: "custom" }),
    ).rejects.toThrow("100 characters");
    await expect(createGroup(db, f.actor, { name: "a\u0000b", kind: "custom" })).rejects.toThrow(
      "control characters",
    );
    await expect(createGroup(db, f.actor, { name: "Ok", kind: "bogus" as never })).rejects.toThrow(
      "Choose a kind.",
    );
  });

  it("refuses a parent from another organisation as unknown", async () => {
    const [a, b] = [await orgFixture(db), await orgFixture(db)];
    const theirs = await b.group("Theirs");
    await expect(
      createGroup(db, a.actor, { name: "Mine", kind: "custom", parentId: theirs }),
    ).rejects.toBeInstanceOf(NotFound);
  });
});

describe("moveGroup", () => {
  it("nests a group and moves it back to the top", async () => {
    const f = await orgFixture(db);
    const [eng, devops] = [await f.group("Engineering"), await f.group("DevOps")];
    await moveGroup(db, f.actor, { groupId: devops, parentId: eng });
    expect(await parentOf(devops)).toBe(eng);
    await moveGroup(db, f.actor, { groupId: devops, parentId: null });
    expect(await parentOf(devops)).toBeNull();
  });

  it("refuses to make a group its own ancestor", async () => {
    const f = await orgFixture(db);
    const eng = await f.group("Engineering");
    const backend = await f.group("Backend", eng);
    const api = await f.group("API", backend);
    await expect(moveGroup(db, f.actor, { groupId: eng, parentId: api })).rejects.toThrow(
      "Engineering cannot go under API: API is inside Engineering.",
    );
    await expect(moveGroup(db, f.actor, { groupId: eng, parentId: eng })).rejects.toThrow(
      "cannot be its own parent",
    );
    expect(await parentOf(eng)).toBeNull();
  });

  it("lets exactly one of two concurrent opposite moves win", async () => {
    for (let round = 0; round < (usingPostgres ? 10 : 3); round++) {
      const f = await orgFixture(db);
      const [a, b] = [await f.group("A"), await f.group("B")];
      const results = await Promise.allSettled([
        moveGroup(db, f.actor, { groupId: a, parentId: b }),
        moveGroup(db, f.actor, { groupId: b, parentId: a }),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect(refused.reason).toBeInstanceOf(Invalid);
      const parents = [await parentOf(a), await parentOf(b)];
      expect(parents.filter(Boolean)).toHaveLength(1);
    }
  });
});

describe("archiving", () => {
  it("archives a group without touching its members, and restores it", async () => {
    const f = await orgFixture(db);
    const g = await f.group("Launch");
    const p = await f.person("Pat");
    await f.join(g, p.id);
    const archived = await archiveGroup(db, f.actor, { groupId: g });
    expect(archived.archivedAt).toBeInstanceOf(Date);
    expect(await db.select().from(groupMembers).where(eq(groupMembers.groupId, g))).toHaveLength(1);
    expect((await restoreGroup(db, f.actor, { groupId: g })).archivedAt).toBeNull();
  });

  it("refuses to archive a group with live subgroups", async () => {
    const f = await orgFixture(db);
    const parent = await f.group("Parent");
    await f.group("Child", parent);
    await expect(archiveGroup(db, f.actor, { groupId: parent })).rejects.toThrow(
      /has subgroups \(Child\)/,
    );
  });

  it("archives temporary groups once their end date has passed, and only those", async () => {
    const f = await orgFixture(db);
    const now = new Date("2030-06-15T12:00:00Z");
    const ended = await insertGroup(db, {
      orgId: f.org.id,
      name: "Ended",
      kind: "project",
      endsAt: new Date("2030-06-14T23:59:59Z"),
    });
    const running = await insertGroup(db, {
      orgId: f.org.id,
      name: "Running",
      kind: "project",
      endsAt: new Date("2030-07-01T00:00:00Z"),
    });
    const p = await f.person("Quinn");
    await f.join(ended.id, p.id);
    const archived = await archiveExpiredGroups(db, now);
    expect(archived.map((g) => g.id)).toContain(ended.id);
    expect(archived.map((g) => g.id)).not.toContain(running.id);
    expect(await archiveExpiredGroups(db, now)).toEqual([]);
    expect(
      await db.select().from(groupMembers).where(eq(groupMembers.groupId, ended.id)),
    ).toHaveLength(1);
  });
});

describe("setGroupBudget", () => {
  it("stores dollars as micro-dollars and thresholds sorted, and clears a budget", async () => {
    const { actor, group } = await orgFixture(db, "admin");
    const id = await group("Research");
    const set = await setGroupBudget(db, actor, {
      groupId: id,
      budgetDollars: "1250.50",
      mode: "hard",
      thresholds: "100, 50 80%",
    });
    expect(set).toMatchObject({
      monthlyBudgetMicros: 1_250_500_000,
      budgetMode: "hard",
      alertThresholds: [50, 80, 100],
    });
    const cleared = await setGroupBudget(db, actor, {
      groupId: id,
      budgetDollars: "",
      mode: "soft",
      thresholds: "100",
    });
    expect(cleared.monthlyBudgetMicros).toBeNull();
  });

  it("refuses bad amounts and thresholds with field messages, and read-only members", async () => {
    const { actor, group } = await orgFixture(db, "admin");
    const id = await group("Research");
    const attempt = (budgetDollars: string, thresholds: string) =>
      setGroupBudget(db, actor, { groupId: id, budgetDollars, mode: "soft", thresholds });
    // Each refusal carries the one message shown next to the field.
    const refusal = (field: string, message: string) => ({
      issues: [expect.objectContaining({ path: [field], message })],
    });
    await expect(attempt("-5", "50")).rejects.toMatchObject(
      refusal("budgetDollars", "Enter an amount between $0 and $10,000,000."),
    );
    await expect(attempt("ten", "50")).rejects.toMatchObject(
      refusal("budgetDollars", "Enter an amount in dollars."),
    );
    await expect(attempt("10", "fifty")).rejects.toMatchObject(
      refusal("thresholds", "Thresholds are whole percentages, like 50, 80, 100."),
    );
    await expect(attempt("10", "")).rejects.toMatchObject(
      refusal("thresholds", "Give at least one threshold, like 100."),
    );
    await expect(attempt("10", "0")).rejects.toMatchObject(
      refusal("thresholds", "Thresholds lie between 1 and 1000 %."),
    );
    expect(
      await setGroupBudget(db, actor, {
        groupId: id,
        budgetDollars: "$1,250.50",
        mode: "soft",
        thresholds: "100",
      }),
    ).toMatchObject({ monthlyBudgetMicros: 1_250_500_000 });
    await setGroupBudget(db, actor, {
      groupId: id,
      budgetDollars: "",
      mode: "soft",
      thresholds: "100",
    });
    const [row] = await db.select().from(groups).where(eq(groups.id, id));
    expect(row!.monthlyBudgetMicros).toBeNull();

    const reader = await orgFixture(db, "member");
    await expect(
      setGroupBudget(db, reader.actor, {
        groupId: id,
        budgetDollars: "1",
        mode: "soft",
        thresholds: "50",
      }),
    ).rejects.toThrow(/permission/);
  });
});

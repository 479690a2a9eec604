import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import { queryRows } from "@/db/rows";
import { accessReviews, groupMembers, groups, webhookDeliveries } from "@/db/schema";
import { insertApiKey, insertMembership } from "@/db/seed/builders";
import type { Actor } from "@/lib/auth/actor";
import { Conflict, Forbidden, NotFound } from "@/lib/errors";
import { removeMembers } from "@/lib/memberships/commands";
import { ingestUsage } from "@/lib/spend/ingest";
import { listAlerts, markAlertsRead, unreadAlertCount } from "@/lib/spend/alert-queries";
import { createWebhookEndpoint } from "@/lib/webhooks/commands";
import { bothDatabases, testDatabase } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import { decideReviewItems, setGroupReviewer } from "./decide";
import { cancelAccessReview, completeAccessReview } from "./finish";
import { getAccessReview, listAccessReviews, reviewItems } from "./queries";
import { remindDueAccessReviews } from "./reminders";
import { accessReviewReport } from "./report";
import { startAccessReview } from "./start";

// Access reviews: an admin names a reviewer and a due date; each direct membership (and key
// assignment) of the reviewed groups is an item with its evidence (last use of a key the group
// grants, spend in the group, 90 days); the reviewer keeps or removes, never deciding their own
// access; removals go through the console's commands, as decided or all at the end; a review
// still open on its due date is reminded once (bell, webhook); the finished review is a CSV.

const DAY = 86_400_000;
const policy = {
  allowedModels: [],
  fallbackModels: [],
  loadBalancing: "none" as const,
  weights: {},
};
const tomorrow = (now: Date) => new Date(now.getTime() + DAY).toISOString().slice(0, 10);

describe.each(bothDatabases())("access reviews on %s", (on) => {
  let db: Db;
  beforeAll(async () => {
    db = (await testDatabase(on)).db;
  });

  async function scene() {
    const f = await orgFixture(db, "owner");
    const now = new Date();
    const engineering = await f.group("Engineering");
    const backend = await f.group("Backend", engineering);
    const sales = await f.group("Sales");
    const ann = await f.person("Ann");
    const bob = await f.person("=Bob");
    const rita = await f.person("Rita", "admin");
    const olga = await f.person("Olga", "admin");
    for (const [groupId, who] of [
      [backend, ann],
      [backend, bob],
      [backend, rita],
      [sales, ann],
    ] as const)
      await insertMembership(db, {
        orgId: f.org.id,
        groupId,
        memberId: who.id,
        since: new Date(now.getTime() - 200 * DAY),
      });
    const engKey = (
      await insertApiKey(db, {
        orgId: f.org.id,
        name: "eng-key",
        features: [],
        policy,
        groupIds: [engineering],
      })
    ).key;
    const gateway: Actor = { kind: "gateway", tokenId: "t", orgId: f.org.id, label: "gw" };
    await ingestUsage(db, gateway, [
      {
        eventId: "a1",
        occurredAt: new Date(now.getTime() - 3 * DAY),
        memberId: ann.id,
        keyId: engKey.id,
        model: "gpt-4o-mini",
        inputTokens: 1,
        outputTokens: 1,
        costMicros: 1_250_000,
      },
      {
        eventId: "a2",
        occurredAt: new Date(now.getTime() - 10 * DAY),
        memberId: ann.id,
        keyId: engKey.id,
        model: "gpt-4o-mini",
        inputTokens: 1,
        outputTokens: 1,
        costMicros: 750_000,
      },
      // Long before the evidence window: not shown.
      {
        eventId: "b1",
        occurredAt: new Date(now.getTime() - 120 * DAY),
        memberId: bob.id,
        keyId: engKey.id,
        model: "gpt-4o-mini",
        inputTokens: 1,
        outputTokens: 1,
        costMicros: 9_000_000,
      },
    ]);
    const as = (
      who: { id: string; userId: string; name: string },
      role: "admin" | "owner" | "member" = "admin",
    ): Actor => ({
      kind: "user",
      userId: who.userId,
      memberId: who.id,
      orgId: f.org.id,
      role,
      label: who.name,
    });
    const start = (input: Partial<Parameters<typeof startAccessReview>[2]> = {}) =>
      startAccessReview(
        db,
        f.actor,
        {
          name: "Q4 access review",
          dueOn: tomorrow(now),
          groupIds: [backend, sales],
          reviewerMemberId: rita.id,
          applyMode: "as_decided",
          ...input,
        },
        now,
      );
    const itemsOf = async (actor: Actor, reviewId: string) =>
      (await reviewItems(db, actor, reviewId)).items;
    const item = async (actor: Actor, reviewId: string, group: string, subject: string) =>
      (await itemsOf(actor, reviewId)).find(
        (i) => i.groupId === group && i.subjectName === subject,
      )!;
    const isMember = async (groupId: string, memberId: string) =>
      (
        await db
          .select()
          .from(groupMembers)
          .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.memberId, memberId)))
      ).length === 1;
    return {
      ...f,
      now,
      engineering,
      backend,
      sales,
      ann,
      bob,
      rita,
      olga,
      engKey,
      as,
      start,
      itemsOf,
      item,
      isMember,
    };
  }

  it("lists each direct membership and key assignment of the reviewed groups with its evidence", async () => {
    const s = await scene();
    const started = await s.start({ groupIds: [], includeKeys: true });
    // Every live group: Engineering (the key), Backend (3 people), Sales (1).
    expect(started).toMatchObject({ groups: 3, memberships: 4, keyAssignments: 1 });
    const items = await s.itemsOf(s.actor, started.id);
    const evidence = items.map((i) => [
      i.groupName,
      i.kind,
      i.subjectName,
      i.lastUsedDay,
      i.spendMicros,
    ]);
    const day = (ago: number) => new Date(s.now.getTime() - ago * DAY).toISOString().slice(0, 10);
    expect(evidence).toEqual(
      expect.arrayContaining([
        // Ann used the key Backend inherits from Engineering; her spend counts in Backend.
        ["Backend", "membership", "Ann", day(3), 2_000_000],
        // Bob's only use is 120 days ago: none in the window.
        ["Backend", "membership", "=Bob", null, 0],
        ["Backend", "membership", "Rita", null, 0],
        // Sales grants no key: no use of its access, though Ann's spend counts in it (a group's
        // spend is its members' while they are in it).
        ["Sales", "membership", "Ann", null, 2_000_000],
        // The key given to Engineering, used by its people (through Backend).
        ["Engineering", "key_assignment", "eng-key", day(3), 2_000_000],
      ]),
    );
    expect(items).toHaveLength(5);
    const [summary] = await listAccessReviews(db, s.actor);
    expect(summary).toMatchObject({
      name: "Q4 access review",
      status: "open",
      groups: 3,
      items: 5,
      decided: 0,
    });
  });

  it("applies a removal as decided, with the reviewer's audited command, and keeps the rest", async () => {
    const s = await scene();
    const { id } = await s.start();
    const rita = s.as(s.rita);
    const bob = await s.item(rita, id, s.backend, "=Bob");
    await decideReviewItems(db, rita, {
      reviewId: id,
      itemIds: [bob.id],
      decision: "remove",
      note: "Left the team",
    });
    expect(await s.isMember(s.backend, s.bob.id)).toBe(false);
    expect(await s.item(rita, id, s.backend, "=Bob")).toMatchObject({
      decision: "remove",
      note: "Left the team",
      decidedByName: "Rita",
      outcome: "removed",
      decidable: false,
    });
    const audited = await queryRows<{ action: string; actor_label: string }>(
      db,
      sql`select action, actor_label from audit_log where org_id = ${s.org.id}::uuid and action in ('memberships.removed', 'access_review.decided') order by created_at, action`,
    );
    expect(audited).toEqual([
      { action: "access_review.decided", actor_label: "Rita" },
      { action: "memberships.removed", actor_label: "Rita" },
    ]);
    // A removal that took effect is final here.
    await expect(
      decideReviewItems(db, rita, { reviewId: id, itemIds: [bob.id], decision: "keep" }),
    ).rejects.toBeInstanceOf(Conflict);
    // Keep the rest of what Rita may decide (not her own membership).
    const mine = (await s.itemsOf(rita, id)).filter((i) => i.decidable);
    expect(mine.map((i) => i.subjectName).sort()).toEqual(["Ann", "Ann"]);
    await decideReviewItems(db, rita, {
      reviewId: id,
      itemIds: mine.map((i) => i.id),
      decision: "keep",
    });
    expect(await s.isMember(s.backend, s.ann.id)).toBe(true);
  });

  it("decides nobody's own access, lets the starter step in, and follows a change of reviewer", async () => {
    const s = await scene();
    const { id } = await s.start();
    const rita = s.as(s.rita);
    const olga = s.as(s.olga);
    const ritaInBackend = await s.item(s.actor, id, s.backend, "Rita");
    await expect(
      decideReviewItems(db, rita, { reviewId: id, itemIds: [ritaInBackend.id], decision: "keep" }),
    ).rejects.toThrow("Nobody decides on their own access");
    const ann = await s.item(s.actor, id, s.sales, "Ann");
    // Olga is an admin but not this group's reviewer, nor the starter.
    await expect(
      decideReviewItems(db, olga, { reviewId: id, itemIds: [ann.id], decision: "keep" }),
    ).rejects.toBeInstanceOf(Forbidden);
    // The starter decides Rita's membership.
    await decideReviewItems(db, s.actor, {
      reviewId: id,
      itemIds: [ritaInBackend.id],
      decision: "keep",
    });
    await setGroupReviewer(db, s.actor, {
      reviewId: id,
      groupId: s.sales,
      reviewerMemberId: s.olga.id,
    });
    await decideReviewItems(db, olga, { reviewId: id, itemIds: [ann.id], decision: "keep" });
    await expect(
      decideReviewItems(db, rita, { reviewId: id, itemIds: [ann.id], decision: "remove" }),
    ).rejects.toBeInstanceOf(Forbidden);
    const { groups: progress } = await getAccessReview(db, olga, id);
    expect(progress.map((g) => [g.groupName, g.reviewerName, g.items, g.decided, g.mine])).toEqual([
      ["Backend", "Rita", 3, 1, 0],
      ["Sales", "Olga", 1, 1, 0],
    ]);
    // A member cannot be a reviewer.
    await expect(
      setGroupReviewer(db, s.actor, { reviewId: id, groupId: s.sales, reviewerMemberId: s.ann.id }),
    ).rejects.toThrow("cannot review access");
  });

  it("when the starter reviews their own group, another admin decides their membership", async () => {
    const s = await scene();
    const rita = s.as(s.rita);
    // Rita starts her own review, reviewing Backend, where she is a member.
    const own = await startAccessReview(
      db,
      rita,
      {
        name: "Rita's",
        dueOn: tomorrow(s.now),
        groupIds: [s.backend],
        reviewerMemberId: s.rita.id,
        applyMode: "at_end",
      },
      s.now,
    );
    const hers = await s.item(rita, own.id, s.backend, "Rita");
    expect(hers.decidable).toBe(false);
    const olga = s.as(s.olga);
    expect((await s.item(olga, own.id, s.backend, "Rita")).decidable).toBe(true);
    expect((await s.item(olga, own.id, s.backend, "Ann")).decidable).toBe(false);
    await decideReviewItems(db, olga, { reviewId: own.id, itemIds: [hers.id], decision: "keep" });
  });

  it("lets an organisation's only admin decide their own access, marked as such in the report", async () => {
    const f = await orgFixture(db, "owner");
    const team = await f.group("Team");
    await f.join(team, f.me.id);
    const { id } = await startAccessReview(db, f.actor, {
      name: "Solo",
      dueOn: tomorrow(new Date()),
      reviewerMemberId: f.me.id,
      applyMode: "at_end",
    });
    const [mine] = (await reviewItems(db, f.actor, id)).items;
    expect(mine).toMatchObject({ subjectName: "Actor", decidable: true });
    await decideReviewItems(db, f.actor, { reviewId: id, itemIds: [mine!.id], decision: "keep" });
    expect((await reviewItems(db, f.actor, id)).items[0]!.decidedByName).toBe(
      "Actor (own access, the only admin)",
    );
    // A second admin arrives: nobody decides their own access any more.
    await f.person("Second", "admin");
    expect((await reviewItems(db, f.actor, id)).items[0]!.decidable).toBe(false);
  });

  it("applies removals at the end, only once all is decided, and says what was already gone", async () => {
    const s = await scene();
    const { id } = await s.start({ applyMode: "at_end" });
    const rita = s.as(s.rita);
    const bob = await s.item(rita, id, s.backend, "=Bob");
    const annSales = await s.item(rita, id, s.sales, "Ann");
    await decideReviewItems(db, rita, {
      reviewId: id,
      itemIds: [bob.id, annSales.id],
      decision: "remove",
    });
    expect(await s.isMember(s.backend, s.bob.id)).toBe(true);
    await expect(completeAccessReview(db, s.actor, { reviewId: id }, s.now)).rejects.toThrow(
      "2 items are still undecided",
    );
    const rest = (await s.itemsOf(s.actor, id)).filter((i) => !i.decision);
    for (const i of rest) {
      const by = i.subjectName === "Rita" ? s.actor : rita;
      await decideReviewItems(db, by, { reviewId: id, itemIds: [i.id], decision: "keep" });
    }
    // Someone takes Ann out of Sales by hand before the end.
    await removeMembers(db, s.actor, { memberIds: [s.ann.id], groupIds: [s.sales] });
    expect(await completeAccessReview(db, s.actor, { reviewId: id }, s.now)).toEqual({
      kept: 2,
      removed: 2,
    });
    expect(await s.isMember(s.backend, s.bob.id)).toBe(false);
    expect((await s.item(s.actor, id, s.backend, "=Bob")).outcome).toBe("removed");
    expect((await s.item(s.actor, id, s.sales, "Ann")).outcome).toBe("already gone");
    await expect(
      decideReviewItems(db, rita, { reviewId: id, itemIds: [bob.id], decision: "keep" }),
    ).rejects.toThrow("is completed");

    const { csv } = await accessReviewReport(db, s.actor, id);
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toContain("Decided by");
    expect(lines).toHaveLength(5);
    // A name that looks like a formula stays text; the decision and who made it are there.
    expect(lines.find((l) => l.includes("'=Bob"))).toMatch(
      /Backend,Rita,Membership,'=Bob,.*,remove,,Rita,.*,removed$/,
    );
  });

  it("a cancelled review makes no removal that was waiting for the end", async () => {
    const s = await scene();
    const { id } = await s.start({ applyMode: "at_end" });
    const rita = s.as(s.rita);
    const bob = await s.item(rita, id, s.backend, "=Bob");
    await decideReviewItems(db, rita, { reviewId: id, itemIds: [bob.id], decision: "remove" });
    await cancelAccessReview(db, s.actor, { reviewId: id });
    expect(await s.isMember(s.backend, s.bob.id)).toBe(true);
    expect((await listAccessReviews(db, s.actor))[0]).toMatchObject({
      status: "cancelled",
      decided: 1,
    });
  });

  it("refuses a removal from a group the directory owns", async () => {
    const s = await scene();
    await db.update(groups).set({ directoryLinkedAt: new Date() }).where(eq(groups.id, s.sales));
    const { id } = await s.start();
    const rita = s.as(s.rita);
    const ann = await s.item(rita, id, s.sales, "Ann");
    await expect(
      decideReviewItems(db, rita, { reviewId: id, itemIds: [ann.id], decision: "remove" }),
    ).rejects.toThrow("identity provider");
    await decideReviewItems(db, rita, { reviewId: id, itemIds: [ann.id], decision: "keep" });
  });

  it("reminds of a review open on its due date once, to the bell and to webhooks; not before, not when ended", async () => {
    const s = await scene();
    const endpoint = await createWebhookEndpoint(db, s.actor, {
      url: "https://hooks.example.com/in",
    });
    const { id } = await s.start();
    const ended = await s.start({ name: "Ended" });
    await cancelAccessReview(db, s.actor, { reviewId: ended.id });
    const due = (await db.select().from(accessReviews).where(eq(accessReviews.id, id)))[0]!.dueAt;
    expect(await remindDueAccessReviews(db, new Date(due.getTime() - 1_000))).not.toContain(id);
    const later = new Date(due.getTime() + 60_000);
    const reminded = await remindDueAccessReviews(db, later);
    expect(reminded).toContain(id);
    expect(reminded).not.toContain(ended.id);
    expect(await remindDueAccessReviews(db, new Date(later.getTime() + 60_000))).not.toContain(id);
    const deliveries = await db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.endpointId, endpoint.id));
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]!.payload).toMatchObject({
      type: "access_review.due",
      data: {
        reviewId: id,
        name: "Q4 access review",
        items: 4,
        undecided: 4,
        reviewers: [{ name: "Rita", undecided: 4 }],
      },
    });
    expect(await unreadAlertCount(db, s.actor)).toBe(1);
    const { rows } = await listAlerts(db, s.actor, 1);
    expect(rows[0]).toMatchObject({
      source: "review",
      targetName: "Q4 access review",
      review: { reviewId: id, undecided: 4, status: "open" },
    });
    await markAlertsRead(db, s.actor);
    expect(await unreadAlertCount(db, s.actor)).toBe(0);
  });

  it("refuses bad input, members, and other organisations' reviews", async () => {
    const s = await scene();
    const yesterday = new Date(s.now.getTime() - DAY).toISOString().slice(0, 10);
    await expect(s.start({ dueOn: yesterday })).rejects.toThrow(
      "Choose today or a later due date.",
    );
    await expect(s.start({ dueOn: "31/12/2026" })).rejects.toThrow("Enter a due date like");
    await expect(s.start({ name: "  " })).rejects.toThrow("Name the review");
    await expect(s.start({ reviewerMemberId: s.ann.id })).rejects.toThrow("cannot review access");
    const { id } = await s.start();
    const member = s.as(s.ann, "member");
    await expect(listAccessReviews(db, member)).rejects.toBeInstanceOf(Forbidden);
    await expect(
      startAccessReview(db, member, {
        name: "x",
        dueOn: tomorrow(s.now),
        reviewerMemberId: s.rita.id,
        applyMode: "at_end",
      }),
    ).rejects.toBeInstanceOf(Forbidden);
    const stranger = await orgFixture(db, "admin");
    await expect(getAccessReview(db, stranger.actor, id)).rejects.toBeInstanceOf(NotFound);
    const anyItem = (await s.itemsOf(s.actor, id))[0]!;
    await expect(
      decideReviewItems(db, stranger.actor, {
        reviewId: id,
        itemIds: [anyItem.id],
        decision: "remove",
      }),
    ).rejects.toBeInstanceOf(NotFound);
    await expect(cancelAccessReview(db, stranger.actor, { reviewId: id })).rejects.toBeInstanceOf(
      NotFound,
    );
    // Another organisation's group cannot be reviewed from here.
    const theirs = await stranger.group("Theirs");
    await expect(s.start({ groupIds: [theirs] })).rejects.toBeInstanceOf(NotFound);
    await expect(
      decideReviewItems(db, s.as(s.rita), { reviewId: id, itemIds: [], decision: "keep" }),
    ).rejects.toThrow("Pick what to decide.");
  });
});

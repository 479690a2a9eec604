import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import { apiKeys, groups } from "@/db/schema";
import { insertApiKey, insertMembership } from "@/db/seed/builders";
import type { Actor } from "@/lib/auth/actor";
import { restrictKey } from "@/lib/keys/restrict";
import { createModelList, setModelListAttached } from "@/lib/limits/model-lists";
import { addMembers } from "@/lib/memberships/commands";
import { ingestUsage } from "@/lib/spend/ingest";
import { bothDatabases, testDatabase } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import { type Recommendation, dismissRecommendation, recommendations } from "./recommendations";

// The advice read from how keys and models are used, each on a scene built for it: one that must
// appear and one that must not, and acting through the usual command makes it go.
// - Add to a group: someone in Engineering itself whose key use is Backend's, and someone using
//   Ops's key from Sales (the gateway refuses them now). Not: a Frontend engineer (they reach
//   the key through their own team), someone with too few requests, a key one other person uses.
// - Unused features and models on a key whose settings stood 30 days. Not: fallbacks, a key
//   changed lately, a key nobody used.
// - A cheaper model: Research's spend is mostly Opus, Sonnet is allowed and serves the same
//   requests. Not: a group on the cheapest of its family, a group whose key allows nothing
//   cheaper, one whose model list refuses the cheaper model.

const DAY = 86_400_000;

describe.each(bothDatabases())("advice from usage on %s", (on) => {
  let db: Db;
  beforeAll(async () => {
    db = (await testDatabase(on)).db;
  });

  async function scene() {
    const f = await orgFixture(db, "admin");
    const now = new Date();
    const longAgo = new Date(now.getTime() - 60 * DAY);
    const gateway: Actor = { kind: "gateway", tokenId: "t", orgId: f.org.id, label: "gw" };
    const people = async <N extends string>(...names: N[]) =>
      Object.fromEntries(
        await Promise.all(names.map(async (n) => [n, await f.person(n)])),
      ) as Record<N, Awaited<ReturnType<typeof f.person>>>;
    const join = (groupId: string, ...who: { id: string }[]) =>
      Promise.all(
        who.map((w) =>
          insertMembership(db, { orgId: f.org.id, groupId, memberId: w.id, since: longAgo }),
        ),
      );
    const key = async (
      name: string,
      groupIds: string[],
      settings: { features?: string[]; allowedModels?: string[]; fallbackModels?: string[] } = {},
    ) =>
      (
        await insertApiKey(db, {
          orgId: f.org.id,
          name,
          features: settings.features ?? [],
          policy: {
            allowedModels: settings.allowedModels ?? [],
            fallbackModels: settings.fallbackModels ?? [],
            loadBalancing: "none",
            weights: {},
          },
          groupIds,
          createdAt: longAgo,
        })
      ).key;
    let n = 0;
    const use = (
      who: { id: string },
      keyId: string,
      times: number,
      request: {
        model?: string;
        features?: string[];
        input?: number;
        output?: number;
        cost?: number;
      } = {},
    ) =>
      ingestUsage(
        db,
        gateway,
        Array.from({ length: times }, (_, i) => ({
          eventId: `e-${++n}`,
          occurredAt: new Date(now.getTime() - ((i % 20) + 1) * DAY),
          memberId: who.id,
          keyId,
          model: request.model ?? "gpt-4o-mini",
          features: request.features ?? [],
          inputTokens: request.input ?? 100,
          outputTokens: request.output ?? 50,
          costMicros: request.cost ?? 100,
        })),
      );
    return { ...f, now, longAgo, people, join, key, use };
  }

  const about = (advice: Recommendation[], kind: Recommendation["kind"]) =>
    advice.filter((r) => r.kind === kind);

  it("advises people into the group whose use of a key theirs matches", async () => {
    const s = await scene();
    const engineering = await s.group("Engineering");
    const backend = await s.group("Backend", engineering);
    const frontend = await s.group("Frontend", engineering);
    const ops = await s.group("Ops");
    const sales = await s.group("Sales");
    const design = await s.group("Design");
    const p = await s.people(
      "Ann",
      "Bob",
      "Cat",
      "Dan",
      "Eve",
      "Fay",
      "Gus",
      "Hal",
      "Ivy",
      "Jay",
      "Kim",
    );
    await s.join(backend, p.Ann, p.Bob, p.Cat);
    await s.join(frontend, p.Dan);
    await s.join(engineering, p.Eve, p.Fay);
    await s.join(ops, p.Gus, p.Hal);
    await s.join(sales, p.Ivy, p.Jay);
    await s.join(design, p.Kim);
    const engKey = await s.key("eng-key", [engineering]);
    const opsKey = await s.key("ops-key", [ops]);
    const designKey = await s.key("design-key", [design]);
    await s.use(p.Ann, engKey.id, 10);
    await s.use(p.Bob, engKey.id, 10);
    await s.use(p.Cat, engKey.id, 5);
    await s.use(p.Dan, engKey.id, 6);
    await s.use(p.Eve, engKey.id, 8, { cost: 250 });
    await s.use(p.Fay, engKey.id, 3);
    await s.use(p.Gus, opsKey.id, 10);
    await s.use(p.Hal, opsKey.id, 10);
    await s.use(p.Ivy, opsKey.id, 6);
    await s.use(p.Kim, designKey.id, 10);
    await s.use(p.Jay, designKey.id, 10);

    const advice = about(await recommendations(db, s.actor, s.now), "add_to_group");
    expect(
      advice.map((r) => r.kind === "add_to_group" && [r.member.name, r.group.name, r.granted]),
    ).toEqual([
      ["Eve", "Backend", true],
      ["Ivy", "Ops", false],
    ]);
    expect(advice[0]).toMatchObject({
      subject: `${backend}/${p.Eve.id}`,
      keys: [{ name: "eng-key", requests: 8, costMicros: 2_000, groupUsers: 3 }],
    });
    // Backend's people made 25 of the 34 other requests with eng-key.
    expect(advice[0]!.kind === "add_to_group" && advice[0]!.keys[0]!.groupShare).toBeCloseTo(
      25 / 34,
    );

    await addMembers(db, s.actor, { memberIds: [p.Eve.id], groupIds: [backend] });
    await dismissRecommendation(db, s.actor, {
      kind: "add_to_group",
      subject: `${ops}/${p.Ivy.id}`,
    });
    expect(about(await recommendations(db, s.actor, s.now), "add_to_group")).toEqual([]);
  });

  it("does not advise into a group the directory owns", async () => {
    const s = await scene();
    const ops = await s.group("Ops");
    const sales = await s.group("Sales");
    const p = await s.people("Gus", "Hal", "Ivy");
    await s.join(ops, p.Gus, p.Hal);
    await s.join(sales, p.Ivy);
    const opsKey = await s.key("ops-key", [ops]);
    await s.use(p.Gus, opsKey.id, 10);
    await s.use(p.Hal, opsKey.id, 10);
    await s.use(p.Ivy, opsKey.id, 10);
    expect(about(await recommendations(db, s.actor, s.now), "add_to_group")).toHaveLength(1);
    await db.update(groups).set({ directoryLinkedAt: s.now }).where(eq(groups.id, ops));
    expect(about(await recommendations(db, s.actor, s.now), "add_to_group")).toEqual([]);
  });

  it("advises taking unused features and models off a key, and the command takes them off", async () => {
    const s = await scene();
    const team = await s.group("Platform");
    const p = await s.people("Ann", "Bob");
    await s.join(team, p.Ann, p.Bob);
    const settings = {
      features: ["streaming", "reasoning", "prompt-library"],
      allowedModels: ["gpt-4o-mini", "gpt-4.1", "o3", "claude-haiku-4-5"],
      fallbackModels: ["claude-haiku-4-5"],
    };
    const platformKey = await s.key("platform-key", [team], settings);
    const newKey = await s.key("new-key", [team], settings);
    // Given a feature yesterday: too soon to call anything on it unused.
    await db.update(apiKeys).set({ accessAddedAt: s.now }).where(eq(apiKeys.id, newKey.id));
    await s.key("idle-key", [team], settings);
    await s.use(p.Ann, platformKey.id, 5, { features: ["streaming"] });
    await s.use(p.Bob, platformKey.id, 3, { model: "gpt-4.1" });
    await s.use(p.Bob, newKey.id, 3, { model: "gpt-4.1" });

    const advice = await recommendations(db, s.actor, s.now);
    expect(about(advice, "unused_key_features")).toEqual([
      {
        kind: "unused_key_features",
        subject: platformKey.id,
        key: { id: platformKey.id, name: "platform-key" },
        groups: [{ id: team, name: "Platform" }],
        features: ["reasoning", "prompt-library"],
        requests: 8,
      },
    ]);
    expect(about(advice, "unused_key_models")).toEqual([
      {
        kind: "unused_key_models",
        subject: platformKey.id,
        key: { id: platformKey.id, name: "platform-key" },
        groups: [{ id: team, name: "Platform" }],
        allowedAll: false,
        requested: [
          { model: "gpt-4o-mini", requests: 5 },
          { model: "gpt-4.1", requests: 3 },
        ],
        models: ["o3"],
        kept: ["claude-haiku-4-5"],
      },
    ]);
    // The idle key is advised off the group instead.
    expect(
      about(advice, "unassign_idle_key").map((r) => r.kind === "unassign_idle_key" && r.key.name),
    ).toEqual(["idle-key"]);

    const restricted = await restrictKey(db, s.actor, {
      keyId: platformKey.id,
      features: ["reasoning", "prompt-library"],
      models: ["o3"],
    });
    expect(restricted).toMatchObject({
      features: ["streaming"],
      policy: {
        allowedModels: ["gpt-4o-mini", "gpt-4.1", "claude-haiku-4-5"],
        fallbackModels: ["claude-haiku-4-5"],
      },
    });
    const after = await recommendations(db, s.actor, s.now);
    expect([...about(after, "unused_key_features"), ...about(after, "unused_key_models")]).toEqual(
      [],
    );
  });

  it("advises narrowing a key that allows every model to the models it is used for", async () => {
    const s = await scene();
    const team = await s.group("Platform");
    const p = await s.people("Ann");
    await s.join(team, p.Ann);
    const openKey = await s.key("open-key", [team]);
    await s.use(p.Ann, openKey.id, 5);
    const [advice] = about(await recommendations(db, s.actor, s.now), "unused_key_models");
    expect(advice).toMatchObject({
      allowedAll: true,
      requested: [{ model: "gpt-4o-mini", requests: 5 }],
    });
    expect(advice!.kind === "unused_key_models" && advice!.models).toHaveLength(12);
    await restrictKey(db, s.actor, {
      keyId: openKey.id,
      models: advice!.kind === "unused_key_models" ? advice!.models : [],
    });
    const [key] = await db.select().from(apiKeys).where(eq(apiKeys.id, openKey.id));
    expect(key!.policy.allowedModels).toEqual(["gpt-4o-mini"]);
    expect(about(await recommendations(db, s.actor, s.now), "unused_key_models")).toEqual([]);
  });

  it("advises a cheaper model of the same family where a group's spend is mostly a premium one", async () => {
    const s = await scene();
    const research = await s.group("Research");
    const support = await s.group("Support");
    const labs = await s.group("Labs");
    const legal = await s.group("Legal");
    const p = await s.people("Ann", "Bob", "Cat", "Dan", "Eve");
    await s.join(research, p.Ann, p.Bob);
    await s.join(support, p.Cat);
    await s.join(labs, p.Dan);
    await s.join(legal, p.Eve);
    const claude = ["claude-opus-4-1", "claude-sonnet-4-5", "claude-haiku-4-5"];
    const researchKey = await s.key("research-key", [research], { allowedModels: claude });
    const supportKey = await s.key("support-key", [support], { allowedModels: claude });
    const labsKey = await s.key("labs-key", [labs], { allowedModels: ["claude-opus-4-1"] });
    const legalKey = await s.key("legal-key", [legal], { allowedModels: claude });
    const noSonnet = await createModelList(db, s.actor, {
      name: "No Sonnet or Haiku",
      sense: "deny",
      patterns: ["claude-sonnet-*", "claude-haiku-*"],
    });
    await setModelListAttached(db, s.actor, {
      listId: noSonnet.id,
      target: { kind: "group", id: legal },
      attached: true,
    });
    // 20 Opus requests of 40,000 input and 2,000 output tokens: $0.75 each at list price.
    const opus = { model: "claude-opus-4-1", input: 40_000, output: 2_000, cost: 750_000 };
    await s.use(p.Ann, researchKey.id, 12, opus);
    await s.use(p.Bob, researchKey.id, 8, opus);
    await s.use(p.Bob, researchKey.id, 10, { cost: 10_000 });
    await s.use(p.Cat, supportKey.id, 20, { ...opus, model: "claude-haiku-4-5", cost: 50_000 });
    await s.use(p.Dan, labsKey.id, 20, opus);
    await s.use(p.Eve, legalKey.id, 20, opus);

    const advice = about(await recommendations(db, s.actor, s.now), "cheaper_model");
    expect(advice).toHaveLength(1);
    expect(advice[0]).toEqual({
      kind: "cheaper_model",
      subject: `${research}/claude-opus-4-1`,
      group: { id: research, name: "Research" },
      model: {
        id: "claude-opus-4-1",
        name: "Claude Opus 4.1",
        costMicros: 15_000_000,
        requests: 20,
        share: 15_000_000 / 15_100_000,
      },
      averageTokens: { input: 40_000, output: 2_000 },
      // Sonnet, not Haiku: the smallest step that saves a fifth.
      alternative: {
        id: "claude-sonnet-4-5",
        name: "Claude Sonnet 4.5",
        contextTokens: 200_000,
        inputMicrosPerMtok: 3_000_000,
        outputMicrosPerMtok: 15_000_000,
        costMicros: 3_000_000,
      },
      savingMicros: 12_000_000,
      key: { id: researchKey.id, name: "research-key", groups: ["Research"], restrictable: true },
    });

    await restrictKey(db, s.actor, { keyId: researchKey.id, models: ["claude-opus-4-1"] });
    expect(about(await recommendations(db, s.actor, s.now), "cheaper_model")).toEqual([]);
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import { insertApiKey } from "@/db/seed/builders";
import type { Actor } from "@/lib/auth/actor";
import { type Snapshots, startSnapshots } from "@/lib/gateway/snapshots";
import { createModelList, setModelListAttached, updateModelList } from "@/lib/limits/model-lists";
import { testDatabase } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import { authorize } from "./authorize";
import { explainAccess } from "./explain";

// Model lists in the decision: a key's lists all must allow the model; through groups, at least
// one granting group all of whose lists allow it; allow and deny lists with wildcards; the
// message names the list that excluded the model, and Why? the lists that allowed it. With the
// subject from the database and from the gateway's snapshot.

let db: Db;
let started: Snapshots;
beforeAll(async () => {
  const connection = await testDatabase();
  db = connection.db;
  started = await startSnapshots(connection);
});

const policy = {
  allowedModels: [],
  fallbackModels: [],
  loadBalancing: "none" as const,
  weights: {},
};

describe.each(["database", "snapshots"] as const)("model lists, subject from the %s", (source) => {
  async function scene() {
    const f = await orgFixture(db, "admin");
    const marketing = await f.group("Marketing");
    const research = await f.group("Research");
    const [ann, bob] = [await f.person("Ann"), await f.person("Bob")];
    await f.join(marketing, ann.id);
    await f.join(marketing, bob.id);
    await f.join(research, bob.id);
    const { key, secret } = await insertApiKey(db, {
      orgId: f.org.id,
      name: "shared",
      features: [],
      policy,
      groupIds: [marketing, research],
    });
    const gateway: Actor = { kind: "gateway", tokenId: "t", orgId: f.org.id, label: "gw" };
    const snapshots = source === "snapshots" ? started : undefined;
    const ask = async (who: string, model: string) => {
      await snapshots?.caughtUp();
      return authorize(
        db,
        gateway,
        { apiKey: secret, user: { email: `${who.toLowerCase()}@${f.org.slug}.test` }, model },
        { snapshots },
      );
    };
    const list = (name: string, sense: "allow" | "deny", patterns: string) =>
      createModelList(db, f.actor, { name, sense, patterns });
    const attach = (listId: string, target: { kind: "key" | "group"; id: string }) =>
      setModelListAttached(db, f.actor, { listId, target, attached: true });
    return { ...f, marketing, research, ann, bob, key, ask, list, attach };
  }

  it("allows every model while no list is attached", async () => {
    const s = await scene();
    expect((await s.ask("Ann", "claude-opus-4-1")).allow).toBe(true);
  });

  it("limits a key to what all its lists allow, naming the list that refused", async () => {
    const s = await scene();
    const cheap = await s.list("Cheap models", "allow", "gpt-4o-mini\n*-haiku-*\ngemini-*-flash");
    await s.attach(cheap.id, { kind: "key", id: s.key.id });
    expect((await s.ask("Ann", "gpt-4o-mini")).allow).toBe(true);
    expect((await s.ask("Ann", "claude-3-5-haiku-latest")).allow).toBe(true);
    expect(await s.ask("Ann", "claude-opus-4-1")).toMatchObject({
      reason: "model_not_allowed",
      message:
        "The model list Cheap models on the API key shared does not include claude-opus-4-1.",
    });
    const banned = await s.list("Banned", "deny", "gpt-4o*");
    await s.attach(banned.id, { kind: "key", id: s.key.id });
    expect(await s.ask("Ann", "gpt-4o-mini")).toMatchObject({
      reason: "model_not_allowed",
      message: "The model list Banned on the API key shared excludes gpt-4o-mini.",
    });
    // A change to a list reaches the decision.
    await updateModelList(db, s.actor, {
      listId: banned.id,
      name: "Banned",
      sense: "deny",
      patterns: "o3",
    });
    expect((await s.ask("Ann", "gpt-4o-mini")).allow).toBe(true);
  });

  it("gives a model through a group only when all of that group's lists allow it", async () => {
    const s = await scene();
    const cheap = await s.list("Cheap models", "allow", "gpt-4o-mini");
    await s.attach(cheap.id, { kind: "group", id: s.marketing });
    // Ann has the key through Marketing alone.
    expect(await s.ask("Ann", "claude-opus-4-1")).toMatchObject({
      reason: "model_not_allowed",
      message: "The model list Cheap models on Marketing does not include claude-opus-4-1.",
    });
    // Bob also has it through Research, which no list limits: he gets the model through it.
    expect(await s.ask("Bob", "claude-opus-4-1")).toMatchObject({
      allow: true,
      groups: [{ id: s.research, name: "Research" }],
    });
    const why = await explainAccess(db, s.actor, {
      memberId: s.ann.id,
      keyId: s.key.id,
      model: "gpt-4o-mini",
    });
    expect(why.checks.find((c) => c.rule === "model")?.detail).toBe(
      "The key allows every model. Model lists that allow it: Cheap models (Marketing).",
    );
  });
});

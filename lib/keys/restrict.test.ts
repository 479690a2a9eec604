import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import { apiKeys, auditLog } from "@/db/schema";
import { Forbidden, NotFound } from "@/lib/errors";
import { modelCatalogue } from "@/lib/models/catalogue";
import { testDatabase } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import { createKey, revokeKey, updateKey } from "./commands";
import { restrictKey } from "./restrict";
import { updateKeyInput } from "./schemas";

// Taking features and models off a key leaves a policy the key form accepts: a model no longer
// allowed leaves the fallbacks and the weights; weighted balancing over one model becomes none;
// what would widen the key (an empty list means every model) or drop a model carrying traffic is
// refused with the reason.

let db: Db;
beforeAll(async () => {
  ({ db } = await testDatabase());
});

const settings = {
  name: "support-bot",
  features: ["streaming", "reasoning"],
  allowedModels: ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5"],
  fallbackModels: ["gpt-4o-mini", "claude-sonnet-4-5"],
  loadBalancing: "weighted" as "weighted" | "none",
  weights: { "gpt-4o": 100, "gpt-4o-mini": 0, "claude-sonnet-4-5": 0 } as Record<string, number>,
  expiresOn: "",
  monthlyLimitDollars: "",
};

async function scene(overrides: Partial<typeof settings> = {}) {
  const f = await orgFixture(db, "admin");
  const key = await createKey(db, f.actor, { ...settings, ...overrides });
  const stored = async () => (await db.select().from(apiKeys).where(eq(apiKeys.id, key.id)))[0]!;
  return { ...f, key, stored };
}

describe("restrictKey", () => {
  it("takes features and models off and keeps the policy one the form accepts", async () => {
    const s = await scene();
    await restrictKey(db, s.actor, {
      keyId: s.key.id,
      features: ["reasoning"],
      models: ["claude-sonnet-4-5"],
    });
    const after = await s.stored();
    expect(after.features).toEqual(["streaming"]);
    expect(after.policy).toEqual({
      allowedModels: ["gpt-4o", "gpt-4o-mini"],
      fallbackModels: ["gpt-4o-mini"],
      loadBalancing: "weighted",
      weights: { "gpt-4o": 100, "gpt-4o-mini": 0 },
    });
    expect(
      updateKeyInput.safeParse({
        keyId: s.key.id,
        ...settings,
        ...after.policy,
        features: after.features,
      }).success,
    ).toBe(true);
    await restrictKey(db, s.actor, { keyId: s.key.id, models: ["gpt-4o-mini"] });
    expect((await s.stored()).policy).toEqual({
      allowedModels: ["gpt-4o"],
      fallbackModels: [],
      loadBalancing: "none",
      weights: {},
    });
    const audited = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.orgId, s.org.id), eq(auditLog.action, "key.updated")));
    expect(audited).toHaveLength(2);
    expect(audited.map((a) => (a.before as { features: string[] }).features)).toContainEqual([
      "streaming",
      "reasoning",
    ]);
  });

  it("leaves the key's last addition where it was; the key form's additions move it", async () => {
    const s = await scene();
    const { accessAddedAt } = await s.stored();
    await restrictKey(db, s.actor, { keyId: s.key.id, features: ["reasoning"] });
    expect((await s.stored()).accessAddedAt).toEqual(accessAddedAt);
    const later = new Date(Date.now() + 60_000);
    const edit = { keyId: s.key.id, ...settings, features: ["streaming"] };
    await updateKey(db, s.actor, { ...edit, name: "support-bot-2" }, later);
    expect((await s.stored()).accessAddedAt).toEqual(accessAddedAt);
    await updateKey(db, s.actor, { ...edit, features: ["streaming", "auto-caching"] }, later);
    expect((await s.stored()).accessAddedAt).toEqual(later);
  });

  it("lists the rest of the catalogue when a key that allowed every model loses some", async () => {
    const s = await scene({
      allowedModels: [],
      fallbackModels: [],
      loadBalancing: "none",
      weights: {},
    });
    await restrictKey(db, s.actor, { keyId: s.key.id, models: ["claude-opus-4-1", "o3"] });
    expect((await s.stored()).policy.allowedModels).toEqual(
      modelCatalogue.map((m) => m.id).filter((id) => id !== "claude-opus-4-1" && id !== "o3"),
    );
  });

  it("refuses what would widen the key, drop a model carrying traffic, or is not on it", async () => {
    const s = await scene();
    await expect(restrictKey(db, s.actor, { keyId: s.key.id, models: ["gpt-4o"] })).rejects.toThrow(
      "gpt-4o carries 100% of support-bot's traffic; give its weight to another model first.",
    );
    await expect(
      restrictKey(db, s.actor, {
        keyId: s.key.id,
        models: ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5"],
      }),
    ).rejects.toThrow("support-bot must allow at least one model; to stop it, revoke it.");
    await expect(restrictKey(db, s.actor, { keyId: s.key.id, models: ["o3"] })).rejects.toThrow(
      "support-bot does not allow o3.",
    );
    await expect(
      restrictKey(db, s.actor, { keyId: s.key.id, features: ["voice-input"] }),
    ).rejects.toThrow("support-bot does not carry voice-input.");
    await expect(restrictKey(db, s.actor, { keyId: s.key.id })).rejects.toThrow(
      "Choose a feature or model to remove.",
    );
    expect((await s.stored()).policy.allowedModels).toHaveLength(3);

    const member = await orgFixture(db, "member");
    await expect(
      restrictKey(db, member.actor, { keyId: s.key.id, features: ["reasoning"] }),
    ).rejects.toBeInstanceOf(Forbidden);
    const stranger = await orgFixture(db, "admin");
    await expect(
      restrictKey(db, stranger.actor, { keyId: s.key.id, features: ["reasoning"] }),
    ).rejects.toBeInstanceOf(NotFound);
    await revokeKey(db, s.actor, { keyId: s.key.id });
    await expect(
      restrictKey(db, s.actor, { keyId: s.key.id, features: ["reasoning"] }),
    ).rejects.toThrow("support-bot is revoked.");
  });
});

import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import { apiKeys, auditLog } from "@/db/schema";
import { authorize } from "@/lib/access/authorize";
import { keyAccess, memberAccess } from "@/lib/access/queries";
import type { Actor } from "@/lib/auth/actor";
import { testDatabase } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import {
  assignKeyToGroups,
  createKey,
  revokeKey,
  rotateKey,
  unassignKeyFromGroups,
  updateKey,
} from "./commands";
import { flushLastUse } from "./last-used";
import { groupKeys, listKeys } from "./queries";
import { hashSecret, isWellFormedSecret } from "./secret";

let db: Db;
beforeAll(async () => {
  ({ db } = await testDatabase());
});

const settings = {
  name: "support-bot",
  features: ["streaming", "reasoning", "voice-input"],
  allowedModels: ["gpt-4o", "claude-sonnet-4-5", "gemini-2.5-flash"],
  fallbackModels: ["claude-sonnet-4-5", "gemini-2.5-flash"],
  loadBalancing: "weighted" as const,
  weights: { "gpt-4o": 50, "claude-sonnet-4-5": 30, "gemini-2.5-flash": 20 },
  expiresOn: "",
  monthlyLimitDollars: "250",
};

async function scene() {
  const f = await orgFixture(db, "admin");
  const eng = await f.group("Engineering");
  const backend = await f.group("Backend", eng);
  const ann = await f.person("Ann");
  await f.join(backend, ann.id);
  const gateway: Actor = { kind: "gateway", tokenId: "t", orgId: f.org.id, label: "gw" };
  const ask = (secret: string) =>
    authorize(db, gateway, {
      apiKey: secret,
      user: { email: `ann@${f.org.slug}.test` },
      model: "gpt-4o",
      features: ["streaming"],
    });
  return { ...f, eng, backend, ann, ask };
}

const auditRowsOf = (orgId: string) => db.select().from(auditLog).where(eq(auditLog.orgId, orgId));

describe("API keys", () => {
  it("creates a key whose secret is returned once and stored only as a hash", async () => {
    const s = await scene();
    const created = await createKey(db, s.actor, settings);
    expect(isWellFormedSecret(created.secret)).toBe(true);
    expect(created.secret).toMatch(/^ghk_[0-9A-Za-z]{49}$/);

    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, created.id));
    expect(row!.secretHash).toBe(hashSecret(created.secret));
    expect(row).toMatchObject({
      prefix: created.secret.slice(0, 10),
      lastFour: created.secret.slice(-4),
      features: ["streaming", "reasoning", "voice-input"],
      monthlyLimitMicros: 250_000_000,
      policy: {
        loadBalancing: "weighted",
        fallbackModels: ["claude-sonnet-4-5", "gemini-2.5-flash"],
      },
    });

    const listed = JSON.stringify(await listKeys(db, s.actor));
    const audited = JSON.stringify(await auditRowsOf(s.org.id));
    for (const text of [listed, audited]) {
      expect(text).not.toContain(created.secret);
      expect(text).not.toContain(row!.secretHash);
    }
    expect(audited).toContain("key.created");
  });

  it("refuses weights that do not add up to 100, stray fallbacks, duplicates and past expiry", async () => {
    const s = await scene();
    await expect(
      createKey(db, s.actor, { ...settings, weights: { "gpt-4o": 50, "claude-sonnet-4-5": 30 } }),
    ).rejects.toThrow(/add up to 80; they must add up to 100/);
    await expect(createKey(db, s.actor, { ...settings, fallbackModels: ["o3"] })).rejects.toThrow(
      /o3 is a fallback but not an allowed model/,
    );
    await expect(createKey(db, s.actor, { ...settings, allowedModels: ["gpt-9"] })).rejects.toThrow(
      /gpt-9 is not in the model catalogue/,
    );
    await expect(createKey(db, s.actor, { ...settings, expiresOn: "2020-01-01" })).rejects.toThrow(
      /after today/,
    );
    await expect(
      createKey(db, s.actor, { ...settings, features: ["Not A Slug!"] }),
    ).rejects.toThrow(/lowercase words/);
    await createKey(db, s.actor, settings);
    await expect(createKey(db, s.actor, { ...settings, name: "SUPPORT-BOT" })).rejects.toThrow(
      /already exists/,
    );
    expect(await listKeys(db, s.actor)).toHaveLength(1);
  });

  it("forgets weights unless balancing is weighted", async () => {
    const s = await scene();
    const { id } = await createKey(db, s.actor, { ...settings, loadBalancing: "round-robin" });
    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, id));
    expect(row!.policy.weights).toEqual({});
  });

  it("grants access through the groups it is assigned to, and stops at unassign and revoke", async () => {
    const s = await scene();
    const { id, secret } = await createKey(db, s.actor, settings);
    expect(await s.ask(secret)).toMatchObject({ allow: false, reason: "no_group_access" });

    expect(await assignKeyToGroups(db, s.actor, { keyId: id, groupIds: [s.eng] })).toEqual({
      added: 1,
      alreadyAssigned: 0,
    });
    expect(await s.ask(secret)).toMatchObject({ allow: true, groups: [{ name: "Engineering" }] });
    expect(await memberAccess(db, s.actor, s.ann.id)).toMatchObject([
      {
        keyName: "support-bot",
        grants: [{ groupName: "Engineering", path: ["Engineering", "Backend"] }],
      },
    ]);
    expect(await keyAccess(db, s.actor, id)).toMatchObject([{ name: "Ann" }]);
    expect(await groupKeys(db, s.actor, s.backend)).toMatchObject([
      { id, inheritedFrom: { name: "Engineering" } },
    ]);

    await unassignKeyFromGroups(db, s.actor, { keyId: id, groupIds: [s.eng] });
    expect(await s.ask(secret)).toMatchObject({ allow: false, reason: "no_group_access" });

    await assignKeyToGroups(db, s.actor, { keyId: id, groupIds: [s.backend] });
    expect(await s.ask(secret)).toMatchObject({ allow: true });
    await revokeKey(db, s.actor, { keyId: id });
    // No cache between the console and the gateway: the very next call is refused.
    expect(await s.ask(secret)).toMatchObject({ allow: false, reason: "key_revoked" });
    expect(await memberAccess(db, s.actor, s.ann.id)).toEqual([]);
    await expect(rotateKey(db, s.actor, { keyId: id })).rejects.toThrow(/revoked/);
  });

  it("rotates the secret and keeps settings, groups and the name", async () => {
    const s = await scene();
    const first = await createKey(db, s.actor, settings);
    await assignKeyToGroups(db, s.actor, { keyId: first.id, groupIds: [s.eng] });
    const second = await rotateKey(db, s.actor, { keyId: first.id });
    expect(second.secret).not.toBe(first.secret);
    expect(await s.ask(first.secret)).toMatchObject({ allow: false, reason: "key_unknown" });
    expect(await s.ask(second.secret)).toMatchObject({ allow: true, keyId: first.id });
    const audited = JSON.stringify(await auditRowsOf(s.org.id));
    expect(audited).toContain("key.rotated");
    expect(audited).not.toContain(second.secret);
  });

  it("updates settings, and the next decision follows them", async () => {
    const s = await scene();
    const { id, secret } = await createKey(db, s.actor, settings);
    await assignKeyToGroups(db, s.actor, { keyId: id, groupIds: [s.eng] });
    await updateKey(db, s.actor, {
      ...settings,
      keyId: id,
      allowedModels: ["claude-sonnet-4-5"],
      fallbackModels: [],
      loadBalancing: "none",
    });
    expect(await s.ask(secret)).toMatchObject({ allow: false, reason: "model_not_allowed" });
  });

  it("records when a key was last used, off the request path, at most once a minute", async () => {
    const s = await scene();
    const { id, secret } = await createKey(db, s.actor, settings);
    await assignKeyToGroups(db, s.actor, { keyId: id, groupIds: [s.eng] });
    const lastUsed = async () => {
      await flushLastUse(db);
      return (await db.select().from(apiKeys).where(eq(apiKeys.id, id)))[0]!.lastUsedAt;
    };
    expect(await lastUsed()).toBeNull();
    await s.ask(secret);
    const first = await lastUsed();
    expect(first).not.toBeNull();
    await s.ask(secret);
    expect(await lastUsed()).toEqual(first);
  });

  it("keeps keys and groups inside the organisation, and away from read-only members", async () => {
    const s = await scene();
    const other = await orgFixture(db, "admin");
    const theirGroup = await other.group("Theirs");
    const theirKey = await createKey(db, other.actor, { ...settings, name: "theirs" });
    const mine = await createKey(db, s.actor, settings);

    await expect(
      assignKeyToGroups(db, s.actor, { keyId: mine.id, groupIds: [theirGroup] }),
    ).rejects.toThrow(/group was not found/);
    await expect(
      assignKeyToGroups(db, s.actor, { keyId: theirKey.id, groupIds: [s.eng] }),
    ).rejects.toThrow(/API key was not found/);
    await expect(revokeKey(db, s.actor, { keyId: theirKey.id })).rejects.toThrow(/not found/);
    await expect(rotateKey(db, s.actor, { keyId: theirKey.id })).rejects.toThrow(/not found/);
    expect(await keyAccess(db, s.actor, theirKey.id)).toEqual([]);

    const reader = await orgFixture(db, "member");
    await expect(createKey(db, reader.actor, settings)).rejects.toThrow(/permission/);
  });
});

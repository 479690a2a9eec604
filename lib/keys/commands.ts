import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { type ApiKey, apiKeyGroups, apiKeys } from "@/db/schema";
import { audit } from "@/lib/audit/record";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { Invalid, NotFound } from "@/lib/errors";
import { requireGroups } from "@/lib/groups/lookup";
import { modelCatalogue } from "@/lib/models/catalogue";
import {
  type CreateKeyInput,
  type KeyGroupsInput,
  type UpdateKeyInput,
  createKeyInput,
  keyGroupsInput,
  keyIdInput,
  updateKeyInput,
} from "./schemas";
import { newSecret } from "./secret";

// API keys: created with their secret shown once (the return value of createKey and rotateKey
// is the only place it ever appears), stored as a hash, revoked for good, assigned to groups.

/** What the audit log keeps of a key: settings, never the secret or its hash. */
export const snapshot = (k: ApiKey) => ({
  name: k.name,
  prefix: k.prefix,
  lastFour: k.lastFour,
  features: k.features,
  policy: k.policy,
  monthlyLimitMicros: k.monthlyLimitMicros,
  expiresAt: k.expiresAt,
});

async function assertNameFree(tx: Db, orgId: string, name: string, exceptId?: string) {
  const [clash] = await tx
    .select({ id: apiKeys.id, name: apiKeys.name })
    .from(apiKeys)
    .where(and(eq(apiKeys.orgId, orgId), sql`lower(${apiKeys.name}) = lower(${name})`));
  if (clash && clash.id !== exceptId) {
    const message = `A key named ${clash.name} already exists.`;
    throw new Invalid(message, { name: message });
  }
}

function assertFutureExpiry(expiresAt: Date | null, now: Date) {
  if (expiresAt && expiresAt <= now) {
    const message = "Choose an expiry date after today; to stop a key now, revoke it.";
    throw new Invalid(message, { expiresOn: message });
  }
}

/** The key with this id in the organisation, locked for the change; NotFound otherwise. */
export async function requireKey(
  tx: Db,
  orgId: string,
  keyId: string,
  options: { live?: boolean } = {},
) {
  const [key] = await tx
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.orgId, orgId), eq(apiKeys.id, keyId)))
    .for("update");
  if (!key) throw new NotFound("The API key");
  if (options.live && key.revokedAt) throw new Invalid(`${key.name} is revoked.`);
  return key;
}

export async function createKey(db: Db, actor: Actor, raw: CreateKeyInput, now = new Date()) {
  assertCan(actor, "org:manage");
  const input = createKeyInput.parse(raw);
  assertFutureExpiry(input.expiresOn, now);
  const secret = newSecret();
  return db.transaction(async (tx) => {
    await assertNameFree(tx, actor.orgId, input.name);
    const [key] = await tx
      .insert(apiKeys)
      .values({
        orgId: actor.orgId,
        name: input.name,
        prefix: secret.prefix,
        lastFour: secret.lastFour,
        secretHash: secret.hash,
        features: input.features,
        policy: {
          allowedModels: input.allowedModels,
          fallbackModels: input.fallbackModels,
          loadBalancing: input.loadBalancing,
          weights: input.weights,
        },
        monthlyLimitMicros: input.monthlyLimitDollars,
        expiresAt: input.expiresOn,
        createdBy: actor.kind === "user" ? actor.userId : null,
      })
      .returning();
    await audit(
      tx,
      actor,
      "key.created",
      { type: "api_key", id: key!.id },
      { after: snapshot(key!) },
    );
    return { id: key!.id, name: key!.name, secret: secret.secret };
  });
}

/** Whether new settings give a key a feature or a model it did not have (no list: every model). */
function addsAccess(
  before: Pick<ApiKey, "features" | "policy">,
  after: { features: string[]; allowedModels: string[] },
) {
  const everything = (models: string[]) =>
    models.length ? models : modelCatalogue.map((m) => m.id);
  const allowed = new Set(everything(before.policy.allowedModels));
  return (
    after.features.some((f) => !before.features.includes(f)) ||
    everything(after.allowedModels).some((m) => !allowed.has(m))
  );
}

export async function updateKey(db: Db, actor: Actor, raw: UpdateKeyInput, now = new Date()) {
  assertCan(actor, "org:manage");
  const input = updateKeyInput.parse(raw);
  return db.transaction(async (tx) => {
    const before = await requireKey(tx, actor.orgId, input.keyId, { live: true });
    // An unchanged past expiry stays as it is; a new one must lie ahead.
    if (input.expiresOn?.getTime() !== before.expiresAt?.getTime())
      assertFutureExpiry(input.expiresOn, now);
    await assertNameFree(tx, actor.orgId, input.name, before.id);
    const [after] = await tx
      .update(apiKeys)
      .set({
        name: input.name,
        features: input.features,
        policy: {
          allowedModels: input.allowedModels,
          fallbackModels: input.fallbackModels,
          loadBalancing: input.loadBalancing,
          weights: input.weights,
        },
        monthlyLimitMicros: input.monthlyLimitDollars,
        expiresAt: input.expiresOn,
        updatedAt: now,
        ...(addsAccess(before, input) && { accessAddedAt: now }),
      })
      .where(eq(apiKeys.id, before.id))
      .returning();
    await audit(
      tx,
      actor,
      "key.updated",
      { type: "api_key", id: before.id },
      { before: snapshot(before), after: snapshot(after!) },
    );
    return { id: after!.id, name: after!.name };
  });
}

/** Revoking is final: the gateway is refused the key from the next authorize call on. */
export async function revokeKey(db: Db, actor: Actor, raw: { keyId: string }, now = new Date()) {
  assertCan(actor, "org:manage");
  const { keyId } = keyIdInput.parse(raw);
  return db.transaction(async (tx) => {
    const key = await requireKey(tx, actor.orgId, keyId, { live: true });
    await tx
      .update(apiKeys)
      .set({ revokedAt: now, updatedAt: now })
      .where(and(eq(apiKeys.id, key.id), isNull(apiKeys.revokedAt)));
    await audit(
      tx,
      actor,
      "key.revoked",
      { type: "api_key", id: key.id },
      { before: snapshot(key) },
    );
    return { id: key.id, name: key.name };
  });
}

/** A new secret for the same key (settings, groups and spend history stay); the old one stops. */
export async function rotateKey(db: Db, actor: Actor, raw: { keyId: string }, now = new Date()) {
  assertCan(actor, "org:manage");
  const { keyId } = keyIdInput.parse(raw);
  const secret = newSecret();
  return db.transaction(async (tx) => {
    const key = await requireKey(tx, actor.orgId, keyId, { live: true });
    await tx
      .update(apiKeys)
      .set({
        prefix: secret.prefix,
        lastFour: secret.lastFour,
        secretHash: secret.hash,
        updatedAt: now,
      })
      .where(eq(apiKeys.id, key.id));
    await audit(
      tx,
      actor,
      "key.rotated",
      { type: "api_key", id: key.id },
      {
        before: { prefix: key.prefix, lastFour: key.lastFour },
        after: { prefix: secret.prefix, lastFour: secret.lastFour },
      },
    );
    return { id: key.id, name: key.name, secret: secret.secret };
  });
}

export async function assignKeyToGroups(db: Db, actor: Actor, raw: KeyGroupsInput) {
  assertCan(actor, "org:manage");
  const input = keyGroupsInput.parse(raw);
  return db.transaction(async (tx) => {
    const key = await requireKey(tx, actor.orgId, input.keyId, { live: true });
    const found = await requireGroups(tx, actor.orgId, input.groupIds, { live: true });
    const added = await tx
      .insert(apiKeyGroups)
      .values(
        input.groupIds.map((groupId) => ({
          orgId: actor.orgId,
          keyId: key.id,
          groupId,
          createdBy: actor.kind === "user" ? actor.userId : null,
        })),
      )
      .onConflictDoNothing()
      .returning({ groupId: apiKeyGroups.groupId });
    if (added.length)
      await audit(
        tx,
        actor,
        "key.assigned",
        { type: "api_key", id: key.id },
        { after: { key: key.name, groups: added.map((a) => found.get(a.groupId)!.name) } },
      );
    return { added: added.length, alreadyAssigned: input.groupIds.length - added.length };
  });
}

export async function unassignKeyFromGroups(db: Db, actor: Actor, raw: KeyGroupsInput) {
  assertCan(actor, "org:manage");
  const input = keyGroupsInput.parse(raw);
  return db.transaction(async (tx) => {
    const key = await requireKey(tx, actor.orgId, input.keyId);
    const found = await requireGroups(tx, actor.orgId, input.groupIds);
    const removed = await tx
      .delete(apiKeyGroups)
      .where(
        and(
          eq(apiKeyGroups.orgId, actor.orgId),
          eq(apiKeyGroups.keyId, key.id),
          inArray(apiKeyGroups.groupId, input.groupIds),
        ),
      )
      .returning({ groupId: apiKeyGroups.groupId });
    if (removed.length)
      await audit(
        tx,
        actor,
        "key.unassigned",
        { type: "api_key", id: key.id },
        { before: { key: key.name, groups: removed.map((r) => found.get(r.groupId)!.name) } },
      );
    return { removed: removed.length };
  });
}

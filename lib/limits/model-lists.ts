import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { type ModelList, apiKeys, groups, modelListAttachments, modelLists } from "@/db/schema";
import { listPermits } from "@/lib/access/checks";
import { audit } from "@/lib/audit/record";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { Invalid, NotFound } from "@/lib/errors";
import { requireGroup } from "@/lib/groups/lookup";
import { requireKey } from "@/lib/keys/commands";
import type { CatalogueModel } from "@/lib/models/catalogue";
import {
  type ModelListAttachmentInput,
  type ModelListInput,
  modelListAttachmentInput,
  modelListIdInput,
  modelListInput,
} from "./schemas";

// Model lists: maintained once in Settings, attached to keys and groups. Every change is
// audited; the gateway's instances see it from the notification its commit sends.

const shown = (l: ModelList | undefined) =>
  l && { name: l.name, sense: l.sense, patterns: l.patterns };

async function assertNameFree(tx: Db, orgId: string, name: string, exceptId?: string) {
  const [clash] = await tx
    .select({ id: modelLists.id, name: modelLists.name })
    .from(modelLists)
    .where(and(eq(modelLists.orgId, orgId), sql`lower(${modelLists.name}) = lower(${name})`));
  if (clash && clash.id !== exceptId)
    throw new Invalid(`A model list named ${clash.name} already exists.`, {
      name: `A model list named ${clash.name} already exists.`,
    });
}

async function requireList(tx: Db, orgId: string, listId: string) {
  const [list] = await tx
    .select()
    .from(modelLists)
    .where(and(eq(modelLists.orgId, orgId), eq(modelLists.id, listId)))
    .for("update");
  if (!list) throw new NotFound("The model list");
  return list;
}

export async function createModelList(db: Db, actor: Actor, raw: ModelListInput) {
  assertCan(actor, "org:manage");
  const input = modelListInput.parse(raw);
  return db.transaction(async (tx) => {
    await assertNameFree(tx, actor.orgId, input.name);
    const [list] = await tx
      .insert(modelLists)
      .values({ orgId: actor.orgId, ...input })
      .returning();
    await audit(
      tx,
      actor,
      "model_list.created",
      { type: "model_list", id: list!.id },
      { after: shown(list) },
    );
    return list!;
  });
}

export async function updateModelList(
  db: Db,
  actor: Actor,
  raw: ModelListInput & { listId: string },
) {
  assertCan(actor, "org:manage");
  const input = modelListInput.parse(raw);
  const { listId } = modelListIdInput.parse(raw);
  return db.transaction(async (tx) => {
    const before = await requireList(tx, actor.orgId, listId);
    await assertNameFree(tx, actor.orgId, input.name, before.id);
    const [after] = await tx
      .update(modelLists)
      .set({ ...input, updatedAt: new Date() })
      .where(and(eq(modelLists.orgId, actor.orgId), eq(modelLists.id, before.id)))
      .returning();
    await audit(
      tx,
      actor,
      "model_list.changed",
      { type: "model_list", id: before.id },
      {
        before: shown(before),
        after: shown(after),
      },
    );
    return after!;
  });
}

export async function deleteModelList(db: Db, actor: Actor, raw: { listId: string }) {
  assertCan(actor, "org:manage");
  const { listId } = modelListIdInput.parse(raw);
  return db.transaction(async (tx) => {
    const list = await requireList(tx, actor.orgId, listId);
    await tx
      .delete(modelLists)
      .where(and(eq(modelLists.orgId, actor.orgId), eq(modelLists.id, list.id)));
    await audit(
      tx,
      actor,
      "model_list.deleted",
      { type: "model_list", id: list.id },
      { before: shown(list) },
    );
  });
}

/** Attaches a list to a key or a group (again: nothing changes), or detaches it. */
export async function setModelListAttached(
  db: Db,
  actor: Actor,
  raw: ModelListAttachmentInput & { attached: boolean },
) {
  assertCan(actor, "org:manage");
  const { listId, target } = modelListAttachmentInput.parse(raw);
  const attached = raw.attached === true;
  return db.transaction(async (tx) => {
    const list = await requireList(tx, actor.orgId, listId);
    const on =
      target.kind === "key"
        ? await requireKey(tx, actor.orgId, target.id)
        : await requireGroup(tx, actor.orgId, target.id);
    const where = and(
      eq(modelListAttachments.orgId, actor.orgId),
      eq(modelListAttachments.listId, list.id),
      target.kind === "key"
        ? eq(modelListAttachments.keyId, on.id)
        : eq(modelListAttachments.groupId, on.id),
    );
    const changed = attached
      ? await tx
          .insert(modelListAttachments)
          .values({
            orgId: actor.orgId,
            listId: list.id,
            keyId: target.kind === "key" ? on.id : null,
            groupId: target.kind === "group" ? on.id : null,
          })
          .onConflictDoNothing()
          .returning({ id: modelListAttachments.id })
      : await tx
          .delete(modelListAttachments)
          .where(where)
          .returning({ id: modelListAttachments.id });
    if (changed.length)
      await audit(
        tx,
        actor,
        attached ? "model_list.attached" : "model_list.detached",
        { type: "model_list", id: list.id },
        { after: { list: list.name, [target.kind]: on.name } },
      );
    return { changed: changed.length > 0 };
  });
}

/** Every list of the organisation with where it is attached, for Settings and the pickers. */
export async function listModelLists(db: Db, actor: Actor) {
  assertCan(actor, "org:read");
  const [lists, attachments] = await Promise.all([
    db
      .select()
      .from(modelLists)
      .where(eq(modelLists.orgId, actor.orgId))
      .orderBy(asc(modelLists.name)),
    db
      .select({
        listId: modelListAttachments.listId,
        keyId: modelListAttachments.keyId,
        groupId: modelListAttachments.groupId,
        keyName: apiKeys.name,
        groupName: groups.name,
      })
      .from(modelListAttachments)
      .leftJoin(
        apiKeys,
        and(
          eq(apiKeys.orgId, modelListAttachments.orgId),
          eq(apiKeys.id, modelListAttachments.keyId),
        ),
      )
      .leftJoin(
        groups,
        and(
          eq(groups.orgId, modelListAttachments.orgId),
          eq(groups.id, modelListAttachments.groupId),
        ),
      )
      .where(eq(modelListAttachments.orgId, actor.orgId)),
  ]);
  return lists.map((l) => {
    const mine = attachments.filter((a) => a.listId === l.id);
    return {
      ...l,
      keys: mine.filter((a) => a.keyId).map((a) => ({ id: a.keyId!, name: a.keyName! })),
      groups: mine.filter((a) => a.groupId).map((a) => ({ id: a.groupId!, name: a.groupName! })),
    };
  });
}

/** For the catalogue page: which lists let each model through. */
export function listsPermitting(
  lists: Pick<ModelList, "id" | "name" | "sense" | "patterns">[],
  models: readonly CatalogueModel[],
) {
  return new Map(models.map((m) => [m.id, lists.filter((l) => listPermits(l, m.id))]));
}

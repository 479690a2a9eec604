import { and, desc, eq, lt, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { scimErrors } from "@/db/schema";
import { type Actor, assertCan } from "@/lib/auth/actor";
import type { DirectoryActor } from "./tokens";

// The SCIM requests Gatehouse refused, kept so that an admin whose provisioning fails sees which
// request failed and what it was told (Settings → Directory sync). Written after the refused
// request's transaction rolled back; the newest 100 per organisation are kept.

const KEPT = 100;
const EXCERPT_CHARS = 1_000;

// Identity providers send a password on create (Okta); it is never stored, not even here.
const redact = (body: string) =>
  body.replace(/("password"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, '$1"[redacted]"').slice(0, EXCERPT_CHARS);

export async function recordScimError(
  db: Db,
  actor: DirectoryActor,
  entry: {
    method: string;
    path: string;
    status: number;
    scimType: string | null;
    detail: string;
    body: string;
  },
) {
  await db.transaction(async (tx) => {
    await tx.insert(scimErrors).values({
      orgId: actor.orgId,
      tokenId: actor.tokenId,
      method: entry.method,
      path: entry.path.slice(0, 2_000),
      status: entry.status,
      scimType: entry.scimType,
      detail: entry.detail.slice(0, 2_000),
      requestExcerpt: redact(entry.body),
    });
    await tx
      .delete(scimErrors)
      .where(
        and(
          eq(scimErrors.orgId, actor.orgId),
          lt(
            scimErrors.createdAt,
            sql`(select created_at from scim_errors where org_id = ${actor.orgId}::uuid order by created_at desc offset ${KEPT - 1} limit 1)`,
          ),
        ),
      );
  });
}

export async function listScimErrors(db: Db, actor: Actor, limit = 20) {
  assertCan(actor, "org:manage");
  return db
    .select({
      id: scimErrors.id,
      method: scimErrors.method,
      path: scimErrors.path,
      status: scimErrors.status,
      scimType: scimErrors.scimType,
      detail: scimErrors.detail,
      requestExcerpt: scimErrors.requestExcerpt,
      createdAt: scimErrors.createdAt,
    })
    .from(scimErrors)
    .where(eq(scimErrors.orgId, actor.orgId))
    .orderBy(desc(scimErrors.createdAt))
    .limit(limit);
}

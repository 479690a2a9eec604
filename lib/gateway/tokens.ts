import { FIELD_LIMITS } from "@/lib/field-limits";
import { and, desc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/connect";
import { gatewayTokens } from "@/db/schema";
import { audit } from "@/lib/audit/record";
import { recordRepeatedRefusal } from "@/lib/audit/refusals";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { NotFound } from "@/lib/errors";
import { noteLastUse } from "@/lib/keys/last-used";
import { hashSecret, isWellFormedSecret, newSecret } from "@/lib/keys/secret";
import type { Snapshots } from "./snapshots";
import { tokenByHash } from "./token-lookup";

// Tokens the gateway presents to the HTTP API (Authorization: Bearer ghg_…). Stored as a hash;
// the secret is returned once, at creation.
export const GATEWAY_TOKEN_PREFIX = "ghg_";

const createInput = z.object({
  name: z
    .string()
    .trim()
    .min(1, "Enter a name.")
    .max(
      FIELD_LIMITS.gatewayTokenName,
      `Keep the name to ${FIELD_LIMITS.gatewayTokenName} characters or fewer.`,
    ),
});

export async function createGatewayToken(db: Db, actor: Actor, raw: { name: string }) {
  assertCan(actor, "org:manage");
  const { name } = createInput.parse(raw);
  const secret = newSecret(GATEWAY_TOKEN_PREFIX);
  return db.transaction(async (tx) => {
    const [token] = await tx
      .insert(gatewayTokens)
      .values({
        orgId: actor.orgId,
        name,
        prefix: secret.prefix,
        tokenHash: secret.hash,
        createdBy: actor.kind === "user" ? actor.userId : null,
      })
      .returning({ id: gatewayTokens.id, name: gatewayTokens.name, prefix: gatewayTokens.prefix });
    await audit(
      tx,
      actor,
      "gateway_token.created",
      { type: "gateway_token", id: token!.id },
      { after: { name, prefix: secret.prefix } },
    );
    return { ...token!, secret: secret.secret };
  });
}

/**
 * The gateway actor for a bearer token, or null for anything but a live token. With the
 * instance's snapshots, the token is looked up in memory (see lib/gateway/snapshots.ts).
 */
export async function gatewayActorForToken(
  db: Db,
  bearer: string,
  snapshots?: Pick<Snapshots, "token">,
): Promise<Extract<Actor, { kind: "gateway" }> | null> {
  if (!isWellFormedSecret(bearer, GATEWAY_TOKEN_PREFIX)) return null;
  const hash = hashSecret(bearer);
  const token = snapshots ? await snapshots.token(hash) : await tokenByHash(db, hash);
  if (!token) return null;
  const actor = {
    kind: "gateway" as const,
    tokenId: token.id,
    orgId: token.orgId,
    label: `gateway:${token.name}`,
  };
  if (token.revokedAt) {
    // Someone still holds a revoked token: its organisation's admins should know.
    await recordRepeatedRefusal(db, actor, {
      target: { type: "gateway_token", id: token.id },
      reason: "A revoked gateway token was presented.",
    });
    return null;
  }
  noteLastUse(db, gatewayTokens, token.id);
  return actor;
}

export async function listGatewayTokens(db: Db, actor: Actor) {
  assertCan(actor, "org:manage");
  return db
    .select({
      id: gatewayTokens.id,
      name: gatewayTokens.name,
      prefix: gatewayTokens.prefix,
      createdAt: gatewayTokens.createdAt,
      lastUsedAt: gatewayTokens.lastUsedAt,
      revokedAt: gatewayTokens.revokedAt,
    })
    .from(gatewayTokens)
    .where(eq(gatewayTokens.orgId, actor.orgId))
    .orderBy(desc(gatewayTokens.createdAt));
}

export async function revokeGatewayToken(db: Db, actor: Actor, raw: { tokenId: string }) {
  assertCan(actor, "org:manage");
  const { tokenId } = z.object({ tokenId: z.uuid("Unknown token.") }).parse(raw);
  return db.transaction(async (tx) => {
    const [token] = await tx
      .update(gatewayTokens)
      .set({ revokedAt: new Date() })
      .where(
        and(
          eq(gatewayTokens.orgId, actor.orgId),
          eq(gatewayTokens.id, tokenId),
          isNull(gatewayTokens.revokedAt),
        ),
      )
      .returning({ id: gatewayTokens.id, name: gatewayTokens.name });
    if (!token) throw new NotFound("The gateway token");
    await audit(
      tx,
      actor,
      "gateway_token.revoked",
      { type: "gateway_token", id: token.id },
      { after: { name: token.name } },
    );
    return token;
  });
}

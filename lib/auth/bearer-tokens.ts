import { and, desc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/connect";
import type { gatewayTokens, scimTokens } from "@/db/schema";
import { audit } from "@/lib/audit/record";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { NotFound } from "@/lib/errors";
import { FIELD_LIMITS } from "@/lib/field-limits";
import { newSecret } from "@/lib/keys/secret";

// The organisation's bearer tokens for machines: gateway tokens (ghg_, the gateway API) and SCIM
// tokens (ghs_, directory sync). Both are made, listed and revoked the same way, by owners and
// admins: stored as a hash, the secret returned once, at creation, every change audited.

type TokenTable = typeof gatewayTokens | typeof scimTokens;

interface TokenKind {
  table: TokenTable;
  prefix: string;
  /** The audit target type, and the prefix of its audit actions (`<type>.created`). */
  auditType: string;
  /** How the token is named in "not found" messages. */
  title: string;
}

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

export function bearerTokenCommands(kind: TokenKind) {
  // Both tables have the same columns; Drizzle's types cannot say so for a union of tables.
  const t = kind.table as typeof gatewayTokens;

  async function create(db: Db, actor: Actor, raw: { name: string }) {
    assertCan(actor, "org:manage");
    const { name } = createInput.parse(raw);
    const secret = newSecret(kind.prefix);
    return db.transaction(async (tx) => {
      const [token] = await tx
        .insert(t)
        .values({
          orgId: actor.orgId,
          name,
          prefix: secret.prefix,
          tokenHash: secret.hash,
          createdBy: actor.kind === "user" ? actor.userId : null,
        })
        .returning({ id: t.id, name: t.name, prefix: t.prefix });
      await audit(
        tx,
        actor,
        `${kind.auditType}.created`,
        { type: kind.auditType, id: token!.id },
        { after: { name, prefix: secret.prefix } },
      );
      return { ...token!, secret: secret.secret };
    });
  }

  async function list(db: Db, actor: Actor) {
    assertCan(actor, "org:manage");
    return db
      .select({
        id: t.id,
        name: t.name,
        prefix: t.prefix,
        createdAt: t.createdAt,
        lastUsedAt: t.lastUsedAt,
        revokedAt: t.revokedAt,
      })
      .from(t)
      .where(eq(t.orgId, actor.orgId))
      .orderBy(desc(t.createdAt));
  }

  async function revoke(db: Db, actor: Actor, raw: { tokenId: string }) {
    assertCan(actor, "org:manage");
    const { tokenId } = z.object({ tokenId: z.uuid("Unknown token.") }).parse(raw);
    return db.transaction(async (tx) => {
      const [token] = await tx
        .update(t)
        .set({ revokedAt: new Date() })
        .where(and(eq(t.orgId, actor.orgId), eq(t.id, tokenId), isNull(t.revokedAt)))
        .returning({ id: t.id, name: t.name });
      if (!token) throw new NotFound(kind.title);
      await audit(
        tx,
        actor,
        `${kind.auditType}.revoked`,
        { type: kind.auditType, id: token.id },
        { after: { name: token.name } },
      );
      return token;
    });
  }

  return { create, list, revoke };
}

import type { Db } from "@/db/connect";
import { gatewayTokens } from "@/db/schema";
import { recordRepeatedRefusal } from "@/lib/audit/refusals";
import type { Actor } from "@/lib/auth/actor";
import { bearerTokenCommands } from "@/lib/auth/bearer-tokens";
import { noteLastUse } from "@/lib/keys/last-used";
import { hashSecret, isWellFormedSecret } from "@/lib/keys/secret";
import type { Snapshots } from "./snapshots";
import { tokenByHash } from "./token-lookup";

// Tokens the gateway presents to the HTTP API (Authorization: Bearer ghg_…). Stored as a hash;
// the secret is returned once, at creation.
export const GATEWAY_TOKEN_PREFIX = "ghg_";

const commands = bearerTokenCommands({
  table: gatewayTokens,
  prefix: GATEWAY_TOKEN_PREFIX,
  auditType: "gateway_token",
  title: "The gateway token",
});
export const createGatewayToken = commands.create;
export const listGatewayTokens = commands.list;
export const revokeGatewayToken = commands.revoke;

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

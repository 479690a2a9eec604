import { eq } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { scimTokens } from "@/db/schema";
import type { Actor } from "@/lib/auth/actor";
import { bearerTokenCommands } from "@/lib/auth/bearer-tokens";
import { noteLastUse } from "@/lib/keys/last-used";
import { hashSecret, isWellFormedSecret } from "@/lib/keys/secret";

// The tokens an identity provider provisions the organisation with (Authorization: Bearer ghs_…),
// made and revoked in Settings → Directory sync. A SCIM token is accepted by /scim/v2 only, and
// /scim/v2 accepts nothing else: no session, no gateway token.
export const SCIM_TOKEN_PREFIX = "ghs_";

const commands = bearerTokenCommands({
  table: scimTokens,
  prefix: SCIM_TOKEN_PREFIX,
  auditType: "scim_token",
  title: "The SCIM token",
});
export const createScimToken = commands.create;
export const listScimTokens = commands.list;
export const revokeScimToken = commands.revoke;

export type DirectoryActor = Extract<Actor, { kind: "directory" }>;

/** The directory actor for a bearer token, or null for anything but a live SCIM token. */
export async function directoryActorForToken(
  db: Db,
  bearer: string,
): Promise<DirectoryActor | null> {
  if (!isWellFormedSecret(bearer, SCIM_TOKEN_PREFIX)) return null;
  const [token] = await db
    .select({
      id: scimTokens.id,
      orgId: scimTokens.orgId,
      name: scimTokens.name,
      revokedAt: scimTokens.revokedAt,
    })
    .from(scimTokens)
    .where(eq(scimTokens.tokenHash, hashSecret(bearer)));
  if (!token || token.revokedAt) return null;
  noteLastUse(db, scimTokens, token.id);
  return {
    kind: "directory",
    tokenId: token.id,
    orgId: token.orgId,
    label: `directory:${token.name}`,
  };
}

import { eq } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { gatewayTokens } from "@/db/schema";

export interface GatewayTokenRow {
  id: string;
  orgId: string;
  name: string;
  revokedAt: Date | null;
}

/** The gateway token stored under this hash, revoked or not; null when there is none. */
export async function tokenByHash(db: Db, tokenHash: string): Promise<GatewayTokenRow | null> {
  const [token] = await db
    .select({
      id: gatewayTokens.id,
      orgId: gatewayTokens.orgId,
      name: gatewayTokens.name,
      revokedAt: gatewayTokens.revokedAt,
    })
    .from(gatewayTokens)
    .where(eq(gatewayTokens.tokenHash, tokenHash));
  return token ?? null;
}

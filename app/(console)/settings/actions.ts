"use server";

import { action } from "@/app/_server/action";
import { createGatewayToken, revokeGatewayToken } from "@/lib/gateway/tokens";

export const createGatewayTokenAction = action(
  (input: { name: string }, actor, db) => createGatewayToken(db, actor, input),
  { revalidate: ["/settings"] },
);
export const revokeGatewayTokenAction = action(
  async (input: { tokenId: string }, actor, db) => {
    await revokeGatewayToken(db, actor, input);
    return null;
  },
  { revalidate: ["/settings"] },
);

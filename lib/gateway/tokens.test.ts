import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db/connect";
import { auditLog, gatewayTokens } from "@/db/schema";
import { REFUSAL_ACTION } from "@/lib/audit/refusals";
import { flushLastUse } from "@/lib/keys/last-used";
import { Forbidden, NotFound } from "@/lib/errors";
import { testDatabase } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import {
  createGatewayToken,
  gatewayActorForToken,
  listGatewayTokens,
  revokeGatewayToken,
} from "./tokens";

let db: Db;
beforeAll(async () => {
  ({ db } = await testDatabase());
});

describe("gateway tokens", () => {
  it("authenticate the gateway as its organisation until revoked", async () => {
    const f = await orgFixture(db);
    const token = await createGatewayToken(db, f.actor, { name: "edge-eu" });
    expect(token.secret).toMatch(/^ghg_/);
    expect(await gatewayActorForToken(db, token.secret)).toMatchObject({
      kind: "gateway",
      orgId: f.org.id,
      tokenId: token.id,
    });
    expect((await listGatewayTokens(db, f.actor)).map((t) => t.name)).toEqual(["edge-eu"]);
    await revokeGatewayToken(db, f.actor, { tokenId: token.id });
    expect(await gatewayActorForToken(db, token.secret)).toBeNull();
    expect(await gatewayActorForToken(db, "ghg_garbage")).toBeNull();
  });

  it("leave a refusal in the audit log when presented after revocation", async () => {
    const f = await orgFixture(db);
    const token = await createGatewayToken(db, f.actor, { name: "edge-old" });
    await revokeGatewayToken(db, f.actor, { tokenId: token.id });
    for (let i = 0; i < 3; i++) expect(await gatewayActorForToken(db, token.secret)).toBeNull();
    const refusals = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.orgId, f.org.id), eq(auditLog.action, REFUSAL_ACTION)));
    expect(refusals).toMatchObject([
      {
        actorKind: "gateway",
        actorLabel: "gateway:edge-old",
        targetType: "gateway_token",
        targetId: token.id,
        after: { reason: "A revoked gateway token was presented." },
      },
    ]);
    expect(JSON.stringify(refusals)).not.toContain(token.secret);
  });

  it("are managed by admins of their own organisation only", async () => {
    const f = await orgFixture(db);
    const other = await orgFixture(db);
    const member = await orgFixture(db, "member");
    const token = await createGatewayToken(db, f.actor, { name: "edge" });
    await expect(revokeGatewayToken(db, other.actor, { tokenId: token.id })).rejects.toBeInstanceOf(
      NotFound,
    );
    await expect(createGatewayToken(db, member.actor, { name: "x" })).rejects.toBeInstanceOf(
      Forbidden,
    );
    expect(await gatewayActorForToken(db, token.secret)).not.toBeNull();
  });

  it("record their last use off the request path, rewriting it at most once a minute", async () => {
    const f = await orgFixture(db);
    const token = await createGatewayToken(db, f.actor, { name: "edge" });
    const lastUsed = async () => {
      await flushLastUse(db);
      return (
        await db
          .select({ at: gatewayTokens.lastUsedAt })
          .from(gatewayTokens)
          .where(eq(gatewayTokens.id, token.id))
      )[0]!.at;
    };
    expect(await lastUsed()).toBeNull();
    await gatewayActorForToken(db, token.secret);
    const first = await lastUsed();
    expect(first).toBeInstanceOf(Date);
    await gatewayActorForToken(db, token.secret);
    expect(await lastUsed()).toEqual(first);

    // Two minutes on, the next use is written again.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 120_000 });
    try {
      await gatewayActorForToken(db, token.secret);
      expect((await lastUsed())!.getTime()).toBeGreaterThan(first!.getTime() + 60_000);
    } finally {
      vi.useRealTimers();
    }
  });
});

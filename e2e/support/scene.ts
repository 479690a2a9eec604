import { eq } from "drizzle-orm";
import { connectPostgres } from "@/db/connect";
import { users } from "@/db/schema";
import { insertApiKey, insertGroup, insertMembership } from "@/db/seed/builders";
import { hashPassword } from "@/lib/auth/password";
import { systemActor } from "@/lib/auth/actor";
import { createGatewayToken } from "@/lib/gateway/tokens";
import { orgFixture } from "@/test/fixtures";

// An organisation of a test's own, written straight to the e2e database with the integration
// tests' fixture: the fault tests take table locks and kill servers, and in their own
// organisation they neither wait for nor disturb the specs that run beside them in Acme (its
// tree lock, its people's budget alerts). PostgreSQL only: the embedded database belongs to the
// suite's server.

const PASSWORD = "a sturdy passphrase";
const DAY = 86_400_000;

export type Scene = Awaited<ReturnType<typeof createScene>>;

export async function createScene(databaseUrl: string) {
  const connection = await connectPostgres(databaseUrl, { max: 2 });
  const { db } = connection;
  const f = await orgFixture(db, "owner");
  // The fixture's people have no password: the owner gets one, to sign in to the console.
  const [owner] = await db
    .update(users)
    .set({ passwordHash: await hashPassword(PASSWORD) })
    .where(eq(users.id, f.me.userId))
    .returning({ email: users.email });

  return {
    orgId: f.org.id,
    orgSlug: f.org.slug,
    owner: { memberId: f.me.id, email: owner!.email, password: PASSWORD },
    person: f.person,
    /** A member of the organisation (no password), with their email. */
    async member(name: string) {
      const member = await f.person(name);
      const [user] = await db
        .select({ email: users.email })
        .from(users)
        .where(eq(users.id, member.userId));
      return { memberId: member.id, userId: member.userId, email: user!.email };
    },
    /** A group; `members` belong to it since yesterday, so that usage from today counts in it. */
    async group(name: string, options: { members?: string[]; budgetMicros?: number } = {}) {
      const group = await insertGroup(db, {
        orgId: f.org.id,
        name,
        kind: "project",
        monthlyBudgetMicros: options.budgetMicros ?? null,
      });
      for (const memberId of options.members ?? [])
        await insertMembership(db, {
          orgId: f.org.id,
          groupId: group.id,
          memberId,
          since: new Date(Date.now() - DAY),
        });
      return group;
    },
    /** An API key (every model, no features required) given to the groups, with its secret. */
    async apiKey(name: string, groupIds: string[]) {
      const { key, secret } = await insertApiKey(db, {
        orgId: f.org.id,
        name,
        features: [],
        policy: { allowedModels: [], fallbackModels: [], loadBalancing: "none", weights: {} },
        groupIds,
      });
      return { id: key.id, secret };
    },
    /** A gateway token's secret, as Settings would show it once. */
    async gatewayToken(name: string) {
      const token = await createGatewayToken(db, systemActor(f.org.id, "Fault tests"), { name });
      return token.secret;
    },
    close: () => connection.close(),
  };
}

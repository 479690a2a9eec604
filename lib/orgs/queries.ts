import { and, count, eq, ne } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { orgMembers, orgs } from "@/db/schema";
import { type Actor, assertCan } from "@/lib/auth/actor";

export async function getOrgOverview(db: Db, actor: Actor) {
  assertCan(actor, "org:read");
  const [org] = await db.select().from(orgs).where(eq(orgs.id, actor.orgId));
  const byStatus = await db
    .select({ status: orgMembers.status, n: count() })
    .from(orgMembers)
    .where(and(eq(orgMembers.orgId, actor.orgId), ne(orgMembers.status, "removed")))
    .groupBy(orgMembers.status);
  const active = byStatus.find((s) => s.status === "active")?.n ?? 0;
  const suspended = byStatus.find((s) => s.status === "suspended")?.n ?? 0;
  return { org: org!, members: { active, suspended } };
}

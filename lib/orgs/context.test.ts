import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import { orgMembers, orgSsoPolicies } from "@/db/schema";
import { insertMember, insertOrg, insertUser } from "@/db/seed/builders";
import { testDatabase } from "@/test/db";
import { resolveConsoleContext } from "./context";

let db: Db;
let acmeId: string;
let globexId: string;
let initechId: string;
let userId: string;

beforeAll(async () => {
  ({ db } = await testDatabase());
  acmeId = (await insertOrg(db, { name: "Acme", slug: "acme" })).id;
  globexId = (await insertOrg(db, { name: "Globex", slug: "globex" })).id;
  initechId = (await insertOrg(db, { name: "Initech", slug: "initech" })).id;
  userId = (await insertUser(db, { email: "pat@example.test", name: "Pat" })).id;
  await insertMember(db, { orgId: acmeId, userId, role: "member" });
  await insertMember(db, { orgId: globexId, userId, role: "admin" });
});

describe("resolveConsoleContext", () => {
  it("acts in the preferred organisation when the user is an active member of it", async () => {
    const context = await resolveConsoleContext(db, userId, globexId, { viaSso: false });
    expect(context?.actor).toMatchObject({ orgId: globexId, role: "admin" });
    expect(context?.orgs.map((o) => o.name)).toEqual(["Acme", "Globex"]);
  });

  it("ignores a preference for an organisation the user does not belong to", async () => {
    const context = await resolveConsoleContext(db, userId, initechId, { viaSso: false });
    expect(context?.actor).toMatchObject({ orgId: acmeId, role: "member" });
  });

  it("gives no access through a suspended membership", async () => {
    await db.update(orgMembers).set({ status: "suspended" }).where(eq(orgMembers.orgId, globexId));
    const context = await resolveConsoleContext(db, userId, globexId, { viaSso: false });
    expect(context?.actor?.orgId).toBe(acmeId);
    expect(context?.orgs.map((o) => o.name)).toEqual(["Acme"]);
  });

  it("opens an organisation that requires single sign-on only to SSO sessions and its break-glass owner", async () => {
    await db.update(orgMembers).set({ status: "active" }).where(eq(orgMembers.orgId, globexId));
    await db.insert(orgSsoPolicies).values({ orgId: globexId, ssoRequired: true });
    const password = await resolveConsoleContext(db, userId, globexId, { viaSso: false });
    expect(password?.orgs.map((o) => o.name)).toEqual(["Acme"]);
    expect(password?.actor?.orgId).toBe(acmeId);
    const sso = await resolveConsoleContext(db, userId, globexId, { viaSso: true });
    expect(sso?.actor?.orgId).toBe(globexId);
    // The break-glass account must still be an owner there: Pat is an admin of Globex.
    await db
      .update(orgSsoPolicies)
      .set({ breakGlassUserId: userId })
      .where(eq(orgSsoPolicies.orgId, globexId));
    const demoted = await resolveConsoleContext(db, userId, globexId, { viaSso: false });
    expect(demoted?.orgs.map((o) => o.name)).toEqual(["Acme"]);
    await db.update(orgMembers).set({ role: "owner" }).where(eq(orgMembers.orgId, globexId));
    const breakGlass = await resolveConsoleContext(db, userId, globexId, { viaSso: false });
    expect(breakGlass?.actor).toMatchObject({ orgId: globexId, role: "owner" });
  });

  it("returns null for a user that does not exist", async () => {
    expect(
      await resolveConsoleContext(db, "00000000-0000-4000-8000-000000000000", undefined, {
        viaSso: false,
      }),
    ).toBeNull();
  });
});

import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { getConsoleContext } from "@/app/_server/session";
import { getDb } from "@/db/client";
import type { Db } from "@/db/connect";
import { auditLog } from "@/db/schema";
import { REFUSAL_ACTION } from "@/lib/audit/refusals";
import { createGroup, updateGroup } from "@/lib/groups/commands";
import type { ConsoleContext } from "@/lib/orgs/context";
import { testDatabase } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import { GET } from "./route";

// The export's HTTP contract against a real database; the session is whatever the test says.
vi.mock("@/db/client", () => ({ getDb: vi.fn() }));
vi.mock("@/app/_server/session", () => ({ getConsoleContext: vi.fn() }));

let db: Db;
beforeAll(async () => {
  ({ db } = await testDatabase());
  vi.mocked(getDb).mockResolvedValue(db);
});

function signedInAs(actor: ConsoleContext["actor"]) {
  vi.mocked(getConsoleContext).mockResolvedValue({
    user: { id: "u", name: "U", email: "u@example.test" },
    viaSso: false,
    scopeOrgId: null,
    orgs: [],
    actor,
  });
}

const get = (query = "") => GET(new Request(`http://gatehouse.test/audit/export${query}`));

describe("GET /audit/export", () => {
  it("answers 401 without a session and 403 to a member", async () => {
    vi.mocked(getConsoleContext).mockResolvedValue(null);
    expect((await get()).status).toBe(401);
    const member = await orgFixture(db, "member");
    signedInAs(member.actor.kind === "user" ? member.actor : null);
    const refused = await get();
    expect(refused.status).toBe(403);
    expect(await refused.text()).not.toMatch(/,/);
    const [refusal] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.orgId, member.org.id), eq(auditLog.action, REFUSAL_ACTION)));
    expect(refusal).toMatchObject({ targetType: "action", targetId: "exportAuditLog" });
  });

  it("sends the entries matching the filters as CSV, safe for spreadsheets", async () => {
    const a = await orgFixture(db, "admin");
    const b = await orgFixture(db, "admin");
    const group = await createGroup(db, a.actor, { name: "Platform", kind: "custom" });
    await updateGroup(db, a.actor, { groupId: group.id, name: "=SUM(1)", kind: "custom" });
    await createGroup(db, b.actor, { name: "Other org", kind: "custom" });
    signedInAs(a.actor.kind === "user" ? a.actor : null);

    const response = await get("?action=group.updated&action=group.created&page=7");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="audit-log-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(response.headers.get("x-audit-truncated")).toBe("false");
    const lines = (await response.text()).trimEnd().split("\r\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      "Time (UTC),Actor kind,Actor,Actor user id,Action,Target type,Target id,Target name,Changes,Before (JSON),After (JSON),Entry id",
    );
    // A name that looks like a formula stays text.
    expect(lines[1]).toContain(`,group.updated,group,${group.id},'=SUM(1),`);
    expect(lines[1]).toContain(`,"name: ""Platform"" → ""=SUM(1)""",`);

    const all = await (await get()).text();
    expect(all).toContain("group.created");
    expect(all).not.toContain("Other org");
  });
});

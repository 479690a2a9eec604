import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import type { Db } from "@/db/connect";
import { orgMembers, scimErrors } from "@/db/schema";
import { createGatewayToken } from "@/lib/gateway/tokens";
import { revokeScimToken } from "@/lib/scim/tokens";
import { bothDatabases, testDatabase } from "@/test/db";
import { ENTERPRISE, USER, patchOp, scimClient, scimOrg } from "@/test/scim";

// The SCIM protocol as RFC 7644 states it, endpoint by endpoint: discovery, errors, filters,
// paging, sorting, attribute selection, ETags, tenancy and hostile input.

vi.mock("@/db/client", () => ({ getDb: vi.fn() }));
vi.mock("@/app/_server/auth", () => ({ publicOrigin: () => "https://gatehouse.test" }));

const q = (text: string) => encodeURIComponent(text);
const user = (userName: string, extra: object = {}) => ({ schemas: [USER], userName, ...extra });

describe.each(bothDatabases())("SCIM protocol against %s", (on) => {
  let db: Db;
  let o: Awaited<ReturnType<typeof scimOrg>>;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    ({ db } = await testDatabase(on));
    vi.mocked(getDb).mockResolvedValue(db);
    o = await scimOrg(db);
    for (const [name, extra] of [
      [
        "carol@acme.example",
        {
          displayName: "Carol",
          emails: [
            { value: "carol@acme.example", type: "work" },
            { value: "carol@home.example", type: "home" },
          ],
          [ENTERPRISE]: { department: "Sales" },
        },
      ],
      [
        "alice@acme.example",
        {
          displayName: "Alice",
          externalId: "ext-alice",
          emails: [{ value: "alice@acme.example", type: "work" }],
        },
      ],
      [
        "bob@other.example",
        {
          displayName: "Bob",
          active: false,
          emails: [{ value: "bob@work.example", type: "work" }],
        },
      ],
    ] as const) {
      const created = await o.scim.post("/Users", user(name, extra));
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      ids[name] = created.body.id;
    }
  });

  describe("discovery", () => {
    it("publishes its configuration, resource types and schemas", async () => {
      const config = await o.scim.get("/ServiceProviderConfig");
      expect(config.body).toMatchObject({
        patch: { supported: true },
        filter: { supported: true, maxResults: 1000 },
        etag: { supported: true },
        bulk: { supported: false },
      });
      const types = await o.scim.get("/ResourceTypes");
      expect(types.body.Resources.map((t: { id: string }) => t.id)).toEqual(["User", "Group"]);
      expect((await o.scim.get("/ResourceTypes/Group")).body.endpoint).toBe("/Groups");
      const schemas = await o.scim.get("/Schemas");
      expect(schemas.body.Resources.map((s: { id: string }) => s.id)).toEqual([
        USER,
        ENTERPRISE,
        "urn:ietf:params:scim:schemas:core:2.0:Group",
      ]);
      const core = await o.scim.get(`/Schemas/${USER}`);
      expect(
        core.body.attributes.find((a: { name: string }) => a.name === "userName"),
      ).toMatchObject({ required: true, uniqueness: "server", caseExact: false });
      expect((await o.scim.get("/Schemas/urn:nope")).status).toBe(404);
    });
  });

  describe("authentication", () => {
    it("refuses no token, a gateway token, a revoked token and a session alike", async () => {
      const gateway = await createGatewayToken(db, o.actor, { name: "edge" });
      const revoked = await scimOrg(db);
      await revokeScimToken(db, revoked.actor, { tokenId: revoked.token.id });
      for (const authorization of [
        null,
        `Bearer ${gateway.secret}`,
        `Bearer ${revoked.token.secret}`,
        "Basic YWRtaW46YWRtaW4=",
      ]) {
        const answer = await scimClient(authorization).get("/Users");
        expect(answer.status).toBe(401);
        expect(answer.body).toMatchObject({
          schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
          status: "401",
        });
        expect(answer.headers.get("www-authenticate")).toContain("Bearer");
      }
    });

    it("shows one organisation's token nothing of another's", async () => {
      const other = await scimOrg(db);
      const theirs = (await other.scim.post("/Users", user("dana@other-org.example"))).body.id;
      expect((await o.scim.get(`/Users/${theirs}`)).status).toBe(404);
      expect(
        (await o.scim.get(`/Users?filter=${q('userName eq "dana@other-org.example"')}`)).body
          .totalResults,
      ).toBe(0);
      expect(
        (
          await o.scim.patch(
            `/Users/${theirs}`,
            patchOp({ op: "replace", path: "active", value: false }),
          )
        ).status,
      ).toBe(404);
      expect((await o.scim.delete(`/Users/${theirs}`)).status).toBe(404);
      expect((await other.scim.get(`/Users/${theirs}`)).body.active).toBe(true);
      expect((await other.scim.get("/Users")).body.totalResults).toBe(1);
    });
  });

  describe("filters", () => {
    const matching = async (filter: string) => {
      const answer = await o.scim.get(`/Users?filter=${q(filter)}`);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return (answer.body.Resources as { userName: string }[]).map((r) => r.userName).sort();
    };

    it("compares as the schema says: userName regardless of case, externalId exactly", async () => {
      expect(await matching('userName eq "ALICE@acme.example"')).toEqual(["alice@acme.example"]);
      expect(await matching('externalId eq "ext-alice"')).toEqual(["alice@acme.example"]);
      expect(await matching('externalId eq "EXT-ALICE"')).toEqual([]);
      expect(await matching('userName ne "alice@acme.example"')).toEqual([
        "bob@other.example",
        "carol@acme.example",
      ]);
    });

    it("supports co, sw, pr, and, or, not, booleans and value paths", async () => {
      expect(await matching('userName co "acme"')).toEqual([
        "alice@acme.example",
        "carol@acme.example",
      ]);
      expect(await matching('userName sw "b"')).toEqual(["bob@other.example"]);
      expect(await matching("externalId pr")).toEqual(["alice@acme.example"]);
      expect(await matching('userName sw "a" or userName sw "c"')).toEqual([
        "alice@acme.example",
        "carol@acme.example",
      ]);
      expect(await matching('userName co "acme" and displayName eq "carol"')).toEqual([
        "carol@acme.example",
      ]);
      expect(await matching("active eq false")).toEqual(["bob@other.example"]);
      expect(await matching('not (userName co "acme")')).toEqual(["bob@other.example"]);
      expect(await matching('emails[type eq "work"].value eq "bob@work.example"')).toEqual([
        "bob@other.example",
      ]);
      // One email must be both: carol's home email is not her work one.
      expect(await matching('emails[type eq "work"].value co "home"')).toEqual([]);
      expect(await matching('emails[type eq "home" and value co "home"]')).toEqual([
        "carol@acme.example",
      ]);
      expect(await matching('emails.value eq "carol@home.example"')).toEqual([
        "carol@acme.example",
      ]);
      expect(await matching(`${ENTERPRISE}:department eq "sales"`)).toEqual(["carol@acme.example"]);
    });

    it("refuses a filter it cannot read with invalidFilter", async () => {
      for (const filter of [
        "userName eq",
        'nickname xx "a"',
        'shoeSize eq "9"',
        "active gt true",
        `${"(".repeat(40)}userName pr${")".repeat(40)}`,
        "password pr",
      ]) {
        const answer = await o.scim.get(`/Users?filter=${q(filter)}`);
        expect(answer.status, filter).toBe(400);
        expect(answer.body, filter).toMatchObject({ scimType: "invalidFilter", status: "400" });
      }
    });
  });

  describe("lists", () => {
    it("pages with integers in a stable order, sorts, and selects attributes", async () => {
      const page = await o.scim.get("/Users?startIndex=2&count=1");
      expect(page.body).toMatchObject({ totalResults: 3, startIndex: 2, itemsPerPage: 1 });
      expect(page.body.Resources[0].userName).toBe("alice@acme.example");
      expect((await o.scim.get("/Users?startIndex=0&count=-5")).body).toMatchObject({
        startIndex: 1,
        itemsPerPage: 0,
        totalResults: 3,
      });
      expect((await o.scim.get("/Users?count=ten")).body).toMatchObject({
        status: "400",
        scimType: "invalidValue",
      });

      const sorted = await o.scim.get("/Users?sortBy=userName&sortOrder=descending");
      expect(sorted.body.Resources.map((r: { userName: string }) => r.userName)).toEqual([
        "carol@acme.example",
        "bob@other.example",
        "alice@acme.example",
      ]);
      expect((await o.scim.get("/Users?sortBy=shoeSize")).status).toBe(400);

      const slim = await o.scim.get(
        `/Users?attributes=userName,${ENTERPRISE}:department&filter=${q('userName eq "carol@acme.example"')}`,
      );
      expect(slim.body.Resources[0]).toEqual({
        schemas: [USER, ENTERPRISE],
        id: ids["carol@acme.example"],
        userName: "carol@acme.example",
        [ENTERPRISE]: { department: "Sales" },
      });
      const without = await o.scim.get(
        `/Users/${ids["carol@acme.example"]}?excludedAttributes=emails,meta`,
      );
      expect(without.status).toBe(200);
      expect(without.body.emails).toBeUndefined();
      expect(without.body.meta).toBeUndefined();
      expect(without.body).toMatchObject({
        id: ids["carol@acme.example"],
        userName: "carol@acme.example",
      });
    });
  });

  describe("errors", () => {
    it("answers duplicates 409 uniqueness, unknown ids 404, and bad bodies 400 with their scimType", async () => {
      const duplicate = await o.scim.post("/Users", user("Alice@Acme.example"));
      expect(duplicate.status).toBe(409);
      expect(duplicate.body).toEqual({
        schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
        status: "409",
        scimType: "uniqueness",
        detail: expect.any(String),
      });
      expect(
        (await o.scim.post("/Users", user("zed@acme.example", { externalId: "ext-alice" }))).status,
      ).toBe(409);
      expect((await o.scim.get("/Users/00000000-0000-4000-8000-000000000000")).status).toBe(404);
      expect((await o.scim.get("/Users/not-an-id")).status).toBe(404);
      expect((await o.scim.get("/Nothing")).status).toBe(404);

      const cases: [unknown, string][] = [
        ["{not json", "invalidSyntax"],
        [user(""), "invalidValue"],
        [user("not an email"), "invalidValue"],
        [user("x@acme.example", { active: "perhaps" }), "invalidValue"],
        [user("x@acme.example", { displayName: "a\u0000b" }), "invalidValue"],
        [
          user("x@acme.example", {
            emails: Array.from({ length: 101 }, (_, i) => ({ value: `e${i}@x.example` })),
          }),
          "invalidValue",
        ],
        [JSON.parse(`${"[".repeat(100)}${"]".repeat(100)}`), "invalidSyntax"],
        ["[]", "invalidSyntax"],
      ];
      for (const [body, scimType] of cases) {
        const answer = await o.scim.post("/Users", body);
        expect(answer.status, JSON.stringify(body).slice(0, 80)).toBe(400);
        expect(answer.body.scimType, JSON.stringify(body).slice(0, 80)).toBe(scimType);
      }
      const huge = await o.scim.post(
        "/Users",
        user("x@acme.example", { title: "x".repeat(3 * 1024 * 1024) }),
      );
      expect(huge.status).toBe(413);
    });

    it("validates the whole PatchOp before applying any of it", async () => {
      const id = ids["alice@acme.example"]!;
      const before = (await o.scim.get(`/Users/${id}`)).body;
      const cases: [unknown, string][] = [
        [
          patchOp(
            { op: "replace", path: "title", value: "CTO" },
            { op: "move", path: "title", value: "x" },
          ),
          "invalidSyntax",
        ],
        [
          patchOp(
            { op: "replace", path: "title", value: "CTO" },
            { op: "replace", path: "shoeSize", value: 9 },
          ),
          "invalidPath",
        ],
        [
          patchOp(
            { op: "replace", path: "title", value: "CTO" },
            { op: "replace", path: "groups", value: [] },
          ),
          "mutability",
        ],
        [patchOp({ op: "replace", path: "title", value: "CTO" }, { op: "remove" }), "noTarget"],
        [
          patchOp(
            { op: "replace", path: "title", value: "CTO" },
            { op: "replace", path: 'emails[type eq "work"', value: "x" },
          ),
          "invalidPath",
        ],
        [
          patchOp(
            { op: "replace", path: "title", value: "CTO" },
            { op: "replace", path: "userName", value: "" },
          ),
          "invalidValue",
        ],
        [{ Operations: [{ op: "replace", path: "title", value: "CTO" }] }, "invalidSyntax"],
        [patchOp(), "invalidSyntax"],
        [
          patchOp(
            ...Array.from({ length: 1001 }, () => ({ op: "replace", path: "title", value: "x" })),
          ),
          "invalidSyntax",
        ],
      ];
      for (const [body, scimType] of cases) {
        const answer = await o.scim.patch(`/Users/${id}`, body);
        expect(answer.status, JSON.stringify(body).slice(0, 120)).toBe(400);
        expect(answer.body.scimType, JSON.stringify(body).slice(0, 120)).toBe(scimType);
      }
      expect((await o.scim.get(`/Users/${id}`)).body).toEqual(before);
    });

    it("keeps the refused requests for Settings, without the password", async () => {
      const fresh = await scimOrg(db);
      await fresh.scim.post("/Users", user("not an email", { password: "hunter2-secret" }));
      const [logged] = await db.select().from(scimErrors).where(eq(scimErrors.orgId, fresh.org.id));
      expect(logged).toMatchObject({
        method: "POST",
        path: "/scim/v2/Users",
        status: 400,
        scimType: "invalidValue",
        tokenId: fresh.token.id,
      });
      expect(logged!.requestExcerpt).toContain("not an email");
      expect(logged!.requestExcerpt).not.toContain("hunter2");
    });
  });

  describe("ETags", () => {
    it("answers meta.version as ETag and applies a change only to the version it names", async () => {
      const id = ids["carol@acme.example"]!;
      const read = await o.scim.get(`/Users/${id}`);
      const version = read.body.meta.version as string;
      expect(read.headers.get("etag")).toBe(version);
      const stale = await o.scim.put(`/Users/${id}`, user("carol@acme.example", { title: "A" }), {
        "if-match": 'W/"stale"',
      });
      expect(stale.status).toBe(412);
      const fresh = await o.scim.put(`/Users/${id}`, user("carol@acme.example", { title: "A" }), {
        "if-match": version,
      });
      expect(fresh.status).toBe(200);
      expect(fresh.body.meta.version).not.toBe(version);
      expect((await o.scim.delete(`/Users/${id}`, { "if-match": version })).status).toBe(412);
    });
  });

  describe("people", () => {
    it("refuses to suspend the organisation's last owner", async () => {
      const [owner] = await db
        .select({ id: orgMembers.id })
        .from(orgMembers)
        .where(eq(orgMembers.id, o.me.id));
      await db
        .update(orgMembers)
        .set({
          role: "owner",
          directoryLinkedAt: new Date(),
          directoryAttributes: { userName: "owner@acme.example" },
        })
        .where(eq(orgMembers.id, owner!.id));
      const answer = await o.scim.patch(
        `/Users/${owner!.id}`,
        patchOp({ op: "replace", path: "active", value: false }),
      );
      expect(answer.status).toBe(400);
      expect(answer.body.detail).toMatch(/last owner/);
    });
  });
});

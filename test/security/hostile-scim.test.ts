import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as scimRoute from "@/app/scim/v2/[[...path]]/route";
import type { Db } from "@/db/connect";
import { testDatabase } from "@/test/db";
import { callAs, requestHeaders } from "./callers";
import { state } from "./fakes";
import {
  RUNS,
  SEED,
  adversarialStrings,
  describeInput,
  expectClearRefusal,
  hostileInput,
  hostileValue,
  unstorableStrings,
  watch,
} from "./hostile";
import { type OrgWorld, buildOrg } from "./world";

// Random and adversarial requests to /scim/v2 with a live SCIM token of A: every answer is a
// resource, a list or a SCIM Error with a clear detail (400, 404, 409, 412, 413), never a 5xx; a
// refused request changes nothing, and organisation B never changes.

vi.mock("@/db/client", async () => (await import("./fakes")).dbClient);
vi.mock("next/headers", async () => (await import("./fakes")).nextHeaders);
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));
vi.mock("@/app/_server/auth", async () => (await import("./fakes")).authModule);
vi.mock("next-auth", async () => (await import("./fakes")).nextAuth);

let db: Db;
let a: OrgWorld;
let b: OrgWorld;
let userId: string;
let groupId: string;
let foreignIds: string[];

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

async function scim(method: Method, path: string, body?: string) {
  const response = await scimRoute[method](
    new Request(`http://gatehouse.test/scim/v2${path}`, {
      method,
      headers: requestHeaders(
        body === undefined ? {} : { "content-type": "application/scim+json" },
      ),
      body,
    }),
    { params: Promise.resolve({ path: path.split("?")[0]!.split("/").filter(Boolean) }) },
  );
  const text = await response.text();
  return {
    status: response.status,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : null,
    text,
  };
}

const toJson = (value: unknown) =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? Number(v) : v)) ?? "undefined";

function expectScimAnswer(reply: Awaited<ReturnType<typeof scim>>, context: string) {
  expect(
    [200, 201, 204, 400, 404, 409, 412, 413],
    `${context}: ${reply.status} ${reply.text.slice(0, 300)}`,
  ).toContain(reply.status);
  if (reply.status < 400) return;
  expect(reply.json, context).toMatchObject({
    schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
    status: String(reply.status),
  });
  expectClearRefusal(reply.json!.detail, context);
}

const options = { seed: SEED, numRuns: RUNS * 2, endOnFailure: true };

beforeAll(async () => {
  ({ db } = await testDatabase());
  state.db = db;
  [a, b] = [await buildOrg(db, "a"), await buildOrg(db, "b")];
  await callAs(db, a, "scim");
  userId = (await scim("POST", "/Users", toJson({ userName: `ann-${randomUUID()}@a.example` })))
    .json!.id as string;
  groupId = (
    await scim(
      "POST",
      "/Groups",
      toJson({ displayName: `g-${randomUUID()}`, members: [{ value: userId }] }),
    )
  ).json!.id as string;
  foreignIds = [b.member.memberId, await b.group(), b.org.id, randomUUID()];
  vi.spyOn(console, "error").mockImplementation(() => {});
});
afterAll(() => vi.restoreAllMocks());

describe("/scim/v2", () => {
  it(
    "answers hostile users, groups and PatchOps with a resource or a clear SCIM error",
    async () => {
      await callAs(db, a, "scim");
      const watcher = await watch(db, a.org.id, b.org.id);
      const user = () => ({
        userName: `p-${randomUUID()}@a.example`,
        name: { givenName: "P" },
        active: true,
        emails: [{ value: "p@a.example", type: "work" }],
      });
      const value = hostileValue({ ids: foreignIds, unstorable: true });
      const request = fc.oneof(
        {
          weight: 3,
          arbitrary: hostileInput(
            user(),
            ["userName", "name", "active", "emails", "externalId", "title"],
            { ids: foreignIds, unstorable: true },
          ).map((body) => ["POST", "/Users", toJson(body)] as const),
        },
        {
          weight: 2,
          arbitrary: hostileInput(
            { displayName: "x", members: [{ value: userId }] },
            ["displayName", "members", "externalId"],
            { ids: foreignIds, unstorable: true },
          ).map((body) => ["PUT", `/Groups/${groupId}`, toJson(body)] as const),
        },
        {
          weight: 3,
          arbitrary: fc
            .tuple(
              fc.constantFrom("add", "replace", "remove", "Replace", "move", ""),
              fc.constantFrom(
                "active",
                "members",
                'members[value eq "x"]',
                'emails[type eq "work"].value',
                "name.givenName",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
                "groups",
                "id",
                "a[b",
                undefined,
              ),
              value,
            )
            .map(
              ([op, path, v]) =>
                [
                  "PATCH",
                  path?.startsWith("members") ? `/Groups/${groupId}` : `/Users/${userId}`,
                  toJson({
                    schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                    Operations: [{ op, path, value: v }],
                  }),
                ] as const,
            ),
        },
        {
          weight: 2,
          arbitrary: fc
            .constantFrom(
              ...[...adversarialStrings, ...unstorableStrings].filter((t) => t.isWellFormed()),
              'userName eq "a" and (',
              "emails[type eq",
              `${"(".repeat(30)}a pr`,
            )
            .map(
              (f) =>
                [
                  "GET",
                  `/Users?filter=${encodeURIComponent(f)}&startIndex=${encodeURIComponent([...f].slice(0, 5).join(""))}`,
                  undefined,
                ] as const,
            ),
        },
        {
          weight: 1,
          arbitrary: fc
            .constantFrom(...foreignIds)
            .map((id) => ["GET", `/Users/${id}`, undefined] as const),
        },
      );
      await fc.assert(
        fc.asyncProperty(request, async ([method, path, body]) => {
          const context = `${method} ${path.slice(0, 120)} ${describeInput(body)}`;
          const reply = await scim(method, path, body);
          expectScimAnswer(reply, context);
          await watcher.after(reply.status < 400, context);
        }),
        options,
      );
    },
    30_000 + RUNS * 200,
  );
});

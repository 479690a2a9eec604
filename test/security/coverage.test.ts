import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { MATRIX_DOC, renderAuthorizationMatrix } from "@/scripts/authorization-matrix";
import { authorizationMatrix, roles } from "@/security/authorization-matrix";
import { discoverEndpoints, exportedNames, inlineServerActions, urlPathOf } from "./discovery";

// The matrix covers exactly the endpoints the app has, and the document is the matrix. (That the
// harness calls every endpoint of the matrix is checked by actions.test.ts and routes.test.ts.)

describe("the authorization matrix", () => {
  const discovered = discoverEndpoints();
  const listed = Object.keys(authorizationMatrix).sort();

  it("lists every exported server action and route handler of app/, and nothing else", () => {
    const ids = discovered.map((e) => e.id);
    expect(
      ids.filter((id) => !listed.includes(id)),
      "endpoints missing from security/authorization-matrix.ts",
    ).toEqual([]);
    expect(
      listed.filter((id) => !ids.includes(id)),
      "matrix rows for endpoints that no longer exist",
    ).toEqual([]);
    for (const e of discovered) expect(authorizationMatrix[e.id]!.kind, e.id).toBe(e.kind);
  });

  it("has no server action declared inside a component or a page, where it could hide", () => {
    expect(inlineServerActions()).toEqual([]);
  });

  it("gives every caller a cell, and never lets anyone reach another organisation", () => {
    for (const [id, entry] of Object.entries(authorizationMatrix)) {
      expect(Object.keys(entry.access).sort(), id).toEqual([...roles].sort());
      for (const role of roles) expect(entry.access[role].other, `${id} ${role}`).toBe("refused");
      expect(entry.note.length, id).toBeLessThanOrEqual(240);
    }
  });

  it("is what docs/authorization-matrix.md says (npm run docs:matrix)", async () => {
    expect(await readFile(MATRIX_DOC, "utf8")).toBe(await renderAuthorizationMatrix());
  });
});

describe("endpoint discovery", () => {
  it("reads every form of export a module can use", () => {
    const source = [
      "export const a = action(x);",
      "export async function b() {}",
      "export function c() {}",
      "export const { GET, POST } = handlers;",
      "export { d, e as f };",
      "// export const commented = 1;",
    ].join("\n");
    expect(exportedNames(source.replace(/^\/\/.*$/gm, "")).sort()).toEqual(
      ["GET", "POST", "a", "b", "c", "d", "f"].sort(),
    );
  });

  it("turns route files into URL paths without route groups", () => {
    expect(urlPathOf("app/(console)/audit/export/route.ts")).toBe("/audit/export");
    expect(urlPathOf("app/api/auth/[...nextauth]/route.ts")).toBe("/api/auth/[...nextauth]");
  });
});

import { describe, expect, it } from "vitest";
import { listMembersInput } from "@/lib/members/schemas";
import { parseSearchParams } from "./search-params";

describe("parseSearchParams", () => {
  it("leaves out what a page cannot use and says which", () => {
    const { query, ignored } = parseSearchParams(listMembersInput, {
      q: "a\u0000b",
      role: ["admin", "owner"],
      sort: "email",
    });
    expect(query).toMatchObject({ q: "", role: "admin", sort: "email" });
    expect(ignored).toEqual(["q"]);
  });

  it("falls back to the default for a value the schema refuses", () => {
    const { query, ignored } = parseSearchParams(listMembersInput, { q: "x".repeat(10_000) });
    expect(query.q).toBe("");
    expect(ignored).toEqual(["q"]);
    expect(parseSearchParams(listMembersInput, { q: "\ud800" }).ignored).toEqual(["q"]);
    expect(parseSearchParams(listMembersInput, { q: "ann" })).toMatchObject({
      query: { q: "ann" },
      ignored: [],
    });
  });
});

import { describe, expect, it } from "vitest";
import { createGroupInput } from "@/lib/groups/schemas";
import { addMemberInput, listMembersInput } from "@/lib/members/schemas";
import { FIELD_LIMITS } from "./field-limits";

// The server's schemas accept exactly what the forms let people type (FIELD_LIMITS), not a
// character less or more.
const text = (n: number) => "x".repeat(n);
const email = (n: number) => `${text(n - "@example.test".length)}@example.test`;

describe("field limits", () => {
  it("bound the group and member schemas exactly", () => {
    const group = (name: string, description = "") =>
      createGroupInput.safeParse({ name, kind: "project", description }).success;
    expect(group(text(FIELD_LIMITS.groupName))).toBe(true);
    expect(group(text(FIELD_LIMITS.groupName + 1))).toBe(false);
    expect(group("g", text(FIELD_LIMITS.groupDescription))).toBe(true);
    expect(group("g", text(FIELD_LIMITS.groupDescription + 1))).toBe(false);

    const member = (name: string, address: string) =>
      addMemberInput.safeParse({ name, email: address, role: "member", access: "invite" }).success;
    expect(member(text(FIELD_LIMITS.memberName), email(40))).toBe(true);
    expect(member(text(FIELD_LIMITS.memberName + 1), email(40))).toBe(false);
    expect(listMembersInput.safeParse({ q: text(FIELD_LIMITS.memberSearch) }).success).toBe(true);
    expect(listMembersInput.safeParse({ q: text(FIELD_LIMITS.memberSearch + 1) }).success).toBe(
      false,
    );
  });
});

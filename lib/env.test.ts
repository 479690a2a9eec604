import { describe, expect, it } from "vitest";
import { allowedServerActionOrigins } from "./env";

describe("allowedServerActionOrigins", () => {
  it("reads hosts, URLs and wildcards as the hosts Next compares with the Origin header", () => {
    expect(
      allowedServerActionOrigins(
        " gatehouse.example.com , https://Console.Example.com/admin,*.corp.example:8443,,",
      ),
    ).toEqual(["gatehouse.example.com", "console.example.com", "*.corp.example:8443"]);
    expect(allowedServerActionOrigins(undefined)).toEqual([]);
  });
});

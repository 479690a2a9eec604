import { describe, expect, it } from "vitest";
import { z } from "zod";
import openapi from "@/docs/openapi.json";
import { loadBalancingStrategies } from "@/lib/keys/schemas";
import { authorizeInput, denyReasons } from "./schemas";

// docs/openapi.json is written by hand for people; these checks keep it from drifting from the
// schemas the route actually applies.
const { schemas } = openapi.components;

describe("the OpenAPI description of POST /api/v1/authorize", () => {
  it("asks for exactly the fields authorizeInput takes, and requires the same ones", () => {
    const request = schemas.AuthorizeRequest;
    expect(Object.keys(request.properties).sort()).toEqual(
      Object.keys(authorizeInput.shape).sort(),
    );
    expect(Object.keys(request.properties.user.properties).sort()).toEqual(
      Object.keys(authorizeInput.shape.user.shape).sort(),
    );
    const generated = z.toJSONSchema(authorizeInput, { io: "input", unrepresentable: "any" });
    expect([...request.required].sort()).toEqual([...(generated.required ?? [])].sort());
  });

  it("lists every deny reason and load-balancing strategy, in order", () => {
    expect(schemas.DenyReason.enum).toEqual([...denyReasons]);
    expect(schemas.Allow.properties.policy.properties.loadBalancing.enum).toEqual([
      ...loadBalancingStrategies,
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { z } from "zod";
import { usageStatus } from "@/db/schema";
import openapi from "@/docs/openapi.json";
import { loadBalancingStrategies } from "@/lib/keys/schemas";
import { MAX_USAGE_BATCH, usageBatchInput, usageEventInput } from "@/lib/spend/usage-event";
import { authorizeInput, denyReasons } from "./schemas";

// docs/openapi.json is written by hand for people; these checks keep it from drifting from the
// schemas the routes actually apply.
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

describe("the OpenAPI description of POST /api/v1/usage", () => {
  const event = schemas.UsageEvent;

  it("describes exactly the fields usageEventInput takes, and requires the same ones", () => {
    expect(Object.keys(event.properties).sort()).toEqual(Object.keys(usageEventInput.shape).sort());
    expect(Object.keys(event.properties.user.properties).sort()).toEqual(
      Object.keys(usageEventInput.shape.user.unwrap().shape).sort(),
    );
    const generated = z.toJSONSchema(usageEventInput, { io: "input", unrepresentable: "any" });
    expect([...event.required].sort()).toEqual([...(generated.required ?? [])].sort());
    expect(event.properties.status.enum).toEqual([...usageStatus.enumValues]);
  });

  it("takes the batch envelope the route takes, up to its limit", () => {
    const batch = schemas.UsageBatch;
    expect(Object.keys(batch.properties)).toEqual(Object.keys(usageBatchInput.shape));
    expect(batch.properties.events).toMatchObject({ minItems: 1, maxItems: MAX_USAGE_BATCH });
  });

  it("gives examples that the route accepts", () => {
    const { examples } =
      openapi.paths["/api/v1/usage"].post.requestBody.content["application/json"];
    for (const example of Object.values(examples)) {
      const batch = usageBatchInput.parse(example.value);
      for (const e of batch.events) expect(usageEventInput.safeParse(e).error).toBeUndefined();
    }
  });
});

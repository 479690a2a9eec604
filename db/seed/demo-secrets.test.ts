import { describe, expect, it } from "vitest";
import { demoSecretsDirFor } from "./demo-secrets";

describe("demoSecretsDirFor", () => {
  it("keeps each database's demo secrets apart, the embedded one's in the data folder", () => {
    const embedded = demoSecretsDirFor("/srv/.data", undefined);
    const local = demoSecretsDirFor("/srv/.data", "postgres://u:p@127.0.0.1:5432/gatehouse");
    const other = demoSecretsDirFor("/srv/.data", "postgres://db.internal/gatehouse_staging");
    expect(embedded).toBe("/srv/.data");
    expect(local).toBe("/srv/.data/postgres/127.0.0.1-5432_gatehouse");
    expect(new Set([embedded, local, other]).size).toBe(3);
    expect(local.includes("u:p")).toBe(false);
  });
});

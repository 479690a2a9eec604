import { expect, test } from "@playwright/test";
import postgres from "postgres";
import { createScene } from "./support/scene";
import { type SpawnedServer, spawnServer } from "./support/spawn-server";

// Two production servers on one PostgreSQL, as behind a load balancer: each decides from its own
// memory and takes its own batches of reservations. A hard budget holds across both, and a key
// revoked through one is refused by the other once the change's notification reaches it.

const databaseUrl = process.env.DATABASE_URL ?? "";
const port = (offset: number) => Number(process.env.E2E_PORT || 3100) + offset;

test.skip(
  !/^postgres(ql)?:\/\//.test(databaseUrl),
  "needs PostgreSQL (DATABASE_URL): only one process can open the embedded database",
);

test("two servers on one database keep a hard budget exact and refuse a revoked key", async () => {
  test.setTimeout(120_000);
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  const scene = await createScene(databaseUrl);
  const servers: SpawnedServer[] = [];
  try {
    const ann = await scene.person("Ann");
    const budget = 1_000_000;
    const estimate = 7_000;
    const team = await scene.group("Team", { members: [ann.id], budgetMicros: budget });
    await sql`update groups set budget_mode = 'hard' where id = ${team.id}`;
    const key = await scene.apiKey("team-key", [team.id]);
    const token = await scene.gatewayToken("edge");
    for (const [i, name] of ["a", "b"].entries())
      servers.push(
        await spawnServer({
          port: port(4 + i),
          databaseUrl,
          applicationName: `e2e-instance-${name}`,
        }),
      );
    const ask = (server: SpawnedServer, extra: Record<string, unknown> = {}) =>
      fetch(`${server.baseUrl}/api/v1/authorize`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({
          apiKey: key.secret,
          user: { email: `ann@${scene.orgSlug}.test` },
          model: "gpt-4o",
          ...extra,
        }),
      }).then((r) => r.json() as Promise<{ allow: boolean; reason?: string }>);

    // 1,000 at once, half on each server.
    const decisions = await Promise.all(
      Array.from({ length: 1_000 }, (_, i) =>
        ask(servers[i % 2]!, { estimatedCostMicros: estimate }),
      ),
    );
    const allowed = decisions.filter((d) => d.allow).length;
    expect(allowed * estimate).toBeLessThanOrEqual(budget + estimate);
    expect(allowed).toBe(Math.floor(budget / estimate));
    expect(decisions.every((d) => d.allow || d.reason === "group_budget_exceeded")).toBe(true);

    // Without an estimate the budget still has room (nothing reserved for it): allowed on both.
    await sql`update groups set budget_mode = 'soft' where id = ${team.id}`;
    await expect.poll(async () => (await ask(servers[1]!)).allow).toBe(true);
    await sql`update api_keys set revoked_at = now() where id = ${key.id}`;
    const revokedAt = Date.now();
    await expect.poll(async () => (await ask(servers[1]!)).reason).toBe("key_revoked");
    test.info().annotations.push({
      type: "revoked through the database, refused by the other server after",
      description: `${Date.now() - revokedAt} ms (polled)`,
    });
    expect((await ask(servers[0]!)).reason).toBe("key_revoked");
  } finally {
    for (const server of servers) await server.kill();
    await scene.close();
    await sql.end();
  }
});

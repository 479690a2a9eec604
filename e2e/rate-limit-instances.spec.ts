import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import postgres from "postgres";
import { createScene } from "./support/scene";
import { type SpawnedServer, spawnServer } from "./support/spawn-server";

// Two production servers on one PostgreSQL, as behind a load balancer, with the rate-limit
// counters in PostgreSQL and then in one Redis: 1,000 simultaneous requests, half on each server,
// at a limit of 100 a minute admit exactly 100 (the stated bound: at most the limit in any 60
// clock seconds; this burst takes a few), never a per-process 200.

const databaseUrl = process.env.DATABASE_URL ?? "";
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379/13";
const port = (offset: number) => Number(process.env.E2E_PORT || 3100) + offset;

test.skip(
  !/^postgres(ql)?:\/\//.test(databaseUrl),
  "needs PostgreSQL (DATABASE_URL): only one process can open the embedded database",
);

for (const [index, store] of (["PostgreSQL", "Redis"] as const).entries()) {
  test(`two servers share a key's rate limit, counted in ${store}`, async () => {
    test.setTimeout(120_000);
    const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
    const scene = await createScene(databaseUrl);
    const servers: SpawnedServer[] = [];
    try {
      const ann = await scene.person("Ann");
      const team = await scene.group("Team", { members: [ann.id] });
      const key = await scene.apiKey("team-key", [team.id]);
      await sql`insert into rate_limits (id, org_id, key_id, requests_per_minute)
                values (${randomUUID()}, ${scene.orgId}, ${key.id}, 100)`;
      const token = await scene.gatewayToken("edge");
      for (const [i, name] of ["a", "b"].entries())
        servers.push(
          await spawnServer({
            // Ports of their own: the two tests may run at once.
            port: port(6 + 2 * index + i),
            databaseUrl,
            applicationName: `e2e-rate-${name}`,
            env: { REDIS_URL: store === "Redis" ? redisUrl : undefined },
          }),
        );
      const ask = (server: SpawnedServer) =>
        fetch(`${server.baseUrl}/api/v1/authorize`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({
            apiKey: key.secret,
            user: { email: `ann@${scene.orgSlug}.test` },
            model: "gpt-4o",
          }),
        }).then(
          (r) =>
            r.json() as Promise<{ allow: boolean; reason?: string; retryAfterSeconds?: number }>,
        );
      const started = Date.now();
      const decisions = await Promise.all(
        Array.from({ length: 1_000 }, (_, i) => ask(servers[i % 2]!)),
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${servers.map((s) => s.output()).join("\n---\n")}`);
      });
      const seconds = (Date.now() - started) / 1_000;
      expect(seconds).toBeLessThan(59);
      expect(decisions.filter((d) => d.allow)).toHaveLength(100);
      const refused = decisions.filter((d) => !d.allow);
      const others = refused.filter(
        (d) => d.reason !== "rate_limited" || !(d.retryAfterSeconds! > 0),
      );
      expect(others, servers.map((s) => s.output().slice(-3_000)).join("\n---\n")).toEqual([]);
      test.info().annotations.push({
        type: `1,000 requests on two servers, counters in ${store}`,
        description: `${seconds.toFixed(1)} s, 100 allowed`,
      });
    } finally {
      for (const server of servers) await server.kill();
      await scene.close();
      await sql.end();
    }
  });
}

import { connectPostgres } from "@/db/connect";
import { authorize } from "@/lib/access/authorize";

// Another server process for lib/access/reservations-across-processes.test.ts: its own
// connection pool to the test's database, `count` concurrent reserving authorize calls, and one
// JSON line with how many were allowed and why the others were refused.

const { url, orgId, secret, email, count, estimate } = JSON.parse(process.argv[2]!) as {
  url: string;
  orgId: string;
  secret: string;
  email: string;
  count: number;
  estimate: number;
};
const connection = await connectPostgres(url);
const gateway = { kind: "gateway" as const, tokenId: "worker", orgId, label: "worker" };
// Start together with the test's own calls: both wait for the same moment.
await new Promise((r) => setTimeout(r, Math.max(0, Number(process.argv[3]) - Date.now())));
const decisions = await Promise.all(
  Array.from({ length: count }, () =>
    authorize(connection.db, gateway, {
      apiKey: secret,
      user: { email },
      model: "gpt-4o",
      estimatedCostMicros: estimate,
    }),
  ),
);
await connection.close();
console.log(
  JSON.stringify({
    allowed: decisions.filter((d) => d.allow).length,
    reasons: [...new Set(decisions.flatMap((d) => (d.allow ? [] : [d.reason])))],
  }),
);

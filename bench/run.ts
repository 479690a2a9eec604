import { connectPglite, connectPostgres } from "@/db/connect";
import { syncModelCatalogue } from "@/lib/models/sync";
import { benchAnalytics } from "./analytics";
import { benchAuthorize } from "./authorize";
import { benchIngest } from "./ingest";
import { benchMemberships } from "./memberships";

// `npm run bench`: each benchmark prints its figures and their ratio to a baseline measured in
// the same run (ratio = time / baseline time). On DATABASE_URL when set (into a scratch
// database beside it), else on an in-memory PGlite.
const base = process.env.DATABASE_URL;
let cleanup = async () => {};
let connection;
if (base) {
  const admin = (await import("postgres")).default(base, { max: 1, onnotice: () => {} });
  await admin.unsafe("drop database if exists gatehouse_bench with (force)");
  await admin.unsafe("create database gatehouse_bench");
  const url = new URL(base);
  url.pathname = "/gatehouse_bench";
  connection = await connectPostgres(url.toString());
  cleanup = async () => {
    await admin.unsafe("drop database if exists gatehouse_bench with (force)");
    await admin.end();
  };
} else {
  connection = await connectPglite();
}
await connection.migrate();
await syncModelCatalogue(connection.db);
console.log(`\nusage ingestion (${connection.driver}), 10 batches of 1,000 events`);
console.table(await benchIngest(connection));
console.log(`\ngroups and memberships (${connection.driver}), 2,000 members and 40 groups`);
console.table(await benchMemberships(connection));
console.log(
  `\nauthorize (${connection.driver}), 2,000 members in 40 groups, 2,000 calls per case (ratio: time / baseline time)`,
);
console.table(await benchAuthorize(connection));
console.log(`\nspend analytics (${connection.driver}), the demo organisation, median of 20 runs`);
console.table(await benchAnalytics(connection));
await connection.close();
await cleanup();

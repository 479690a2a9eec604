import { sql } from "drizzle-orm";
import {
  ensureAuthSecret,
  isEmpty,
  loadEnvironment,
  lockDataDir,
  openDatabase,
  say,
  seed,
} from "./setup";

// npm run db:migrate | db:seed | db:reset, on DATABASE_URL or the embedded data folder.
// Never while a server runs on the same embedded folder (refused by the lock).
const command = process.argv[2];
loadEnvironment();
const unlock = lockDataDir();
ensureAuthSecret();
try {
  if (command === "reset") {
    const connection = await openDatabase();
    await connection.db.execute(sql`drop schema public cascade`);
    await connection.db.execute(sql`drop schema if exists drizzle cascade`);
    await connection.db.execute(sql`create schema public`);
    await connection.close();
    say("database emptied");
  }
  const connection = await openDatabase();
  say("migrations applied");
  if (command === "seed" || command === "reset") {
    if (await isEmpty(connection)) await seed(connection, { keepSecrets: true });
    else
      say(
        "not seeding: the database already holds organisations (npm run db:reset empties it first)",
      );
  }
  await connection.close();
} finally {
  unlock();
}

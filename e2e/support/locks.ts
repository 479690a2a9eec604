import type postgres from "postgres";

// To stop a server at an exact point inside one of its transactions: the test holds a lock that
// the transaction needs late, waits until the server's session is seen waiting for it with
// writes already made, kills the server, and lets go.

export interface HeldLock {
  release(): Promise<void>;
}

/** Runs `statement` (which takes a lock) in a transaction of its own, kept open until release. */
export async function holdLock(sql: postgres.Sql, statement: string): Promise<HeldLock> {
  const session = await sql.reserve();
  await session`begin`;
  await session.unsafe(statement);
  return {
    async release() {
      await session`rollback`;
      session.release();
    },
  };
}

/**
 * Waits until a session named `applicationName` waits for a lock of the kind given (`relation`
 * for a table lock, `advisory`) inside a transaction that has already written something (it has
 * a transaction id), and returns its pid.
 */
export async function waitForBlockedWriter(
  sql: postgres.Sql,
  applicationName: string,
  lockKind: "relation" | "advisory",
  timeoutMs = 15_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [row] = await sql<{ pid: number }[]>`
      select pid from pg_stat_activity
      where application_name = ${applicationName} and wait_event_type = 'Lock'
        and wait_event = ${lockKind} and backend_xid is not null`;
    if (row) return row.pid;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no session of ${applicationName} waited for a ${lockKind} lock after writing`);
}

/** Waits until the database has ended every session named `applicationName` (rolled back). */
export async function waitForSessionsToEnd(
  sql: postgres.Sql,
  applicationName: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [row] = await sql<{ n: number }[]>`
      select count(*)::int as n from pg_stat_activity where application_name = ${applicationName}`;
    if (row!.n === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sessions of ${applicationName} were still open after the server died`);
}

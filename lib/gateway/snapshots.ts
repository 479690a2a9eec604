import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Connection, Db } from "@/db/connect";
import { type KeyLookup, type MemberLookup, type Subject, loadSubject } from "@/lib/access/subject";
import { type OrgSnapshot, loadOrgSnapshot, subjectOf } from "./org-snapshot";
import { type GatewayTokenRow, tokenByHash } from "./token-lookup";

// The gateway's decisions read from memory: per organisation, a snapshot loaded on first use
// (lib/gateway/org-snapshot.ts), and the gateway tokens by hash. Every change to what they hold
// notifies gatehouse_changes from inside its transaction (migration 0006's triggers), delivered
// to every instance at commit; a notified organisation's snapshot is dropped at once and the next
// decision loads it again. So an instance decides on the old state only until the notification
// of a commit reaches it (test: lib/gateway/snapshots.test.ts measures it across two connections).
//
// While the instance is not listening (at start, or after the listening connection dropped,
// until it listens again), nothing is cached: every call reads the database, exactly as without
// the snapshot, and fails closed when the database cannot answer. Listening again drops
// everything, since notifications sent in between are lost.

export const CHANGES_CHANNEL = "gatehouse_changes";
const TOKENS = "tokens";
const BARRIER = "barrier:";
const CAUGHT_UP_TIMEOUT_MS = 2_000;
// Unknown hashes are cached too (a bad token costs no query); bounded against a flood of them.
const MAX_TOKENS = 10_000;

export interface Snapshots {
  /** What loadSubject() returns, from memory while listening. */
  subject(orgId: string, keyLookup: KeyLookup, memberLookup: MemberLookup): Promise<Subject>;
  /** The gateway token with this hash, or null; from memory while listening. */
  token(hash: string): Promise<GatewayTokenRow | null>;
  /**
   * Resolves once every change committed before the call has reached this instance (or after 2 s
   * without the notification). Console actions and SCIM writes wait for it before answering.
   */
  caughtUp(): Promise<void>;
  readonly listening: boolean;
}

// Per database, the snapshots its process started: process-wide (globalThis), because the custom
// server and Next.js' bundle of the route handlers each have their own copy of this module.
const registry = ((
  globalThis as { __gatehouseSnapshots?: WeakMap<Db, Snapshots> }
).__gatehouseSnapshots ??= new WeakMap());

/** The snapshots started for this database in this process, if any (the server's database). */
export function snapshotsOf(db: Db): Snapshots | undefined {
  return registry.get(db);
}

/** Starts listening and keeping snapshots for the connection's database. */
export async function startSnapshots(connection: Connection): Promise<Snapshots> {
  const { db } = connection;
  let listening = false;
  const orgs = new Map<string, Promise<OrgSnapshot>>();
  const tokens = new Map<string, Promise<GatewayTokenRow | null>>();
  const barriers = new Map<string, () => void>();
  const forgetAll = () => {
    orgs.clear();
    tokens.clear();
  };
  // A load that failed is not kept: the next call tries again (and fails closed meanwhile).
  const remember = <T>(map: Map<string, Promise<T>>, name: string, load: () => Promise<T>) => {
    let entry = map.get(name);
    if (!entry) {
      entry = load();
      map.set(name, entry);
      entry.catch(() => map.get(name) === entry && map.delete(name));
    }
    return entry;
  };

  await connection.listen(CHANGES_CHANNEL, {
    onNotify(payload) {
      if (payload === TOKENS) tokens.clear();
      else if (payload.startsWith(BARRIER)) barriers.get(payload)?.();
      else orgs.delete(payload);
    },
    onState(now) {
      forgetAll();
      listening = now;
      // Nothing cached is used while not listening: waiting callers need no notification.
      if (!now) for (const resolve of barriers.values()) resolve();
    },
  });

  const snapshots: Snapshots = {
    get listening() {
      return listening;
    },
    async subject(orgId, keyLookup, memberLookup) {
      if (!listening) return loadSubject(db, orgId, keyLookup, memberLookup);
      const snapshot = await remember(orgs, orgId, () => loadOrgSnapshot(db, orgId));
      return subjectOf(snapshot, keyLookup, memberLookup);
    },
    token(hash) {
      if (!listening) return tokenByHash(db, hash);
      if (tokens.size >= MAX_TOKENS) tokens.clear();
      return remember(tokens, hash, () => tokenByHash(db, hash));
    },
    async caughtUp() {
      if (!listening) return;
      // Notifications arrive in commit order: ours arriving means every earlier one has.
      const payload = `${BARRIER}${randomUUID()}`;
      const arrived = new Promise<void>((resolve) => barriers.set(payload, resolve));
      await db.execute(sql`select pg_notify(${CHANGES_CHANNEL}, ${payload})`);
      // A listener that stopped hearing without saying so must not hold up the callers (console
      // actions, SCIM writes): after a while they go on, as they would without the barrier.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        arrived,
        new Promise<void>((resolve) => (timer = setTimeout(resolve, CAUGHT_UP_TIMEOUT_MS))),
      ]);
      clearTimeout(timer);
      barriers.delete(payload);
    },
  };
  registry.set(db, snapshots);
  return snapshots;
}

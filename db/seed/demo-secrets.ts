import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { Db } from "@/db/connect";
import { systemActor } from "@/lib/auth/actor";
import { createGatewayToken } from "@/lib/gateway/tokens";
import type { DemoSeedResult } from "./demo";

// What `npm run simulate` needs to send traffic to the demo, kept beside the embedded database
// (readable by its owner only): a gateway token of Acme and the demo keys' secrets. The database
// holds only their hashes, and the simulator reads no database (PGlite: one process at a time).

export const DEMO_GATEWAY_TOKEN_FILE = "demo-gateway-token";
export const DEMO_KEYS_FILE = "demo-keys.json";
export const DEMO_GATEWAY_TOKEN_NAME = "demo-simulator";

const demoKeys = z.array(
  z.object({ org: z.string(), name: z.string(), secret: z.string().startsWith("ghk_") }),
);

export type DemoKeys = z.infer<typeof demoKeys>;

/**
 * The folder of a database's demo secrets: the data folder for the embedded database, and for a
 * PostgreSQL database a folder of its own inside it, so that seeding one never overwrites the
 * other's (the simulator, run with the same DATABASE_URL, reads the same folder).
 */
export function demoSecretsDirFor(dataDir: string, databaseUrl: string | undefined): string {
  if (!databaseUrl) return dataDir;
  const url = new URL(databaseUrl);
  const name = `${url.hostname}-${url.port || "5432"}${url.pathname}`.replace(
    /[^a-zA-Z0-9.-]+/g,
    "_",
  );
  return path.join(dataDir, "postgres", name);
}

/**
 * Creates Acme's "demo-simulator" gateway token (hashed in the database, audited, revocable in
 * Settings like any other) and writes its secret and the demo keys' secrets to `dataDir`, 0600.
 */
export async function keepDemoSecrets(
  db: Db,
  dataDir: string,
  seeded: Pick<DemoSeedResult, "acmeOrgId" | "apiKeys">,
): Promise<void> {
  const token = await createGatewayToken(db, systemActor(seeded.acmeOrgId, "Demo data"), {
    name: DEMO_GATEWAY_TOKEN_NAME,
  });
  mkdirSync(dataDir, { recursive: true });
  writePrivate(path.join(dataDir, DEMO_GATEWAY_TOKEN_FILE), `${token.secret}\n`);
  writePrivate(path.join(dataDir, DEMO_KEYS_FILE), `${JSON.stringify(seeded.apiKeys, null, 2)}\n`);
}

/** The demo gateway token kept in `dataDir`, or null when there is none. */
export function readDemoGatewayToken(dataDir: string): string | null {
  const file = path.join(dataDir, DEMO_GATEWAY_TOKEN_FILE);
  return existsSync(file) ? readFileSync(file, "utf8").trim() || null : null;
}

/** The demo keys kept in `dataDir`, or null when there are none. */
export function readDemoKeys(dataDir: string): DemoKeys | null {
  const file = path.join(dataDir, DEMO_KEYS_FILE);
  return existsSync(file) ? demoKeys.parse(JSON.parse(readFileSync(file, "utf8"))) : null;
}

function writePrivate(file: string, text: string) {
  // `mode` applies only when the file is created, and a re-seed may find an older one.
  rmSync(file, { force: true });
  writeFileSync(file, text, { mode: 0o600, flag: "wx" });
}

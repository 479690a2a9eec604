import { sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { ScimError } from "./errors";
import type { Resource } from "./query";
import type { DirectoryActor } from "./tokens";

/** Who calls SCIM, where its resources live, and the ETag a change is conditional on. */
export interface ScimRequest {
  actor: DirectoryActor;
  /** The absolute URL of /scim/v2, for `meta.location` and `$ref`. */
  baseUrl: string;
  /** The If-Match header of a PUT, PATCH or DELETE, when sent. */
  ifMatch?: string | null;
}

// Identity providers send changes in parallel (Okta several at once): one organisation's SCIM
// writes take turns, so that two creates of one person cannot both pass the duplicate check.
// Their row locks are FOR NO KEY UPDATE: a membership insert elsewhere takes KEY SHARE on the
// member and the group, and must not wait on them (lib/memberships/write.ts).
export async function lockDirectory(tx: Db, orgId: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`scim:${orgId}`}))`);
}

/** A change sent with If-Match applies only to the version it names (RFC 7644 §3.14). */
export function checkVersion(request: ScimRequest, current: Resource) {
  const ifMatch = request.ifMatch?.trim();
  if (!ifMatch || ifMatch === "*") return;
  const version = (current.meta as { version: string }).version;
  const strip = (tag: string) => tag.trim().replace(/^W\//, "");
  if (!ifMatch.split(",").some((tag) => strip(tag) === strip(version)))
    throw new ScimError(
      412,
      null,
      `The resource has changed since version ${ifMatch}; read it again.`,
    );
}

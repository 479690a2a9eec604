import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { type Group, groups } from "@/db/schema";
import { Invalid, NotFound } from "@/lib/errors";

/**
 * The groups with these ids in the organisation, or NotFound: an id of another organisation is
 * indistinguishable from one that does not exist. With `live`, archived groups are refused.
 */
export async function requireGroups(
  tx: Db,
  orgId: string,
  ids: string[],
  options: { live?: boolean; forUpdate?: boolean } = {},
): Promise<Map<string, Group>> {
  const query = tx
    .select()
    .from(groups)
    .where(and(eq(groups.orgId, orgId), inArray(groups.id, ids)));
  const rows = options.forUpdate ? await query.for("update") : await query;
  if (rows.length !== new Set(ids).size) throw new NotFound("The group");
  const archived = options.live ? rows.find((g) => g.archivedAt) : undefined;
  if (archived) throw new Invalid(`${archived.name} is archived: restore it first.`);
  return new Map(rows.map((g) => [g.id, g]));
}

export async function requireGroup(
  tx: Db,
  orgId: string,
  id: string,
  options: { live?: boolean; forUpdate?: boolean } = {},
) {
  return (await requireGroups(tx, orgId, [id], options)).get(id)!;
}

/**
 * Refuses a console change to the direct membership of a group the directory (SCIM) owns: the
 * identity provider would undo it on its next sync, or keep someone in who was taken out.
 */
export function assertMembershipEditable(groups: Iterable<Group>): void {
  for (const g of groups)
    if (g.directoryLinkedAt)
      throw new Invalid(
        `${g.name}'s members come from your identity provider (directory sync): change them there.`,
      );
}

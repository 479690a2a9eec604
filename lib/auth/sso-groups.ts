import { and, eq, ne } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { orgMembers } from "@/db/schema";
import { audit } from "@/lib/audit/record";
import type { Actor } from "@/lib/auth/actor";
import { syncMemberRules } from "@/lib/rules/sync";

// The groups an organisation's own identity provider names at sign-in, kept on the membership
// for the auto-assign rules that look at them ("Group at sign-in"): a change is audited and the
// person's rules run again in the sign-in's transaction, so the groups they give are there on
// the first page. Only an organisation's own provider speaks for its groups; the console-wide
// OIDC provider's claims are not any one organisation's.

/** `actor`: the organisation's sign-in, as a system actor. */
export async function recordSsoGroups(
  tx: Db,
  actor: Actor,
  userId: string,
  groups: string[] | undefined,
) {
  if (!groups) return;
  const { orgId } = actor;
  const [before] = await tx
    .select({ id: orgMembers.id, ssoGroups: orgMembers.ssoGroups })
    .from(orgMembers)
    .where(
      and(
        eq(orgMembers.orgId, orgId),
        eq(orgMembers.userId, userId),
        ne(orgMembers.status, "removed"),
      ),
    )
    .for("update");
  if (!before || sameGroups(before.ssoGroups, groups)) return;
  await tx.update(orgMembers).set({ ssoGroups: groups }).where(eq(orgMembers.id, before.id));
  await audit(
    tx,
    actor,
    "member.sso_groups_changed",
    { type: "member", id: before.id },
    { before: { groups: before.ssoGroups ?? [] }, after: { groups } },
  );
  await syncMemberRules(tx, actor, [before.id]);
}

const sameGroups = (a: string[] | null, b: string[]) =>
  (a ?? []).length === b.length && (a ?? []).every((g, i) => g === b[i]);

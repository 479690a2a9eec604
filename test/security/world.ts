import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { queryRows } from "@/db/rows";
import {
  type MemberRole,
  budgetAlerts,
  orgEmailDomains,
  orgSsoProviders,
  modelLists,
  rateLimits,
  budgetWindows,
  webhookDeliveries,
  memberImports,
  ruleExceptions,
} from "@/db/schema";
import {
  insertApiKey,
  insertGroup,
  insertMember,
  insertMembership,
  insertOrg,
  insertUser,
} from "@/db/seed/builders";
import { REFUSAL_ACTION } from "@/lib/audit/refusals";
import { systemActor } from "@/lib/auth/actor";
import { startSession } from "@/lib/auth/sessions";
import { createGatewayToken, revokeGatewayToken } from "@/lib/gateway/tokens";
import { createScimToken } from "@/lib/scim/tokens";
import { archiveGroup } from "@/lib/groups/commands";
import { addMember, suspendMember } from "@/lib/members/commands";
import { startAccessReview } from "@/lib/reviews/start";
import { createRule } from "@/lib/rules/commands";
import { createWebhookEndpoint, disableWebhookEndpoint } from "@/lib/webhooks/commands";
import { sealSecret } from "@/lib/webhooks/secret-box";
import { startOidcProvider } from "@/e2e/support/oidc-provider";
import { state } from "./fakes";

// Two organisations, A (the caller's) and B (another tenant), and helpers that make a fresh
// resource of either for each call: refused calls must change nothing, allowed ones may use up
// what they are given (revoke, delete, archive).

export const PASSWORD = "correct horse battery staple";

export interface Person {
  memberId: string;
  userId: string;
  email: string;
  name: string;
  role: MemberRole;
}

let counter = 0;
const unique = (label: string) => `${label}-${++counter}-${randomUUID().slice(0, 6)}`;

export async function buildOrg(db: Db, label: string) {
  const slug = `${label}-${randomUUID().slice(0, 8)}`;
  const org = await insertOrg(db, { name: `Org ${label}`, slug });
  const system = systemActor(org.id, "security-test");

  const person = async (
    role: MemberRole = "member",
    options: { password?: boolean } = {},
  ): Promise<Person> => {
    const name = unique(`${label}-${role}`);
    const email = `${name}@${slug}.test`;
    const user = await insertUser(db, {
      email,
      name,
      password: options.password ? PASSWORD : undefined,
    });
    const member = await insertMember(db, { orgId: org.id, userId: user.id, role });
    return { memberId: member.id, userId: user.id, email, name, role };
  };

  const group = async (options: { archived?: boolean; parentId?: string } = {}) => {
    const g = await insertGroup(db, {
      orgId: org.id,
      name: unique("group"),
      kind: "custom",
      parentId: options.parentId ?? null,
    });
    if (options.archived) await archiveGroup(db, system, { groupId: g.id });
    return g.id;
  };

  const join = (groupId: string, memberId: string) =>
    insertMembership(db, { orgId: org.id, groupId, memberId });

  /** An exception keeping someone out of a group's auto-assign rules. */
  const keepOut = (groupId: string, memberId: string) =>
    db.insert(ruleExceptions).values({ orgId: org.id, groupId, memberId });

  /** A live API key, assigned to the groups given; its secret is what the gateway presents. */
  const key = async (groupIds: string[] = []) => {
    const k = await insertApiKey(db, {
      orgId: org.id,
      name: unique("key"),
      features: [],
      policy: { allowedModels: [], fallbackModels: [], loadBalancing: "none", weights: {} },
      groupIds,
    });
    return { id: k.key.id, secret: k.secret };
  };

  const token = async (options: { revoked?: boolean } = {}) => {
    const t = await createGatewayToken(db, system, { name: unique("token") });
    if (options.revoked) await revokeGatewayToken(db, system, { tokenId: t.id });
    return { id: t.id, secret: t.secret };
  };

  /** A rate limit on a fresh key of the organisation. */
  const rateLimit = async () => {
    const [row] = await db
      .insert(rateLimits)
      .values({ orgId: org.id, keyId: (await key()).id, requestsPerMinute: 10 })
      .returning({ id: rateLimits.id });
    return row!.id;
  };

  const budgetWindow = async () => {
    const [row] = await db
      .insert(budgetWindows)
      .values({ orgId: org.id, keyId: (await key()).id, period: "day", amountMicros: 5_000_000 })
      .returning({ id: budgetWindows.id });
    return row!.id;
  };

  /** An import that changed nothing: Undo of it is harmless, and it is the organisation's. */
  const memberImport = async () => {
    const [row] = await db
      .insert(memberImports)
      .values({
        orgId: org.id,
        fileName: unique("import"),
        summary: {},
        changes: {
          createdMemberIds: [],
          reactivatedMemberIds: [],
          roleChanges: [],
          memberships: [],
          groupIds: [],
        },
      })
      .returning({ id: memberImports.id });
    return row!.id;
  };

  /**
   * An open access review of a fresh group, reviewed by `reviewerMemberId` (the admin): with one
   * person in it (one item to decide), or none (nothing to decide: it can be completed).
   */
  const review = async (
    options: { reviewerMemberId?: string; people?: boolean } = {},
  ): Promise<{ reviewId: string; groupId: string; itemIds: string[] }> => {
    const groupId = await group();
    if (options.people ?? true) await join(groupId, (await person()).memberId);
    const { id } = await startAccessReview(db, system, {
      name: unique("review"),
      dueOn: "2099-12-31",
      groupIds: [groupId],
      reviewerMemberId: options.reviewerMemberId ?? admin.memberId,
      applyMode: "as_decided",
    });
    const items = await queryRows<{ id: string }>(
      db,
      sql`select id from access_review_items where review_id = ${id}::uuid`,
    );
    return { reviewId: id, groupId, itemIds: items.map((i) => i.id) };
  };

  /** An auto-assign rule adding people of a department to a fresh group. */
  const rule = async () =>
    (
      await createRule(db, system, {
        name: unique("rule"),
        attribute: "department",
        values: [unique("department")],
        groupIds: [await group()],
      })
    ).id;

  const modelList = async () => {
    const [row] = await db
      .insert(modelLists)
      .values({ orgId: org.id, name: unique("list"), sense: "allow", patterns: ["gpt-4o"] })
      .returning({ id: modelLists.id });
    return row!.id;
  };

  const scimToken = async () => createScimToken(db, system, { name: unique("scim") });

  const endpoint = async (options: { disabled?: boolean } = {}) => {
    const e = await createWebhookEndpoint(db, system, {
      url: "https://hooks.example.test/gatehouse",
      description: unique("endpoint"),
    });
    if (options.disabled) await disableWebhookEndpoint(db, system, { endpointId: e.id });
    return e.id;
  };

  /**
   * An identity provider of the organisation, made directly (no per-organisation limit), at a
   * real OpenID provider on loopback (Test sign-in reads its discovery document).
   */
  const ssoProvider = async () => {
    const id = randomUUID();
    await db.insert(orgSsoProviders).values({
      id,
      orgId: org.id,
      name: unique("idp"),
      issuer: (await testIssuer()).issuer,
      clientId: "gatehouse",
      clientSecretCiphertext: sealSecret("test-client-secret", org.id, `sso_provider/${id}`),
    });
    return id;
  };

  let routed: Promise<string> | undefined;
  /**
   * An email of the organisation's domain, claimed (again: a policy change may have dropped it)
   * and one of its providers (the organisation has several by now): email-first sign-in routes
   * it there, to the same provider every time.
   */
  const ssoEmail = async () => {
    const providerId = await (routed ??= ssoProvider());
    await db
      .insert(orgEmailDomains)
      .values({ orgId: org.id, domain: `${slug}.test` })
      .onConflictDoNothing();
    return { email: `someone@${slug}.test`, providerId };
  };

  const failedDelivery = async () => {
    const endpointId = await endpoint();
    const [d] = await db
      .insert(webhookDeliveries)
      .values({
        orgId: org.id,
        endpointId,
        eventType: "webhook.test",
        eventId: randomUUID(),
        payload: { test: true },
        status: "failed",
        attempts: 8,
        lastError: "connection refused",
      })
      .returning({ id: webhookDeliveries.id });
    return d!.id;
  };

  const alert = async () => {
    const groupId = await group();
    await db.insert(budgetAlerts).values({
      orgId: org.id,
      groupId,
      month: "2026-11-01",
      thresholdPercent: 80,
      spendMicros: 80_000_000,
      budgetMicros: 100_000_000,
    });
    return groupId;
  };

  /** A member added by invitation: the token of their link, and who they are. */
  const invitation = async () => {
    const email = `${unique("invitee")}@${slug}.test`;
    const added = await addMember(db, system, {
      email,
      name: "Invitee",
      role: "member",
      access: "invite",
    });
    return { token: added.invitationPath!.split("/").at(-1)!, email, memberId: added.memberId };
  };

  const suspended = async () => {
    const p = await person();
    await suspendMember(db, system, { memberId: p.memberId });
    return p;
  };

  const owner = await person("owner", { password: true });
  const admin = await person("admin", { password: true });
  const member = await person("member", { password: true });
  const liveToken = await token();
  const liveScimToken = await scimToken();

  return {
    org,
    slug,
    system,
    owner,
    admin,
    member,
    liveToken,
    liveScimToken,
    person,
    group,
    join,
    keepOut,
    key,
    token,
    scimToken,
    rateLimit,
    budgetWindow,
    memberImport,
    review,
    rule,
    modelList,
    endpoint,
    ssoProvider,
    ssoEmail,
    failedDelivery,
    alert,
    invitation,
    suspended,
  };
}

export type OrgWorld = Awaited<ReturnType<typeof buildOrg>>;

let issuer: ReturnType<typeof startOidcProvider> | undefined;
/** One real OpenID provider per test process, on loopback (GATEHOUSE_SSO_ALLOW_PRIVATE=1 here). */
export const testIssuer = () =>
  (issuer ??= startOidcProvider({
    redirectUris: ["http://localhost/api/auth/callback/sso"],
    postLogoutRedirectUris: [],
  }));

/** Signs `person` in for the next call: a fresh session row, as a sign-in makes. */
export async function signIn(db: Db, person: Person | null) {
  state.session = person
    ? { userId: person.userId, sessionId: await startSession(db, person.userId) }
    : null;
}

// The tables whose rows belong to an organisation (directly, or through its members), read in
// one statement. Bookkeeping columns that reads and the session check touch are left out.
const IGNORED_COLUMNS = ["last_used_at", "last_seen_at"];

// A refused call writes its refusal to the audit log, and a refused SCIM request to scim_errors
// (that is the point, checked on its own): the digest leaves both out so that "changed nothing"
// still means nothing else changed.
const REFUSALS_LEFT_OUT = ` and x.action <> '${REFUSAL_ACTION}'`;

let orgTables: Promise<string[]> | undefined;

/** Every table with an org_id (parents of partitioned tables once). */
export function tablesWithOrgId(db: Db): Promise<string[]> {
  orgTables ??= queryRows<{ table_name: string }>(
    db,
    sql`select c.relname as table_name
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
        join pg_attribute a on a.attrelid = c.oid and a.attname = 'org_id' and not a.attisdropped
        where c.relkind in ('r', 'p') and not c.relispartition
        order by 1`,
  ).then((rows) => rows.map((r) => r.table_name));
  return orgTables;
}

/**
 * A digest of everything of the organisation: every row of every table with an org_id, the
 * organisation's row, and the accounts and sessions of its members. Equal before and after a
 * call means the call changed nothing of it.
 */
export async function fingerprint(db: Db, orgId: string): Promise<Record<string, string>> {
  const strip = IGNORED_COLUMNS.map((c) => ` - '${c}'`).join("");
  const digest = (from: string, where: string) =>
    `(select md5(coalesce(string_agg((to_jsonb(x)${strip})::text, '|' order by (to_jsonb(x)${strip})::text), '')) from ${from} x where ${where})`;
  const org = `'${orgId.replace(/[^0-9a-f-]/g, "")}'::uuid`;
  const members = `(select user_id from org_members where org_id = ${org})`;
  const parts = [
    ...(await tablesWithOrgId(db)).map(
      (t) =>
        `'${t}', ${t === "scim_errors" ? "''" : digest(t, `x.org_id = ${org}${t === "audit_log" ? REFUSALS_LEFT_OUT : ""}`)}`,
    ),
    `'orgs', ${digest("orgs", `x.id = ${org}`)}`,
    `'users', ${digest("users", `x.id in ${members}`)}`,
    `'user_sessions', ${digest("user_sessions", `x.user_id in ${members}`)}`,
    `'sso_identities', ${digest("sso_identities", `x.user_id in ${members}`)}`,
  ];
  const [row] = await queryRows<{ digest: Record<string, string> }>(
    db,
    sql.raw(`select jsonb_build_object(${parts.join(", ")}) as digest`),
  );
  return row!.digest;
}

import { and, eq, inArray, or, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { queryRows } from "@/db/rows";
import { apiKeys, models, orgMembers, users } from "@/db/schema";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { costMicros } from "@/lib/models/catalogue";
import type { RateStore } from "@/lib/access/rate-store";
import { settleTokenUsage } from "@/lib/access/token-usage";
import { raiseWindowAlerts } from "@/lib/limits/window-alerts";
import { type TouchedGroupMonth, raiseBudgetAlerts } from "./alerts";
import { type UsageEvent, type UsageEventInput, usageEventInput } from "./usage-event";

export interface RejectedEvent {
  index: number;
  eventId: string | null;
  reason: string;
}

export interface IngestResult {
  accepted: string[];
  duplicates: string[];
  rejected: RejectedEvent[];
}

/**
 * Stores a batch of usage events and moves the rollups in the same transaction.
 * Idempotent: an event id already stored (or repeated within the batch) is a duplicate and
 * changes nothing. Group attribution follows the memberships at the time of each event,
 * each live ancestor included, each group once per event.
 */
export async function ingestUsage(
  db: Db,
  actor: Actor,
  batch: readonly UsageEventInput[],
  options: IngestOptions = {},
): Promise<IngestResult> {
  const [result] = await ingestUsageBatches(db, actor, [batch], options);
  return result!;
}

export interface IngestOptions {
  /** Where tokens-a-minute limits are counted; by default the process's store (rateStoreFor). */
  rateStore?: RateStore;
}

/**
 * Several batches of one organisation in one transaction, each answered as if stored alone
 * (in order: an event id of an earlier batch is a duplicate in a later one). What the gateway
 * API does with the batches that arrive while one is being stored (ingest-queue.ts): one
 * statement, one commit and one rollup row per day, member, key and model for all of them.
 */
export async function ingestUsageBatches(
  db: Db,
  actor: Actor,
  batches: readonly (readonly UsageEventInput[])[],
  options: IngestOptions = {},
): Promise<IngestResult[]> {
  assertCan(actor, "usage:ingest");
  const seen = new Set<string>();
  const parsed = batches.map((batch) => parseBatch(batch, seen));
  const valid = parsed.flatMap((p) => p.valid);
  if (valid.length === 0)
    return parsed.map(({ rejected, duplicates }) => ({ accepted: [], duplicates, rejected }));

  let stored: ReturnType<typeof eventRow>[] = [];
  const results = await db.transaction(async (tx) => {
    const known = await knownReferences(tx, actor.orgId, valid);
    const rows = [];
    for (const { valid: events, rejected, indexOf } of parsed)
      for (const event of events) {
        const memberId = known.memberOf(event);
        const reason = !memberId
          ? event.user
            ? "user: no member of this organisation matches the user"
            : "memberId: no such member in this organisation"
          : !known.keys.has(event.keyId)
            ? "keyId: no such API key in this organisation"
            : event.costMicros === undefined && !known.models.has(event.model)
              ? "model: unknown model, and no costMicros given"
              : null;
        if (reason) {
          rejected.push({ index: indexOf.get(event.eventId)!, eventId: event.eventId, reason });
          continue;
        }
        rows.push(eventRow(event, memberId!, known.models.get(event.model)));
      }
    const { fresh, touched } = rows.length
      ? await insertWithRollups(tx, actor.orgId, rows)
      : { fresh: [], touched: [] };
    if (touched.length) await raiseBudgetAlerts(tx, actor.orgId, touched);
    const accepted = new Set(fresh);
    // The members, keys and groups the new spend counts for: where budget windows may alert.
    const freshRows = rows.filter((r) => accepted.has(r.event_id));
    stored = freshRows;
    await raiseWindowAlerts(tx, actor.orgId, [
      ...freshRows.flatMap((r) => [r.member_id, r.key_id]),
      ...touched.map((t) => t.groupId),
    ]);
    const inserted = new Set(rows.map((r) => r.event_id));
    return parsed.map(({ valid: events, duplicates, rejected }) => {
      const mine = events.filter((e) => inserted.has(e.eventId)).map((e) => e.eventId);
      return {
        accepted: mine.filter((id) => accepted.has(id)),
        duplicates: [...duplicates, ...mine.filter((id) => !accepted.has(id))],
        rejected: rejected.sort((a, b) => a.index - b.index),
      };
    });
  });
  // Once stored: the tokens the new usage reports count against tokens-a-minute limits.
  await settleTokenUsage(
    db,
    actor.orgId,
    stored.map((r) => ({
      memberId: r.member_id,
      keyId: r.key_id,
      model: r.model,
      inputTokens: r.input_tokens,
      outputTokens: r.output_tokens,
      reservationId: r.reservation_id ?? null,
    })),
    options.rateStore,
  );
  return results;
}

// Each event validated on its own: a bad one is rejected with its reason, the rest go in. An id
// already seen (in this batch, or an earlier one stored with it) is a duplicate.
function parseBatch(batch: readonly UsageEventInput[], seen: Set<string>) {
  const rejected: RejectedEvent[] = [];
  const duplicates: string[] = [];
  const valid: UsageEvent[] = [];
  // Where each valid event sits in the batch, for its rejection (ids are trimmed when parsed).
  const indexOf = new Map<string, number>();
  batch.forEach((raw, index) => {
    const parsed = usageEventInput.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const eventId = typeof raw?.eventId === "string" ? raw.eventId : null;
      rejected.push({
        index,
        eventId,
        reason: `${issue?.path.join(".") || "event"}: ${issue?.message}`,
      });
    } else if (seen.has(parsed.data.eventId)) {
      duplicates.push(parsed.data.eventId);
    } else {
      seen.add(parsed.data.eventId);
      indexOf.set(parsed.data.eventId, index);
      valid.push(parsed.data);
    }
  });
  return { valid, rejected, duplicates, indexOf };
}

function eventRow(
  event: UsageEvent,
  memberId: string,
  model: typeof models.$inferSelect | undefined,
) {
  return {
    event_id: event.eventId,
    occurred_at: event.occurredAt.toISOString(),
    member_id: memberId,
    key_id: event.keyId,
    model: event.model,
    provider: event.provider ?? model?.provider ?? "unknown",
    features: event.features,
    input_tokens: event.inputTokens,
    output_tokens: event.outputTokens,
    cached_tokens: event.cachedTokens,
    cost_micros:
      event.costMicros ??
      costMicros(model!, {
        input: event.inputTokens,
        output: event.outputTokens,
        cached: event.cachedTokens,
      }),
    latency_ms: event.latencyMs ?? null,
    status: event.status,
    reservation_id: event.reservationId ?? null,
  };
}

// What the batch refers to, read once per batch: its members (by id, or by email or external id
// as authorize matches them; removed members too, as their earlier requests still count), its
// keys (both within the organisation, so another organisation's ids are simply unknown) and the
// catalogue prices of its models.
async function knownReferences(tx: Db, orgId: string, events: UsageEvent[]) {
  const memberIds = new Set<string>();
  const emails = new Set<string>();
  const externalIds = new Set<string>();
  for (const { memberId, user } of events) {
    if (memberId) memberIds.add(memberId);
    else if (user?.externalId) externalIds.add(user.externalId);
    else if (user?.email) emails.add(user.email);
  }
  const keyIds = [...new Set(events.map((e) => e.keyId))];
  const modelIds = [...new Set(events.map((e) => e.model))];
  const matches = [
    memberIds.size ? inArray(orgMembers.id, [...memberIds]) : undefined,
    emails.size ? inArray(users.email, [...emails]) : undefined,
    externalIds.size ? inArray(orgMembers.externalId, [...externalIds]) : undefined,
  ].filter((m) => m !== undefined);
  const [memberRows, keyRows, modelRows] = await Promise.all([
    tx
      .select({ id: orgMembers.id, email: users.email, externalId: orgMembers.externalId })
      .from(orgMembers)
      .innerJoin(users, eq(users.id, orgMembers.userId))
      .where(and(eq(orgMembers.orgId, orgId), or(...matches))),
    tx
      .select({ id: apiKeys.id })
      .from(apiKeys)
      .where(and(eq(apiKeys.orgId, orgId), inArray(apiKeys.id, keyIds))),
    tx.select().from(models).where(inArray(models.id, modelIds)),
  ]);
  const byId = new Set(memberRows.map((r) => r.id));
  const byEmail = new Map(memberRows.map((r) => [r.email, r.id]));
  const byExternalId = new Map(
    memberRows.filter((r) => r.externalId !== null).map((r) => [r.externalId!, r.id]),
  );
  return {
    /** The member an event names, or undefined when it names none of this organisation. */
    memberOf({ memberId, user }: UsageEvent): string | undefined {
      if (memberId) return byId.has(memberId) ? memberId : undefined;
      return user?.externalId ? byExternalId.get(user.externalId) : byEmail.get(user?.email ?? "");
    },
    keys: new Set(keyRows.map((r) => r.id)),
    models: new Map(modelRows.map((m) => [m.id, m])),
  };
}

// The measures every rollup but the feature one keeps, and how a batch adds to them.
const MEASURES = "requests, errors, input_tokens, output_tokens, cached_tokens, cost_micros";
const BATCH_MEASURES =
  "count(*), count(*) filter (where ev.status = 'error'), sum(ev.input_tokens), " +
  "sum(ev.output_tokens), sum(ev.cached_tokens), sum(ev.cost_micros)";
const ADD_MEASURES = MEASURES.split(", ")
  .map((m) => `${m} = r.${m} + excluded.${m}`)
  .join(", ");

/**
 * The upsert of a rollup keyed by `columns` (after org_id) from the batch's new events: `ev`, or
 * for a group's columns (group_id) `attributed` joined to them, once per event and group. Rows
 * in key order, so that concurrent batches lock them in the same order. Column names only, never
 * input: they are spliced as text.
 */
function rollup(orgId: string, table: string, columns: string[]) {
  const byGroup = columns.includes("group_id");
  const exprs = columns.map((c) => (c === "group_id" ? "a.group_id" : `ev.${c}`)).join(", ");
  const from = byGroup ? "attributed a join ev on ev.event_id = a.event_id" : "ev";
  return sql`
      insert into ${sql.raw(table)} as r (org_id, ${sql.raw(columns.join(", "))}, ${sql.raw(MEASURES)})
      select ${orgId}::uuid, ${sql.raw(`${exprs}, ${BATCH_MEASURES}`)}
      from ${sql.raw(`${from} group by ${exprs} order by ${exprs}`)}
      on conflict (org_id, ${sql.raw(columns.join(", "))}) do update set ${sql.raw(ADD_MEASURES)}
      returning 1
    `;
}

const quarterOf = sql.raw(
  "date_bin('15 minutes', ev.occurred_at, timestamptz '2000-01-01 00:00+00') as quarter",
);

// One statement: claim the event ids, insert the events that were new, and add them to the
// rollups (see rollup, and the feature rollup below).
async function insertWithRollups(
  tx: Db,
  orgId: string,
  rows: object[],
): Promise<{ fresh: string[]; touched: TouchedGroupMonth[] }> {
  const [result] = await queryRows<{ fresh: string[]; touched: TouchedGroupMonth[] }>(
    tx,
    sql`
    with recursive
    input as (
      select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(
        event_id text, occurred_at timestamptz, member_id uuid, key_id uuid, model text, provider text,
        features text[], input_tokens int, output_tokens int, cached_tokens int, cost_micros bigint,
        latency_ms int, status usage_status, reservation_id uuid)
    ),
    fresh as (
      insert into usage_event_ids (org_id, event_id, occurred_at)
      select ${orgId}::uuid, event_id, occurred_at from input order by event_id
      on conflict do nothing
      returning event_id
    ),
    ev as (
      insert into usage_events (org_id, event_id, occurred_at, member_id, key_id, model, provider, features,
        input_tokens, output_tokens, cached_tokens, cost_micros, latency_ms, status, reservation_id)
      select ${orgId}::uuid, i.event_id, i.occurred_at, i.member_id, i.key_id, i.model, i.provider, i.features,
        i.input_tokens, i.output_tokens, i.cached_tokens, i.cost_micros, i.latency_ms, i.status, i.reservation_id
      from input i join fresh f on f.event_id = i.event_id
      returning event_id, occurred_at, (occurred_at at time zone 'UTC')::date as day, member_id, key_id, model,
        features, input_tokens, output_tokens, cached_tokens, cost_micros, status, reservation_id
    ),
    -- The usage of a request settles the budget reservation its authorize call made. Looked up
    -- by primary key from the batch's ids: a join of the batch against the open reservations
    -- was planned as a nested loop over all of them (2.5 s per batch with 8,500 open).
    settled as (
      update budget_reservations r set settled_at = now()
      where r.id = any(array(select reservation_id from ev where reservation_id is not null))
        and r.org_id = ${orgId}::uuid and r.settled_at is null
      returning 1
    ),
    -- A key's "last used" moves with the usage it reports, to the minute (as authorize keeps it).
    key_used as (
      update api_keys k set last_used_at = u.at
      from (select key_id, max(occurred_at) as at from ev group by key_id order by key_id) u
      where k.id = u.key_id and k.org_id = ${orgId}::uuid
        and (k.last_used_at is null or k.last_used_at < u.at - interval '1 minute')
      returning 1
    ),
    member_rollup as (${rollup(orgId, "usage_daily_member", ["day", "member_id", "key_id", "model"])}),
    org_member_rollup as (${rollup(orgId, "usage_daily_org_member", ["day", "member_id"])}),
    org_key_rollup as (${rollup(orgId, "usage_daily_org_key", ["day", "key_id"])}),
    org_model_rollup as (${rollup(orgId, "usage_daily_org_model", ["day", "model"])}),
    tree (group_id, ancestor_id, parent_id, depth) as (
      select id, id, parent_id, 0 from groups where org_id = ${orgId}::uuid and archived_at is null
      union all
      select t.group_id, p.id, p.parent_id, t.depth + 1
      from tree t join groups p on p.id = t.parent_id and p.archived_at is null
      where t.depth < 64
    ),
    attributed as (
      select distinct ev.event_id, t.ancestor_id as group_id
      from ev
      join group_membership_history h on h.org_id = ${orgId}::uuid and h.member_id = ev.member_id
        and h.valid_from <= ev.occurred_at and (h.valid_to is null or ev.occurred_at < h.valid_to)
      join tree t on t.group_id = h.group_id
    ),
    group_rollup as (${rollup(orgId, "usage_daily_group", ["day", "group_id", "member_id"])}),
    group_total_rollup as (${rollup(orgId, "usage_daily_group_total", ["day", "group_id"])}),
    group_model_rollup as (${rollup(orgId, "usage_daily_group_model", ["day", "group_id", "model"])}),
    -- Each event's cost in its quarter of an hour, for its member, its key and each group it is
    -- attributed to: what budget windows sum (usage_quarter_scope).
    quarter_rollup as (
      insert into usage_quarter_scope as r (org_id, scope_id, quarter, requests, cost_micros)
      select ${orgId}::uuid, s.scope_id, s.quarter, count(*), sum(s.cost_micros)
      from (
        select ev.member_id as scope_id, ${quarterOf}, ev.cost_micros from ev
        union all select ev.key_id, ${quarterOf}, ev.cost_micros from ev
        union all select a.group_id, ${quarterOf}, ev.cost_micros
          from attributed a join ev on ev.event_id = a.event_id
      ) s
      group by s.scope_id, s.quarter
      order by s.scope_id, s.quarter
      on conflict (org_id, scope_id, quarter) do update set
        requests = r.requests + excluded.requests, cost_micros = r.cost_micros + excluded.cost_micros
      returning 1
    ),
    feature_rollup as (
      insert into usage_daily_feature as r (org_id, day, group_id, feature, requests, cost_micros)
      select ${orgId}::uuid, ev.day, a.group_id, f.feature, count(*), sum(ev.cost_micros)
      from attributed a join ev on ev.event_id = a.event_id cross join unnest(ev.features) as f(feature)
      group by ev.day, a.group_id, f.feature
      order by ev.day, a.group_id, f.feature
      on conflict (org_id, day, group_id, feature) do update set
        requests = r.requests + excluded.requests, cost_micros = r.cost_micros + excluded.cost_micros
      returning 1
    )
    select
      coalesce((select array_agg(event_id) from fresh), '{}') as fresh,
      -- The groups and months the new events added spend to: where budget alerts may be due.
      coalesce((select json_agg(t) from (
          select a.group_id as "groupId", to_char(ev.day, 'YYYY-MM-01') as month,
            max(ev.occurred_at) as "lastAt"
          from attributed a join ev on ev.event_id = a.event_id group by 1, 2) t), '[]') as touched`,
  );
  return { fresh: result?.fresh ?? [], touched: result?.touched ?? [] };
}

import { ZodError } from "zod";
import { loggableError } from "@/app/_server/loggable-error";
import { readBody } from "@/app/_server/read-body";
import { getDb } from "@/db/client";
import { authorize } from "@/lib/access/authorize";
import { gatewayActorForToken } from "@/lib/gateway/tokens";
import { snapshotsOf } from "@/lib/gateway/snapshots";
import { checkSpendSoon } from "@/lib/spend/anomaly-schedule";
import { ingestUsageInTurn } from "@/lib/spend/ingest-queue";
import { type UsageEventInput, usageBatchInput } from "@/lib/spend/usage-event";
import { UNSTORABLE_TEXT_MESSAGE, unstorableTextPath } from "@/lib/text";

// The gateway API's two calls, once, for both ways they are served: the lean path of the
// production server (server.ts, straight from node:http) and Next.js' route handlers
// (app/api/v1/*/route.ts: `next dev`, and the tests that call them). Each transport reads the body
// (no further than the limit: null when larger) and the Authorization header, and sends back the
// status and JSON body answered here, with Cache-Control: no-store.

export interface ApiAnswer {
  status: number;
  body: unknown;
}

export const AUTHORIZE_MAX_BODY_BYTES = 16 * 1024;
// 1,000 events of a few hundred bytes each, with room to spare.
export const USAGE_MAX_BODY_BYTES = 2 * 1024 * 1024;

const NO_TOKEN = "A valid gateway token is required: Authorization: Bearer ghg_…";

/** The database, this instance's snapshots of it, and the gateway the bearer token names. */
async function caller(authorization: string | null | undefined) {
  const db = await getDb();
  const snapshots = snapshotsOf(db);
  const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  const actor = bearer ? await gatewayActorForToken(db, bearer, snapshots) : null;
  return { db, snapshots, actor };
}

const NOT_JSON = Symbol("not JSON");

// A body declared as something else (text/plain, a form) is refused, not guessed at; a client
// that declares nothing is read as JSON.
const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;
const UNSUPPORTED_TYPE = "Send the body as JSON: Content-Type: application/json.";
const declaresOtherThanJson = (contentType: string | null | undefined) =>
  Boolean(contentType) && !JSON_TYPE.test(contentType!);

// Not the parser's message: it quotes the body, API key included.
function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return NOT_JSON;
  }
}

// POST /api/v1/authorize: the gateway asks whether a request may pass. Authenticated by a
// gateway token; fails closed: when the database cannot answer, the answer is 503, never allow.
export async function answerAuthorize(
  authorization: string | null | undefined,
  body: string | null,
  contentType?: string | null,
): Promise<ApiAnswer> {
  const problem = (status: number, error: string, details?: string[]) => ({
    status,
    body: { allow: false, error, ...(details ? { details } : {}) },
  });
  if (declaresOtherThanJson(contentType)) return problem(415, UNSUPPORTED_TYPE);
  if (body === null)
    return problem(413, `The body is larger than ${AUTHORIZE_MAX_BODY_BYTES} bytes.`);
  try {
    const { db, snapshots, actor } = await caller(authorization);
    if (!actor) return problem(401, NO_TOKEN);
    const json = parseJson(body);
    if (json === NOT_JSON)
      return problem(400, "The body is not valid JSON.", ["body: not valid JSON"]);
    const unstorable = unstorableTextPath(json);
    if (unstorable)
      return problem(400, "The body is not a valid authorize request.", [
        `${unstorable}: ${UNSTORABLE_TEXT_MESSAGE}`,
      ]);
    return { status: 200, body: await authorize(db, actor, json as never, { snapshots }) };
  } catch (error) {
    if (error instanceof ZodError) {
      return problem(
        400,
        "The body is not a valid authorize request.",
        error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`),
      );
    }
    console.error("[authorize] failing closed:", loggableError(error));
    return problem(503, "Gatehouse cannot decide right now; deny the request and retry.");
  }
}

// POST /api/v1/usage: the gateway reports a batch of usage events. Authenticated by a gateway
// token. A 200 means every accepted event is committed, with its rollups; rejected events are
// final (the same event would be rejected again). Anything else means nothing was stored and the
// gateway retries the whole batch: event ids make the retry count each event once.
export async function answerUsage(
  authorization: string | null | undefined,
  body: string | null,
  contentType?: string | null,
): Promise<ApiAnswer> {
  const problem = (status: number, error: string, details?: string[]) => ({
    status,
    body: { error, ...(details ? { details } : {}) },
  });
  if (declaresOtherThanJson(contentType)) return problem(415, UNSUPPORTED_TYPE);
  if (body === null) return problem(413, `The body is larger than ${USAGE_MAX_BODY_BYTES} bytes.`);
  try {
    const { db, actor } = await caller(authorization);
    if (!actor) return problem(401, NO_TOKEN);
    const json = parseJson(body);
    if (json === NOT_JSON)
      return problem(400, "The body is not valid JSON.", ["body: not valid JSON"]);
    const envelope = usageBatchInput.safeParse(json);
    if (!envelope.success) {
      return problem(
        400,
        "The body is not a valid usage batch: send { events: [...] } with 1 to 1,000 events.",
        envelope.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`),
      );
    }
    const result = await ingestUsageInTurn(db, actor, envelope.data.events as UsageEventInput[]);
    if (result.accepted.length) checkSpendSoon(db, actor.orgId);
    return {
      status: 200,
      body: {
        accepted: result.accepted.length,
        duplicates: result.duplicates.length,
        rejected: result.rejected.length,
        results: {
          accepted: result.accepted,
          duplicates: result.duplicates,
          rejected: result.rejected,
        },
      },
    };
  } catch (error) {
    console.error("[usage] nothing stored, the gateway will retry:", loggableError(error));
    return problem(503, "Gatehouse cannot store usage right now; nothing was stored. Retry.");
  }
}

/** A Next.js route handler for one of the calls (`next dev`, and the tests that call them). */
export function gatewayRoute(
  answer: (
    authorization: string | null,
    body: string | null,
    contentType: string | null,
  ) => Promise<ApiAnswer>,
  maxBodyBytes: number,
) {
  return async (request: Request) => {
    const body = await readBody(request, maxBodyBytes);
    const { status, body: json } = await answer(
      request.headers.get("authorization"),
      body,
      request.headers.get("content-type"),
    );
    return Response.json(json, { status, headers: { "cache-control": "no-store" } });
  };
}

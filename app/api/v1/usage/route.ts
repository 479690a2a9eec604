import { loggableError } from "@/app/_server/loggable-error";
import { readBody } from "@/app/_server/read-body";
import { getDb } from "@/db/client";
import { gatewayActorForToken } from "@/lib/gateway/tokens";
import { ingestUsage } from "@/lib/spend/ingest";
import { type UsageEventInput, usageBatchInput } from "@/lib/spend/usage-event";

export const dynamic = "force-dynamic";

// 1,000 events of a few hundred bytes each, with room to spare.
const MAX_BODY_BYTES = 2 * 1024 * 1024;

// POST /api/v1/usage: the gateway reports a batch of usage events. Authenticated by a gateway
// token. A 200 means every accepted event is committed, with its rollups; rejected events are
// final (the same event would be rejected again). Anything else means nothing was stored and the
// gateway retries the whole batch: event ids make the retry count each event once.
export async function POST(request: Request) {
  const bearer = request.headers.get("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
  const body = await readBody(request, MAX_BODY_BYTES);
  if (body === null) return problem(413, `The body is larger than ${MAX_BODY_BYTES} bytes.`);
  try {
    const db = await getDb();
    const actor = bearer ? await gatewayActorForToken(db, bearer) : null;
    if (!actor)
      return problem(401, "A valid gateway token is required: Authorization: Bearer ghg_…");
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return problem(400, "The body is not valid JSON.", ["body: not valid JSON"]);
    }
    const envelope = usageBatchInput.safeParse(json);
    if (!envelope.success) {
      return problem(
        400,
        "The body is not a valid usage batch: send { events: [...] } with 1 to 1,000 events.",
        envelope.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`),
      );
    }
    const result = await ingestUsage(db, actor, envelope.data.events as UsageEventInput[]);
    return Response.json(
      {
        accepted: result.accepted.length,
        duplicates: result.duplicates.length,
        rejected: result.rejected.length,
        results: {
          accepted: result.accepted,
          duplicates: result.duplicates,
          rejected: result.rejected,
        },
      },
      { headers: { "cache-control": "no-store" } },
    );
  } catch (error) {
    console.error("[usage] nothing stored, the gateway will retry:", loggableError(error));
    return problem(503, "Gatehouse cannot store usage right now; nothing was stored. Retry.");
  }
}

function problem(status: number, message: string, details?: string[]) {
  return Response.json(
    { error: message, ...(details ? { details } : {}) },
    { status, headers: { "cache-control": "no-store" } },
  );
}

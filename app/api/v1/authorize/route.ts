import { ZodError } from "zod";
import { loggableError } from "@/app/_server/loggable-error";
import { readBody } from "@/app/_server/read-body";
import { UNSTORABLE_TEXT_MESSAGE, unstorableTextPath } from "@/lib/text";
import { getDb } from "@/db/client";
import { authorize } from "@/lib/access/authorize";
import { gatewayActorForToken } from "@/lib/gateway/tokens";

export const dynamic = "force-dynamic";

const MAX_BODY_BYTES = 16 * 1024;

// POST /api/v1/authorize: the gateway asks whether a request may pass. Authenticated by a
// gateway token; fails closed: when the database cannot answer, the answer is 503, never allow.
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
      // Not the parser's message: it quotes the body, API key included.
      return problem(400, "The body is not valid JSON.", ["body: not valid JSON"]);
    }
    const unstorable = unstorableTextPath(json);
    if (unstorable)
      return problem(400, "The body is not a valid authorize request.", [
        `${unstorable}: ${UNSTORABLE_TEXT_MESSAGE}`,
      ]);
    const decision = await authorize(db, actor, json as never);
    return Response.json(decision, { headers: { "cache-control": "no-store" } });
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

function problem(status: number, message: string, details?: string[]) {
  return Response.json(
    { allow: false, error: message, ...(details ? { details } : {}) },
    { status, headers: { "cache-control": "no-store" } },
  );
}

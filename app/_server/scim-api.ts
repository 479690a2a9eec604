import { ZodError } from "zod";
import { publicOrigin } from "@/app/_server/auth";
import { loggableError } from "@/app/_server/loggable-error";
import { readBody } from "@/app/_server/read-body";
import { getDb } from "@/db/client";
import { snapshotsOf } from "@/lib/gateway/snapshots";
import type { Db } from "@/db/connect";
import { PublicError } from "@/lib/errors";
import { nestingDepth } from "@/lib/nesting";
import { groupSchema, userSchema } from "@/lib/scim/attributes";
import { listResourceTypes, listSchemas, serviceProviderConfig } from "@/lib/scim/discovery";
import { ScimError, invalid, notFound } from "@/lib/scim/errors";
import { recordScimError } from "@/lib/scim/error-log";
import {
  createScimGroup,
  deleteScimGroup,
  getScimGroup,
  listScimGroups,
  patchScimGroup,
  replaceScimGroup,
} from "@/lib/scim/groups";
import { patchOpInput } from "@/lib/scim/patch";
import { parseListQuery, project } from "@/lib/scim/query";
import type { ScimRequest } from "@/lib/scim/request";
import { ERROR_SCHEMA } from "@/lib/scim/schema-ids";
import { directoryActorForToken } from "@/lib/scim/tokens";
import {
  createScimUser,
  deleteScimUser,
  getScimUser,
  listScimUsers,
  patchScimUser,
  replaceScimUser,
} from "@/lib/scim/users";
import { UNSTORABLE_TEXT_MESSAGE, unstorableTextPath } from "@/lib/text";

// /scim/v2 (RFC 7644): identity providers (Okta, Microsoft Entra ID, …) provision the
// organisation of their SCIM token. This module reads the HTTP request (token, body, query
// string), calls lib/scim, and answers application/scim+json; every refusal is a SCIM Error, and
// is kept for Settings → Directory sync. Only a SCIM token gets in: no session, no gateway token.

const SCIM_TYPE = "application/scim+json";
// Okta and Entra send memberships in batches; 20,000 members fit with room to spare.
export const SCIM_MAX_BODY_BYTES = 2 * 1024 * 1024;
const MAX_JSON_DEPTH = 32;
const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

// RFC 7644 §3.12 makes `status` a string ("409"), and so does Gatehouse: Okta and Entra accept it,
// and strict SCIM validators refuse a number.
const errorAnswer = (error: ScimError): Answer => ({
  status: error.status,
  body: {
    schemas: [ERROR_SCHEMA],
    status: String(error.status),
    ...(error.scimType ? { scimType: error.scimType } : {}),
    detail: error.message,
  },
});

function resourceAnswer(resource: Record<string, unknown>, status = 200): Answer {
  const meta = resource.meta as { version?: string; location?: string } | undefined;
  return {
    status,
    body: resource,
    headers: {
      ...(meta?.version ? { etag: meta.version } : {}),
      ...(status === 201 && meta?.location ? { location: meta.location } : {}),
    },
  };
}

function parseBody(text: string | null, contentType: string | null): unknown {
  if (text === null)
    throw new ScimError(
      413,
      null,
      `The body is larger than ${SCIM_MAX_BODY_BYTES / 1024 / 1024} MB.`,
    );
  if (contentType && !JSON_TYPE.test(contentType))
    throw invalid("invalidSyntax", `Send the body as ${SCIM_TYPE}.`);
  if (nestingDepth(text) > MAX_JSON_DEPTH)
    throw invalid("invalidSyntax", `The body is nested deeper than ${MAX_JSON_DEPTH} levels.`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid("invalidSyntax", "The body is not valid JSON.");
  }
  const unstorable = unstorableTextPath(json);
  if (unstorable) throw invalid("invalidValue", `${unstorable} ${UNSTORABLE_TEXT_MESSAGE}`);
  return json;
}

function patchOf(body: unknown) {
  const parsed = patchOpInput.safeParse(body);
  if (!parsed.success)
    throw invalid(
      "invalidSyntax",
      `The body is not a PatchOp: ${parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")}.`,
    );
  return parsed.data;
}

async function route(
  db: Db,
  scim: ScimRequest,
  method: string,
  segments: string[],
  url: URL,
  body: () => unknown,
): Promise<Answer> {
  const [collection, id, ...rest] = segments;
  if (rest.length) throw notFound(`/${segments.join("/")}`);
  const readOnly = (answer: () => unknown): Answer => {
    if (method !== "GET") throw new ScimError(405, null, `${method} is not supported here.`);
    return { status: 200, body: answer() };
  };
  switch (collection) {
    case "ServiceProviderConfig":
      if (id !== undefined) throw notFound(`/${segments.join("/")}`);
      return readOnly(() => serviceProviderConfig(scim.baseUrl));
    case "ResourceTypes":
      return readOnly(() => listResourceTypes(scim.baseUrl, id));
    case "Schemas":
      return readOnly(() => listSchemas(scim.baseUrl, id));
    case "Users":
      if (id === undefined) {
        if (method === "GET")
          return {
            status: 200,
            body: await listScimUsers(db, scim, parseListQuery(url.searchParams, userSchema)),
          };
        if (method === "POST") return resourceAnswer(await createScimUser(db, scim, body()), 201);
      } else {
        if (method === "GET") {
          const query = parseListQuery(url.searchParams, userSchema);
          return resourceAnswer(project(await getScimUser(db, scim, id), query, userSchema));
        }
        if (method === "PUT") return resourceAnswer(await replaceScimUser(db, scim, id, body()));
        if (method === "PATCH")
          return resourceAnswer(await patchScimUser(db, scim, id, patchOf(body())));
        if (method === "DELETE") return (await deleteScimUser(db, scim, id), { status: 204 });
      }
      throw new ScimError(405, null, `${method} is not supported here.`);
    case "Groups":
      if (id === undefined) {
        if (method === "GET")
          return {
            status: 200,
            body: await listScimGroups(db, scim, parseListQuery(url.searchParams, groupSchema)),
          };
        if (method === "POST") return resourceAnswer(await createScimGroup(db, scim, body()), 201);
      } else {
        if (method === "GET") {
          const query = parseListQuery(url.searchParams, groupSchema);
          return resourceAnswer(
            project(await getScimGroup(db, scim, id, query), query, groupSchema),
          );
        }
        if (method === "PUT")
          return resourceAnswer((await replaceScimGroup(db, scim, id, body()))!);
        if (method === "PATCH")
          return (await patchScimGroup(db, scim, id, patchOf(body())), { status: 204 });
        if (method === "DELETE") return (await deleteScimGroup(db, scim, id), { status: 204 });
      }
      throw new ScimError(405, null, `${method} is not supported here.`);
    default:
      throw notFound(`/${segments.join("/")}`);
  }
}

function toResponse({ status, body, headers }: Answer): Response {
  const all = {
    "cache-control": "no-store",
    ...(body === undefined ? {} : { "content-type": SCIM_TYPE }),
    ...headers,
  };
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: all });
}

/** Answers one request to /scim/v2/<segments>. */
export async function answerScim(request: Request, segments: string[]): Promise<Response> {
  const db = await getDb();
  const bearer = request.headers.get("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
  const actor = bearer ? await directoryActorForToken(db, bearer) : null;
  if (!actor) {
    const answer = errorAnswer(
      new ScimError(
        401,
        null,
        "A SCIM token is required: Authorization: Bearer ghs_… (Settings → Directory sync).",
      ),
    );
    return toResponse({ ...answer, headers: { "www-authenticate": 'Bearer realm="scim"' } });
  }
  const url = new URL(request.url);
  const scim: ScimRequest = {
    actor,
    baseUrl: `${publicOrigin(request.headers)}/scim/v2`,
    ifMatch: request.headers.get("if-match"),
  };
  const method = request.method.toUpperCase();
  let text: string | null = "";
  let answer: Answer;
  try {
    if (method === "POST" || method === "PUT" || method === "PATCH")
      text = await readBody(request, SCIM_MAX_BODY_BYTES);
    const contentType = request.headers.get("content-type");
    answer = await route(db, scim, method, segments, url, () => parseBody(text, contentType));
    // Read your writes: once the provider hears back (a deactivation, say), this instance's
    // gateway decisions already see the change.
    if (method !== "GET") await snapshotsOf(db)?.caughtUp();
  } catch (error) {
    if (error instanceof ScimError) answer = errorAnswer(error);
    else if (error instanceof ZodError)
      answer = errorAnswer(invalid("invalidValue", error.issues.map((i) => i.message).join("; ")));
    else if (error instanceof PublicError)
      answer = errorAnswer(
        new ScimError(
          error.status === 409 ? 409 : 400,
          error.status === 409 ? "uniqueness" : "invalidValue",
          error.message,
        ),
      );
    else {
      console.error("[scim] request failed:", loggableError(error));
      answer = errorAnswer(
        new ScimError(
          500,
          null,
          "Gatehouse could not complete the request; nothing was changed. Retry.",
        ),
      );
    }
    const body = answer.body as { scimType?: string; detail: string };
    await recordScimError(db, actor, {
      method,
      path: `${url.pathname}${url.search}`,
      status: answer.status,
      scimType: body.scimType ?? null,
      detail: body.detail,
      body: text ?? "",
    }).catch((e) => console.error("[scim] could not record the error:", loggableError(e)));
  }
  return toResponse(answer);
}

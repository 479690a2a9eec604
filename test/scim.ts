import type { Db } from "@/db/connect";
import * as route from "@/app/scim/v2/[[...path]]/route";
import { createScimToken } from "@/lib/scim/tokens";
import { orgFixture } from "./fixtures";

// A SCIM client for the conformance tests: requests go through the route handler the server
// serves /scim/v2 with, as an identity provider sends them.

export interface ScimAnswer {
  status: number;
  // The tests read SCIM's JSON freely.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Headers;
}

export const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
export const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
export const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
export const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";

export function scimClient(authorization: string | null) {
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ScimAnswer> => {
    const url = new URL(`http://gatehouse.test/scim/v2${path}`);
    const segments = url.pathname
      .replace(/^\/scim\/v2\/?/, "")
      .split("/")
      .filter(Boolean)
      .map(decodeURIComponent);
    const handler = route[method as "GET"];
    const response = await handler(
      new Request(url, {
        method,
        headers: {
          ...(body === undefined ? {} : { "content-type": "application/scim+json" }),
          ...(authorization ? { authorization } : {}),
          ...headers,
        },
        body:
          body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      }),
      { params: Promise.resolve({ path: segments.length ? segments : undefined }) },
    );
    const text = await response.text();
    return {
      status: response.status,
      body: text ? JSON.parse(text) : null,
      headers: response.headers,
    };
  };
  return {
    get: (path: string, headers?: Record<string, string>) => call("GET", path, undefined, headers),
    post: (path: string, body: unknown, headers?: Record<string, string>) =>
      call("POST", path, body, headers),
    put: (path: string, body: unknown, headers?: Record<string, string>) =>
      call("PUT", path, body, headers),
    patch: (path: string, body: unknown, headers?: Record<string, string>) =>
      call("PATCH", path, body, headers),
    delete: (path: string, headers?: Record<string, string>) =>
      call("DELETE", path, undefined, headers),
  };
}

/** An organisation with a SCIM token, and a client that presents it. */
export async function scimOrg(db: Db, tokenName = "okta") {
  const f = await orgFixture(db);
  const token = await createScimToken(db, f.actor, { name: tokenName });
  return { ...f, token, scim: scimClient(`Bearer ${token.secret}`) };
}

export const patchOp = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

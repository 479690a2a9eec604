import type { Db } from "@/db/connect";
import { newSecret } from "@/lib/keys/secret";
import type { Role } from "@/security/authorization-matrix";
import { resetRequest, state } from "./fakes";
import { type OrgWorld, type Person, signIn } from "./world";

/** A well-formed SCIM token that no organisation issued. */
export const scimToken = () => newSecret("ghs_").secret;

/**
 * Makes the next request come from `role` of organisation A: a fresh session for the three
 * console roles, none for the others; gateway and SCIM callers present their bearer token.
 * Returns the caller as a person of A (null when there is none).
 */
export async function callAs(db: Db, a: OrgWorld, role: Role): Promise<Person | null> {
  resetRequest();
  switch (role) {
    case "member":
    case "admin":
    case "owner":
      await signIn(db, a[role]);
      return a[role];
    case "gateway":
      state.headers.set("authorization", `Bearer ${a.liveToken.secret}`);
      return null;
    case "scim":
      state.headers.set("authorization", `Bearer ${a.liveScimToken.secret}`);
      return null;
    case "anonymous":
      return null;
  }
}

/** The headers a request of the current caller carries (cookies aside). */
export function requestHeaders(extra: Record<string, string> = {}): Headers {
  const headers = new Headers(state.headers);
  for (const [k, v] of Object.entries(extra)) headers.set(k, v);
  return headers;
}

// What a refusal by authorisation says, as opposed to a refusal of the input.
export const AUTHORISATION_REFUSAL =
  /^(Your session has ended: sign in again\.|You do not have permission to do that\.|Only owners can .+|redirect:\/login)$/;

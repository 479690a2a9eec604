import { cookies } from "next/headers";
import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import {
  type PendingSsoTest,
  type SsoTestResult,
  finishSsoTest,
  pendingSsoTest,
} from "@/lib/auth/sso-test";
import { PublicError } from "@/lib/errors";
import { UnreadableSecret, openSecret, sealSecret } from "@/lib/webhooks/secret-box";
import { getConsoleContext } from "./session";

// Test sign-in's state between the owner's click and the provider's answer, and its result until
// the settings page shows it: httpOnly cookies, encrypted (the secret box) and bound to the
// owner's user id, so that neither can be read, forged or used by another account. The provider
// returns to the redirect URI registered for sign-in; the Auth.js route hands the answer here
// when its `state` is this test's (and Auth.js gets every other answer).

const PENDING = "gatehouse-sso-test";
const RESULT = "gatehouse-sso-test-result";
const PENDING_MAX_AGE = 10 * 60;
const RESULT_MAX_AGE = 5 * 60;

const secure = () =>
  process.env.NODE_ENV === "production" && Boolean(process.env.AUTH_URL?.startsWith("https:"));

const seal = (kind: string, userId: string, value: unknown) =>
  sealSecret(JSON.stringify(value), "sso_test", `${kind}/${userId}`);

function open(kind: string, userId: string, sealed: string | undefined): unknown {
  if (!sealed) return null;
  try {
    return JSON.parse(openSecret(sealed, "sso_test", `${kind}/${userId}`));
  } catch (error) {
    if (error instanceof UnreadableSecret || error instanceof SyntaxError) return null;
    throw error;
  }
}

/** Keeps the pending test in the owner's browser (a server action calls this). */
export async function keepPendingSsoTest(pending: PendingSsoTest) {
  (await cookies()).set(PENDING, seal("pending", pending.userId, pending), {
    httpOnly: true,
    sameSite: "lax",
    secure: secure(),
    path: "/api/auth",
    maxAge: PENDING_MAX_AGE,
  });
}

/**
 * The provider's answer to a pending test, when `request` is one (its state is the test's):
 * finishes it and sends the owner to the result. Null for any other request (Auth.js's).
 */
export async function handleSsoTestCallback(request: Request): Promise<Response | null> {
  const jar = await cookies();
  const sealed = jar.get(PENDING)?.value;
  if (!sealed) return null;
  const url = new URL(request.url);
  const context = await getConsoleContext();
  if (!context?.actor) return null;
  const pending = pendingSsoTest.safeParse(open("pending", context.user.id, sealed));
  if (!pending.success || url.searchParams.get("state") !== pending.data.state) return null;
  let result: SsoTestResult;
  try {
    result = await finishSsoTest(await getDb(), context.actor, pending.data, url);
  } catch (error) {
    if (!(error instanceof PublicError)) console.error(error);
    result = {
      providerId: pending.data.providerId,
      providerName: "",
      error:
        error instanceof PublicError
          ? error.message
          : "The test failed because of a problem on our side.",
    };
  }
  const response = NextResponse.redirect(
    new URL(`/settings?ssoTest=${pending.data.providerId}#single-sign-on`, url),
    303,
  );
  response.cookies.delete({ name: PENDING, path: "/api/auth" });
  response.cookies.set(RESULT, seal("result", context.user.id, result), {
    httpOnly: true,
    sameSite: "lax",
    secure: secure(),
    path: "/settings",
    maxAge: RESULT_MAX_AGE,
  });
  return response;
}

/** The latest test's result for this owner, while it is fresh; null otherwise. */
export async function ssoTestResult(userId: string): Promise<SsoTestResult | null> {
  const value = open("result", userId, (await cookies()).get(RESULT)?.value);
  return value && typeof value === "object" ? (value as SsoTestResult) : null;
}

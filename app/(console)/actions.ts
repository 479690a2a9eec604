"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { auth, oidcClient, publicOrigin, signOut } from "@/app/_server/auth";
import { ORG_COOKIE, getConsoleContext } from "@/app/_server/session";
import { getDb } from "@/db/client";
import { endSessionUrl } from "@/lib/auth/oidc";
import { endSession } from "@/lib/auth/sessions";
import { orgProviderClient } from "@/lib/auth/sso-providers";
import { resolveConsoleContext } from "@/lib/orgs/context";

const orgId = z.uuid();

/** Makes another of the user's organisations the active one; ids of others are refused. */
export async function switchOrganisation(
  raw: string,
): Promise<{ ok: false; error: string } | undefined> {
  const context = await getConsoleContext();
  if (!context) redirect("/login");
  const parsed = orgId.safeParse(raw);
  const target = parsed.success
    ? await resolveConsoleContext(await getDb(), context.user.id, parsed.data, context)
    : null;
  if (!parsed.success || target?.actor?.orgId !== parsed.data) {
    return { ok: false, error: "You are not a member of that organisation." };
  }
  (await cookies()).set(ORG_COOKIE, parsed.data, {
    httpOnly: true,
    sameSite: "lax",
    secure: process.env.NODE_ENV === "production" && process.env.AUTH_URL?.startsWith("https:"),
    path: "/",
    maxAge: 60 * 60 * 24 * 365,
  });
  // Pages hold ids of the previous organisation: start again from its groups.
  redirect("/groups");
}

// A session that came through single sign-on also ends at the provider (RP-initiated logout),
// where it offers that; otherwise the sign-in page says that the provider's session remains, or
// "Continue with …" would sign straight back in.
export async function signOutAction(): Promise<void> {
  const sessionId = (await auth())?.sessionId;
  const db = await getDb();
  const sso = sessionId ? await endSession(db, sessionId, "signed_out") : null;
  // The organisation's own provider (while it is enabled), else the environment's.
  const client = sso?.org ? await orgProviderClient(db, sso.org.providerId) : oidcClient();
  if (!sso) {
    await signOut({ redirectTo: "/login" });
    return;
  }
  const login = new URL("/login", publicOrigin(await headers()));
  await signOut({ redirect: false });
  // The ID token goes only to the provider that issued it.
  const providerLogout =
    client && sameIssuer(sso.issuer, client.issuer)
      ? await endSessionUrl(client, {
          idToken: sso.idToken,
          postLogoutRedirectUri: login.toString(),
        })
      : null;
  login.searchParams.set("signedOut", "provider");
  redirect(providerLogout ?? `${login.pathname}${login.search}`);
}

const sameIssuer = (a: string, b: string) => a.replace(/\/+$/, "") === b.replace(/\/+$/, "");

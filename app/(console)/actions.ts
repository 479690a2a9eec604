"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { auth, signOut } from "@/app/_server/auth";
import { ORG_COOKIE, getConsoleContext } from "@/app/_server/session";
import { getDb } from "@/db/client";
import { endSession } from "@/lib/auth/sessions";
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
    ? await resolveConsoleContext(await getDb(), context.user.id, parsed.data)
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

export async function signOutAction(): Promise<void> {
  const sessionId = (await auth())?.sessionId;
  if (sessionId) await endSession(await getDb(), sessionId, "signed_out");
  await signOut({ redirectTo: "/login" });
}

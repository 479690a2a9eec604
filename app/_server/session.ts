import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/db/client";
import { checkSession } from "@/lib/auth/sessions";
import { sessionPolicy } from "@/lib/env";
import { type ConsoleContext, resolveConsoleContext } from "@/lib/orgs/context";
import { auth } from "./auth";

export const ORG_COOKIE = "gatehouse-org";

/** The signed-in user and the organisation they act in, once per request; null when signed out. */
export const getConsoleContext = cache(async (): Promise<ConsoleContext | null> => {
  const session = await auth();
  const db = await getDb();
  // The cookie alone is not enough: its session must still be live (not idle, expired, signed
  // out, or ended by a suspension or "sign out everywhere").
  const live = await checkSession(db, session?.sessionId, sessionPolicy());
  if (!live || live.userId !== session?.user?.id) return null;
  const preferredOrgId = (await cookies()).get(ORG_COOKIE)?.value;
  return resolveConsoleContext(db, live.userId, preferredOrgId, live);
});

export type ActiveContext = ConsoleContext & { actor: NonNullable<ConsoleContext["actor"]> };

/** For console pages: sends signed-out visitors to /login and users without an org to /no-access. */
export async function requireConsole(): Promise<ActiveContext> {
  const context = await getConsoleContext();
  if (!context) redirect("/login");
  if (!context.actor) redirect("/no-access");
  return context as ActiveContext;
}

import { getConsoleContext } from "@/app/_server/session";
import { getDb } from "@/db/client";
import { boardData } from "@/lib/groups/board";

export const dynamic = "force-dynamic";

// The board's data for the signed-in user's organisation; refetched by the board on focus and
// after each change so that it catches up with other admins.
export async function GET() {
  const context = await getConsoleContext();
  if (!context?.actor) return Response.json({ error: "Sign in first." }, { status: 401 });
  const data = await boardData(await getDb(), context.actor);
  return Response.json(data, { headers: { "cache-control": "no-store" } });
}

import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";

export const dynamic = "force-dynamic";

// For load balancers: 200 when the database answers within two seconds, 503 otherwise.
// Public on purpose; it says nothing but up or down.
export async function GET() {
  try {
    const db = await withTimeout(getDb(), 2_000);
    await withTimeout(db.execute(sql`select 1`), 2_000);
    return Response.json(
      { status: "ok", database: "up" },
      { headers: { "cache-control": "no-store" } },
    );
  } catch {
    return Response.json(
      { status: "unavailable", database: "down" },
      { status: 503, headers: { "cache-control": "no-store" } },
    );
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), ms)),
  ]);
}

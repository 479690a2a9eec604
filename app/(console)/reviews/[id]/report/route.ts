import { getConsoleContext } from "@/app/_server/session";
import { getDb } from "@/db/client";
import { recordRefusal } from "@/lib/audit/refusals";
import { Forbidden, PublicError } from "@/lib/errors";
import { accessReviewReport } from "@/lib/reviews/report";

export const dynamic = "force-dynamic";

// A review as CSV, for auditors: a public endpoint like any route handler, it finds the caller
// from the session itself, and lib refuses non-admins and other organisations' reviews.
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const context = await getConsoleContext();
  if (!context?.actor) return Response.json({ error: "Sign in first." }, { status: 401 });
  const { id } = await params;
  try {
    const { review, csv } = await accessReviewReport(await getDb(), context.actor, id);
    const slug =
      review.name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-|-$/g, "") || "access-review";
    return new Response(csv, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${slug}.csv"`,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      },
    });
  } catch (error) {
    if (error instanceof Forbidden)
      await recordRefusal(await getDb(), context.actor, {
        target: { type: "action", id: "exportAccessReview" },
        reason: error.message,
      });
    if (error instanceof PublicError)
      return Response.json({ error: error.message }, { status: error.status });
    throw error;
  }
}

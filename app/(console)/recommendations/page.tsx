import type { Metadata } from "next";
import { requireConsole } from "@/app/_server/session";
import { AdminOnly } from "@/components/layout/admin-only";
import { PageHeader } from "@/components/layout/page-header";
import { RecommendationList } from "@/components/recommendations/recommendation-list";
import { getDb } from "@/db/client";
import { IDLE_DAYS, recommendations } from "@/lib/recommendations/recommendations";
import { removeMembersAction } from "../groups/membership-actions";
import { unassignKeyAction } from "../keys/actions";
import { dismissRecommendationAction } from "./actions";

export const metadata: Metadata = { title: "Recommendations · Gatehouse" };

export default async function RecommendationsPage() {
  const { actor } = await requireConsole();
  if (actor.role === "member") return <AdminOnly what="Recommendations" />;
  const advice = await recommendations(await getDb(), actor);
  return (
    <>
      <PageHeader
        title="Recommendations"
        description={`Least privilege, from the last ${IDLE_DAYS} days of requests: people in groups for keys they do not use, and keys given to groups that do not use them. Each acts through the usual command (audited); Dismiss remembers that you disagree.`}
      />
      <RecommendationList
        advice={advice}
        removeMembers={removeMembersAction}
        unassignKey={unassignKeyAction}
        dismiss={dismissRecommendationAction}
      />
    </>
  );
}

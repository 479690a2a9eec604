import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { requireConsole } from "@/app/_server/session";
import { AdminOnly } from "@/components/layout/admin-only";
import { IgnoredParams } from "@/components/layout/ignored-params";
import { PageHeader } from "@/components/layout/page-header";
import { RecommendationList } from "@/components/recommendations/recommendation-list";
import { getDb } from "@/db/client";
import { IDLE_DAYS } from "@/lib/recommendations/usage-window";
import {
  type Recommendation,
  concerning,
  recommendations,
} from "@/lib/recommendations/recommendations";
import { parseSearchParams } from "@/lib/search-params";
import { addMembersAction, removeMembersAction } from "../groups/membership-actions";
import { restrictKeyAction, unassignKeyAction } from "../keys/actions";
import { dismissRecommendationAction } from "./actions";

export const metadata: Metadata = { title: "Recommendations · Gatehouse" };

const recommendationsQuery = z.object({
  group: z.uuid().optional(),
  member: z.uuid().optional(),
});

/** The group's or member's name, as the advice about them gives it. */
function subjectName(advice: Recommendation[], query: { group?: string; member?: string }) {
  for (const r of advice) {
    if (query.member && "member" in r && r.member.id === query.member) return r.member.name;
    if (query.group && "group" in r && r.group.id === query.group) return r.group.name;
    if (query.group && "groups" in r) {
      const group = r.groups.find((g) => g.id === query.group);
      if (group) return group.name;
    }
  }
}

interface RecommendationsPageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export default async function RecommendationsPage({ searchParams }: RecommendationsPageProps) {
  const { actor } = await requireConsole();
  if (actor.role === "member") return <AdminOnly what="Recommendations" />;
  const { query, ignored } = parseSearchParams(recommendationsQuery, await searchParams);
  const all = await recommendations(await getDb(), actor);
  const about = query.group ?? query.member;
  const advice = about ? concerning(all, { groupId: query.group, memberId: query.member }) : all;
  return (
    <>
      <PageHeader
        title="Recommendations"
        description={`From the last ${IDLE_DAYS} days of requests: who belongs in a group, access nobody uses (people, keys, features, models), and cheaper models that would serve the same requests. Each acts through the usual command (audited); Dismiss remembers that you disagree.`}
      />
      <IgnoredParams names={ignored} />
      {about && (
        <p className="mb-3 text-sm text-muted-foreground">
          {advice.length} of {all.length} {all.length === 1 ? "recommendation" : "recommendations"}:
          those about {subjectName(advice, query) ?? `this ${query.group ? "group" : "member"}`}.{" "}
          <Link href="/recommendations" className="text-primary hover:underline">
            Show all
          </Link>
        </p>
      )}
      <RecommendationList
        advice={advice}
        addMembers={addMembersAction}
        removeMembers={removeMembersAction}
        unassignKey={unassignKeyAction}
        restrictKey={restrictKeyAction}
        dismiss={dismissRecommendationAction}
        empty={
          about
            ? `Nothing to recommend about this ${query.group ? "group" : "member"}.`
            : "Nothing to recommend: everyone uses the access their groups give them, and no group's spend is mostly a model a cheaper one would serve."
        }
      />
    </>
  );
}

"use client";

import { KeyRound, UserMinus } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import type { ActionResult } from "@/lib/action-result";
import type { Recommendation } from "@/lib/recommendations/recommendations";

interface RecommendationListProps {
  advice: Recommendation[];
  removeMembers: (input: {
    memberIds: string[];
    groupIds: string[];
  }) => Promise<ActionResult<unknown>>;
  unassignKey: (input: { keyId: string; groupIds: string[] }) => Promise<ActionResult<unknown>>;
  dismiss: (input: { kind: string; subject: string }) => Promise<ActionResult<unknown>>;
}

const dayMonth = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  timeZone: "UTC",
});
const on = (day: string) => dayMonth.format(new Date(`${day}T00:00:00Z`));

function headline(r: Recommendation) {
  return r.kind === "remove_idle_member"
    ? `Remove ${r.member.name} from ${r.group.name}`
    : `Take ${r.key.name} away from ${r.group.name}`;
}

function evidence(r: Recommendation) {
  if (r.kind === "remove_idle_member") {
    const keys = r.keys.map((k) => k.name).join(", ");
    return `${r.group.name} grants ${keys}, which others in it use. ${r.member.name} (${r.member.email}) has been a member since ${on(r.memberSince)} and has not used ${r.keys.length > 1 ? "any of them" : "it"} in the last 30 days.`;
  }
  const people = r.people === 1 ? "1 person" : `${r.people} people`;
  return `No one in ${r.group.name} (${people}) has used it in 30 days; the group has had it since ${on(r.assignedSince)}.`;
}

/** The advice, each with its evidence, the action that follows it, and Dismiss. */
export function RecommendationList({
  advice,
  removeMembers,
  unassignKey,
  dismiss,
}: RecommendationListProps) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const run = (done: string, call: () => Promise<ActionResult<unknown>>) =>
    startTransition(async () => {
      const answer = await call();
      if (!answer.ok) return void toast.error(answer.error);
      toast.success(done);
      router.refresh();
    });

  if (!advice.length)
    return (
      <Card className="p-10 text-center text-sm text-muted-foreground">
        Nothing to recommend: everyone uses the keys their groups grant, and every key given to a
        group is in use.
      </Card>
    );
  return (
    <ul className="flex flex-col gap-3" aria-label="Recommendations">
      {advice.map((r) => (
        <li key={`${r.kind}/${r.subject}`}>
          <Card className="flex flex-wrap items-start gap-4 p-4">
            <span className="mt-0.5 rounded-md bg-muted p-2 text-muted-foreground" aria-hidden>
              {r.kind === "remove_idle_member" ? (
                <UserMinus className="size-4" />
              ) : (
                <KeyRound className="size-4" />
              )}
            </span>
            <div className="min-w-0 flex-1">
              <h2 className="text-sm font-semibold">{headline(r)}</h2>
              <p className="mt-1 text-sm text-muted-foreground">{evidence(r)}</p>
              <p className="mt-1 text-xs">
                <Link href={`/groups/${r.group.id}`} className="text-primary hover:underline">
                  {r.group.name}
                </Link>
                {r.kind === "unassign_idle_key" && (
                  <>
                    {" · "}
                    <Link href={`/keys/${r.key.id}`} className="text-primary hover:underline">
                      {r.key.name}
                    </Link>
                  </>
                )}
              </p>
            </div>
            <div className="flex gap-2">
              <Button
                size="sm"
                disabled={pending}
                onClick={() =>
                  r.kind === "remove_idle_member"
                    ? run(`Removed ${r.member.name} from ${r.group.name}.`, () =>
                        removeMembers({ memberIds: [r.member.id], groupIds: [r.group.id] }),
                      )
                    : run(`${r.key.name} is no longer given to ${r.group.name}.`, () =>
                        unassignKey({ keyId: r.key.id, groupIds: [r.group.id] }),
                      )
                }
              >
                {r.kind === "remove_idle_member" ? "Remove from group" : "Unassign key"}
              </Button>
              <Button
                size="sm"
                variant="outline"
                disabled={pending}
                aria-label={`Dismiss: ${headline(r)}`}
                onClick={() =>
                  run("Dismissed: it will not be recommended again.", () =>
                    dismiss({ kind: r.kind, subject: r.subject }),
                  )
                }
              >
                Dismiss
              </Button>
            </div>
          </Card>
        </li>
      ))}
    </ul>
  );
}

"use client";

import { KeyRound, PiggyBank, ShieldMinus, UserMinus, UserPlus } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import type { ActionResult } from "@/lib/action-result";
import type { Recommendation } from "@/lib/recommendations/recommendations";
import { type Act, type Described, describe } from "./describe";

type Command<I> = (input: I) => Promise<ActionResult<unknown>>;
type Commands = {
  [C in Act["command"]]: Command<Extract<Act, { command: C }>["input"]>;
};

interface RecommendationListProps extends Commands {
  advice: Recommendation[];
  dismiss: Command<{ kind: string; subject: string }>;
  /** Said when there is nothing to recommend. */
  empty: string;
}

const icons: Record<Described["icon"], typeof UserPlus> = {
  add: UserPlus,
  remove: UserMinus,
  key: KeyRound,
  scope: ShieldMinus,
  cost: PiggyBank,
};

/** The advice, each with its evidence, the action that follows it, and Dismiss. */
export function RecommendationList({
  advice,
  dismiss,
  empty,
  ...commands
}: RecommendationListProps) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  // The card whose action waits for a second click (see Described.action.confirm).
  const [confirming, setConfirming] = useState<string | null>(null);
  const run = (done: string, call: () => Promise<ActionResult<unknown>>) =>
    startTransition(async () => {
      const answer = await call();
      if (!answer.ok) return void toast.error(answer.error);
      toast.success(done);
      router.refresh();
    });
  const perform = (act: Act) => (commands[act.command] as Command<Act["input"]>)(act.input);

  if (!advice.length)
    return <Card className="p-10 text-center text-sm text-muted-foreground">{empty}</Card>;
  return (
    <ul className="flex flex-col gap-3" aria-label="Recommendations">
      {advice.map((r) => {
        const d = describe(r);
        const Icon = icons[d.icon];
        const id = `${r.kind}/${r.subject}`;
        return (
          <li key={id}>
            <Card className="flex flex-wrap items-start gap-4 p-4">
              <span className="mt-0.5 rounded-md bg-muted p-2 text-muted-foreground" aria-hidden>
                <Icon className="size-4" />
              </span>
              <div className="min-w-0 flex-1 basis-80">
                <h2 className="text-sm font-semibold">{d.headline}</h2>
                <p className="mt-1 text-sm text-muted-foreground">{d.evidence}</p>
                {confirming === id && (
                  <p className="mt-2 text-sm font-medium text-destructive" role="alert">
                    {d.action?.confirm}
                  </p>
                )}
                <p className="mt-1 flex flex-wrap gap-x-1 text-xs">
                  {d.links.map((l, i) => (
                    <span key={l.href}>
                      {i > 0 && "· "}
                      <Link href={l.href} className="text-primary hover:underline">
                        {l.label}
                      </Link>
                    </span>
                  ))}
                </p>
              </div>
              <div className="flex flex-wrap gap-2">
                {d.action && (
                  <Button
                    size="sm"
                    variant={confirming === id ? "destructive" : "default"}
                    disabled={pending}
                    aria-label={confirming === id ? `Confirm: ${d.action.label}` : undefined}
                    onClick={() => {
                      if (d.action!.confirm && confirming !== id) return setConfirming(id);
                      setConfirming(null);
                      run(d.action!.done, () => perform(d.action!.act));
                    }}
                  >
                    {confirming === id ? "Confirm" : d.action.label}
                  </Button>
                )}
                {confirming === id ? (
                  <Button size="sm" variant="outline" onClick={() => setConfirming(null)}>
                    Cancel
                  </Button>
                ) : (
                  <Button
                    size="sm"
                    variant="outline"
                    disabled={pending}
                    aria-label={`Dismiss: ${d.headline}`}
                    onClick={() =>
                      run("Dismissed: it will not be recommended again.", () =>
                        dismiss({ kind: r.kind, subject: r.subject }),
                      )
                    }
                  >
                    Dismiss
                  </Button>
                )}
              </div>
            </Card>
          </li>
        );
      })}
    </ul>
  );
}

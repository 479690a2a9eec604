"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { dayIn } from "@/components/reviews/review-format";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogTitle,
} from "@/components/ui/dialog";
import { Table, THead, Td, Th, Tr } from "@/components/ui/table";
import type { ActionResult } from "@/lib/action-result";
import type { MembershipPair } from "@/lib/memberships/schemas";
import type { RuleException } from "@/lib/rules/queries";

interface RuleExceptionListProps {
  exceptions: RuleException[];
  timeZone: string;
  lift: (input: MembershipPair) => Promise<ActionResult<{ added: MembershipPair[] }>>;
}

/** The people kept out of a group's rules, each with who did it and a way to let the rules decide. */
export function RuleExceptionList({ exceptions, timeZone, lift }: RuleExceptionListProps) {
  const router = useRouter();
  const [lifting, setLifting] = useState<RuleException | null>(null);
  const [pending, startTransition] = useTransition();
  const confirm = () =>
    startTransition(async () => {
      const e = lifting!;
      const result = await lift({ groupId: e.groupId, memberId: e.memberId });
      if (!result.ok) {
        // Most likely someone lifted it meanwhile: show the list as it is now.
        toast.error(result.error);
        setLifting(null);
        return router.refresh();
      }
      toast.success(
        result.data.added.length
          ? `${e.memberName} matches a rule: added to ${e.groupName} again.`
          : `The rules may add ${e.memberName} to ${e.groupName} again; none matches them now.`,
      );
      setLifting(null);
      router.refresh();
    });
  return (
    <section aria-labelledby="kept-out" className="mt-8">
      <h2 id="kept-out" className="text-base font-semibold">
        Kept out of the rules
      </h2>
      <p className="mt-1 mb-3 text-sm text-muted-foreground">
        People an admin removed from a rule&apos;s group and asked the rules not to add back. Adding
        someone to the group by hand also ends their exception.
      </p>
      {exceptions.length === 0 ? (
        <Card className="p-6 text-center text-sm text-muted-foreground">
          No one. Removing a member a rule added asks whether to keep them out.
        </Card>
      ) : (
        <Card className="overflow-x-auto">
          <Table aria-label="Kept out of the rules">
            <THead>
              <Tr className="border-t-0">
                <Th>Person</Th>
                <Th>Group</Th>
                <Th>Kept out</Th>
                <Th>
                  <span className="sr-only">Actions</span>
                </Th>
              </Tr>
            </THead>
            <tbody>
              {exceptions.map((e) => (
                <Tr key={`${e.groupId}/${e.memberId}`}>
                  <Td>
                    <div className="font-medium">{e.memberName}</div>
                    <div className="text-xs text-muted-foreground">{e.memberEmail}</div>
                  </Td>
                  <Td>
                    <Link
                      className="underline-offset-4 hover:underline"
                      href={`/groups/${e.groupId}`}
                    >
                      {e.groupName}
                    </Link>
                  </Td>
                  <Td className="whitespace-nowrap">
                    {dayIn(e.keptOutAt, timeZone)}
                    <div className="text-xs text-muted-foreground">
                      by {e.keptOutBy ?? "a user since removed"}
                    </div>
                  </Td>
                  <Td className="text-right">
                    <Button
                      size="sm"
                      variant="outline"
                      aria-label={`Let the rules decide for ${e.memberName} in ${e.groupName}`}
                      onClick={() => setLifting(e)}
                    >
                      Let the rules decide
                    </Button>
                  </Td>
                </Tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}
      <Dialog open={lifting !== null} onOpenChange={(open) => !open && setLifting(null)}>
        <DialogContent>
          <DialogTitle>
            Let the rules add {lifting?.memberName} to {lifting?.groupName}?
          </DialogTitle>
          <DialogDescription>
            If a rule matches them now, they join {lifting?.groupName} at once; otherwise a rule
            adds them when their attributes come to match it.
          </DialogDescription>
          <DialogFooter>
            <Button variant="outline" onClick={() => setLifting(null)}>
              Keep them out
            </Button>
            <Button disabled={pending} onClick={confirm}>
              Let the rules decide
            </Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </section>
  );
}

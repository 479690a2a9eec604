import { Lock } from "lucide-react";
import { Card } from "@/components/ui/card";

/** What a member (the read-only role) sees in place of a section for owners and admins. */
export function AdminOnly({ what }: { what: string }) {
  return (
    <Card className="flex flex-col items-center gap-3 px-6 py-16 text-center">
      <span className="flex size-12 items-center justify-center rounded-full bg-primary/10 text-primary">
        <Lock className="size-6" aria-hidden />
      </span>
      <h2 className="text-base font-semibold">Only owners and admins can see this</h2>
      <p className="max-w-md text-sm text-muted-foreground">
        {what} is visible to the organisation&apos;s owners and admins. Ask one of them if you need
        something from it.
      </p>
    </Card>
  );
}

import { Lock } from "lucide-react";
import { ComingSoon } from "./coming-soon";

export function AdminOnly({ what }: { what: string }) {
  return (
    <ComingSoon icon={Lock} title="Only owners and admins can see this">
      {what} is visible to the organisation&apos;s owners and admins. Ask one of them if you need
      something from it.
    </ComingSoon>
  );
}

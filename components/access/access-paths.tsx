import Link from "next/link";
import type { Grant } from "@/lib/access/queries";

/** How access arrives: "Engineering" directly, or "Engineering › Backend" through a subgroup. */
export function AccessPaths({ grants }: { grants: Grant[] }) {
  return (
    <ul className="flex flex-col gap-0.5">
      {grants.map((g) => (
        <li key={g.path.join(">")}>
          <Link href={`/groups/${g.groupId}`} className="font-medium hover:underline">
            {g.groupName}
          </Link>
          {g.path.length > 1 && (
            <span className="text-muted-foreground">
              {" "}
              (inherited through {g.path.slice(1).join(" › ")})
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

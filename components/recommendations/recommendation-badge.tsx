import { Lightbulb } from "lucide-react";
import Link from "next/link";
import { badgeVariants } from "@/components/ui/badge";
import { cn } from "@/lib/utils";

/** "2 recommendations" beside a group or member, opening the advice about them. */
export function RecommendationBadge({
  count,
  href,
  className,
}: {
  count: number;
  href: string;
  className?: string;
}) {
  if (!count) return null;
  return (
    <Link
      href={href}
      className={cn(badgeVariants({ variant: "default" }), "hover:bg-primary/20", className)}
    >
      <Lightbulb className="size-3" aria-hidden />
      {count === 1 ? "1 recommendation" : `${count} recommendations`}
    </Link>
  );
}

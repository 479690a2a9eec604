import type { LucideIcon } from "lucide-react";
import { Card } from "@/components/ui/card";

interface ComingSoonProps {
  icon: LucideIcon;
  title: string;
  children: React.ReactNode;
}

/** The empty state of a section whose tools are not built yet. */
export function ComingSoon({ icon: Icon, title, children }: ComingSoonProps) {
  return (
    <Card className="flex flex-col items-center gap-3 px-6 py-16 text-center">
      <span className="flex size-12 items-center justify-center rounded-full bg-primary/10 text-primary">
        <Icon className="size-6" aria-hidden />
      </span>
      <h2 className="text-base font-semibold">{title}</h2>
      <p className="max-w-md text-sm text-muted-foreground">{children}</p>
    </Card>
  );
}

import type { ReactNode } from "react";
import { Card } from "@/components/ui/card";

interface ChartFigureProps {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  empty: boolean;
  emptyText: string;
  // The chart's numbers as a table, for screen readers and for anyone who wants the figures.
  table: ReactNode;
  children: ReactNode;
}

/** A titled chart card with an empty state and its data as a table under "Show figures". */
export function ChartFigure(props: ChartFigureProps) {
  return (
    <Card className="p-5">
      <figure className="flex flex-col gap-3">
        <div className="flex flex-wrap items-start justify-between gap-2">
          <figcaption className="min-w-0 flex-1">
            <h2 className="text-base font-semibold">{props.title}</h2>
            {props.description && (
              <p className="mt-0.5 text-sm text-muted-foreground">{props.description}</p>
            )}
          </figcaption>
          {props.actions}
        </div>
        {props.empty ? (
          <p className="flex h-48 items-center justify-center rounded-md border border-dashed text-sm text-muted-foreground">
            {props.emptyText}
          </p>
        ) : (
          props.children
        )}
        {!props.empty && (
          <details className="text-sm">
            <summary className="cursor-pointer text-muted-foreground hover:text-foreground">
              Show figures
            </summary>
            <div className="mt-2 max-h-80 overflow-auto">{props.table}</div>
          </details>
        )}
      </figure>
    </Card>
  );
}

import { progressLabel } from "./review-format";

/** "12 of 40 decided" with a bar. */
export function ReviewProgress({ items, decided }: { items: number; decided: number }) {
  const percent = items ? Math.round((decided / items) * 100) : 100;
  return (
    <div className="flex flex-col gap-1">
      <span className="text-xs tabular-nums text-muted-foreground">
        {progressLabel({ items, decided })}
      </span>
      <div
        className="h-1.5 w-full overflow-hidden rounded-full bg-muted"
        role="progressbar"
        aria-label={progressLabel({ items, decided })}
        aria-valuenow={percent}
        aria-valuemin={0}
        aria-valuemax={100}
      >
        <div className="h-full rounded-full bg-primary" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}

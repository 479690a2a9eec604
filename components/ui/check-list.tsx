import type { ReactNode } from "react";
import { cn } from "@/lib/utils";

interface CheckListProps<T extends { id: string }> {
  legend: string;
  items: T[];
  chosen: Set<string>;
  onChange: (chosen: Set<string>) => void;
  render: (item: T) => ReactNode;
  empty: ReactNode;
  className?: string;
}

/** A scrollable list of checkboxes for choosing several items (groups, people). */
export function CheckList<T extends { id: string }>({
  legend,
  items,
  chosen,
  onChange,
  render,
  empty,
  className,
}: CheckListProps<T>) {
  return (
    <fieldset className={cn("max-h-64 overflow-y-auto rounded-md border p-1", className)}>
      <legend className="sr-only">{legend}</legend>
      {items.map((item) => (
        <label
          key={item.id}
          className="flex cursor-pointer items-center gap-2 rounded px-2 py-1.5 text-sm hover:bg-accent"
        >
          <input
            type="checkbox"
            checked={chosen.has(item.id)}
            onChange={(e) => {
              const next = new Set(chosen);
              if (e.target.checked) next.add(item.id);
              else next.delete(item.id);
              onChange(next);
            }}
          />
          {render(item)}
        </label>
      ))}
      {!items.length && <p className="px-2 py-3 text-sm text-muted-foreground">{empty}</p>}
    </fieldset>
  );
}

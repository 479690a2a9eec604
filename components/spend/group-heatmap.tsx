import Link from "next/link";
import { Card } from "@/components/ui/card";
import type { GroupMatrix } from "@/lib/spend/group-analytics";
import { CsvButton } from "./csv-button";

interface GroupHeatmapProps {
  title: string;
  description: string;
  matrix: GroupMatrix;
  filename: string;
}

/**
 * Groups side by side: each cell is the share of the group's requests that used the column's
 * feature or model, shaded by that share, so habits stand out across rows.
 */
export function GroupHeatmap({ title, description, matrix, filename }: GroupHeatmapProps) {
  const share = (groupId: string, column: string) => {
    const total = matrix.groups.find((g) => g.id === groupId)?.requests ?? 0;
    return total ? (matrix.cells[groupId]?.[column] ?? 0) / total : 0;
  };
  return (
    <Card className="overflow-x-auto">
      <div className="flex items-start justify-between gap-2 border-b px-4 py-3">
        <div>
          <h2 className="text-base font-semibold">{title}</h2>
          <p className="mt-0.5 text-sm text-muted-foreground">{description}</p>
        </div>
        <CsvButton
          filename={filename}
          header={["Group", "Requests", ...matrix.columns.map((c) => `${c} (% of requests)`)]}
          rows={matrix.groups.map((g) => [
            g.name,
            g.requests,
            ...matrix.columns.map((c) => +(share(g.id, c) * 100).toFixed(2)),
          ])}
        />
      </div>
      {matrix.groups.length ? (
        <table className="w-full text-sm" aria-label={title}>
          <thead>
            <tr className="text-left text-muted-foreground">
              <th className="px-4 py-2 font-medium">Group</th>
              {matrix.columns.map((c) => (
                <th key={c} className="px-2 py-2 text-right font-medium">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {matrix.groups.map((g) => (
              <tr key={g.id} className="border-t">
                <th scope="row" className="px-4 py-1.5 text-left font-medium">
                  <Link href={`/groups/${g.id}?tab=spend`} className="hover:underline">
                    {g.name}
                  </Link>
                </th>
                {matrix.columns.map((c) => {
                  const s = share(g.id, c);
                  return (
                    <td
                      key={c}
                      className="px-2 py-1.5 text-right tabular-nums"
                      style={{
                        backgroundColor: `color-mix(in oklch, var(--chart-1) ${Math.round(s * 45)}%, transparent)`,
                      }}
                    >
                      {s ? `${Math.round(s * 100)} %` : "—"}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="px-4 py-8 text-center text-sm text-muted-foreground">
          No requests in this range.
        </p>
      )}
    </Card>
  );
}

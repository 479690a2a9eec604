import type { TopRow } from "@/lib/spend/analytics";
import { BreakdownTable, costColumn, requestsColumn } from "./breakdown-table";

interface TopTableProps {
  title: string;
  what: string;
  rows: TopRow[];
  filename: string;
  hrefOf?: (row: TopRow) => string;
}

/** The biggest spenders of one kind in the range. */
export function TopTable({ title, what, rows, filename, hrefOf }: TopTableProps) {
  return (
    <BreakdownTable
      title={title}
      rows={rows}
      rowKey={(r) => r.id}
      filename={filename}
      columns={[
        {
          header: what,
          cell: (r) => (
            <>
              {hrefOf ? (
                <a href={hrefOf(r)} className="font-medium hover:underline">
                  {r.name}
                </a>
              ) : (
                <span className="font-medium">{r.name}</span>
              )}
              <span className="block text-xs text-muted-foreground">{r.detail}</span>
            </>
          ),
          csv: (r) => r.name,
        },
        { header: "Detail", cell: () => null, csv: (r) => r.detail, csvOnly: true },
        requestsColumn(),
        { header: "Tokens", cell: () => null, csv: (r) => r.tokens, csvOnly: true },
        costColumn("Cost (USD)"),
      ]}
    />
  );
}

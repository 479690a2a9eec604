import type { ReactNode } from "react";
import { Card } from "@/components/ui/card";
import { Table, THead, Td, Th, Tr } from "@/components/ui/table";
import { formatMicros } from "@/lib/money";
import { cn } from "@/lib/utils";
import { CsvButton } from "./csv-button";

export interface Column<R> {
  header: string;
  cell: (row: R) => ReactNode;
  // The value in the CSV export: raw numbers (dollars, not formatted), text as is.
  csv: (row: R) => string | number | null;
  numeric?: boolean;
  // In the export only (say, an email shown under the name on screen).
  csvOnly?: boolean;
}

const count = new Intl.NumberFormat("en-US");

/** The request count column most breakdowns have. */
export const requestsColumn = <R extends { requests: number }>(): Column<R> => ({
  header: "Requests",
  cell: (r) => count.format(r.requests),
  csv: (r) => r.requests,
  numeric: true,
});

/** The cost column: to the cent on screen, dollars in the export. */
export const costColumn = <R extends { costMicros: number }>(header = "Cost"): Column<R> => ({
  header,
  cell: (r) => formatMicros(r.costMicros, { precise: true }),
  csv: (r) => r.costMicros / 1_000_000,
  numeric: true,
});

interface BreakdownTableProps<R> {
  title: string;
  description?: string;
  columns: Column<R>[];
  rows: R[];
  rowKey: (row: R) => string;
  filename: string;
  empty?: string;
}

/** A titled table of figures with CSV export of exactly the rows shown. */
export function BreakdownTable<R>(props: BreakdownTableProps<R>) {
  const { columns, rows } = props;
  const shown = columns.filter((c) => !c.csvOnly);
  return (
    <Card className="overflow-x-auto">
      <div className="flex items-start justify-between gap-2 border-b px-4 py-3">
        <div>
          <h2 className="text-base font-semibold">{props.title}</h2>
          {props.description && (
            <p className="mt-0.5 text-sm text-muted-foreground">{props.description}</p>
          )}
        </div>
        <CsvButton
          filename={props.filename}
          header={columns.map((c) => c.header)}
          rows={rows.map((r) => columns.map((c) => c.csv(r)))}
        />
      </div>
      <Table aria-label={props.title}>
        <THead>
          <tr>
            {shown.map((c) => (
              <Th key={c.header} className={cn(c.numeric && "text-right")}>
                {c.header}
              </Th>
            ))}
          </tr>
        </THead>
        <tbody>
          {rows.map((r) => (
            <Tr key={props.rowKey(r)}>
              {shown.map((c) => (
                <Td key={c.header} className={cn(c.numeric && "text-right tabular-nums")}>
                  {c.cell(r)}
                </Td>
              ))}
            </Tr>
          ))}
          {!rows.length && (
            <tr>
              <Td colSpan={shown.length} className="py-6 text-center text-muted-foreground">
                {props.empty ?? "No spend in this range."}
              </Td>
            </tr>
          )}
        </tbody>
      </Table>
    </Card>
  );
}

"use client";

import { Download } from "lucide-react";
import { Button } from "@/components/ui/button";
import { toCsv } from "@/lib/csv";

interface CsvButtonProps {
  filename: string;
  header: string[];
  rows: (string | number | null)[][];
  label?: string;
}

/** Downloads exactly the rows shown, as CSV. */
export function CsvButton({ filename, header, rows, label = "Export CSV" }: CsvButtonProps) {
  const download = () => {
    const url = URL.createObjectURL(
      new Blob([toCsv(header, rows)], { type: "text/csv;charset=utf-8" }),
    );
    const link = Object.assign(document.createElement("a"), { href: url, download: filename });
    link.click();
    URL.revokeObjectURL(url);
  };
  return (
    <Button variant="outline" size="sm" onClick={download} disabled={!rows.length}>
      <Download aria-hidden />
      {label}
    </Button>
  );
}

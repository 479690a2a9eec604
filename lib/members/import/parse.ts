import Papa from "papaparse";
import { z } from "zod";
import { Invalid } from "@/lib/errors";
import { IMPORT_LIMITS } from "./file";

// The CSV as rows of cells, each with the line of the file it starts on (a quoted cell may span
// lines), and which column holds what. Papa Parse reads it (RFC 4180 quoting); the separator is
// comma, semicolon (Excel in much of Europe) or tab (Excel's "Unicode text"), whichever the
// header line has most of.

export const IMPORT_FIELDS = ["email", "name", "role", "groups", "parent"] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** Which column (0-based) holds each field; null: not in the file. Email is required. */
export type ColumnMapping = Record<ImportField, number | null>;

export interface ParsedCsv {
  headers: string[];
  rows: { line: number; cells: string[] }[];
}

const column = z.number().int().min(0).max(500).nullable();
export const columnMapping = z
  .object({
    email: z
      .number({ error: "Choose the column that holds email addresses." })
      .int()
      .min(0)
      .max(500),
    name: column,
    role: column,
    groups: column,
    parent: column,
  })
  .refine(
    (m) => {
      const used = Object.values(m).filter((v) => v !== null);
      return new Set(used).size === used.length;
    },
    { message: "Each column can be used for one field only.", path: ["email"] },
  );

function separatorOf(text: string): string {
  const header = text.slice(0, text.search(/\r?\n|$/));
  const count = (c: string) => header.split(c).length - 1;
  return [",", ";", "\t"].reduce((best, c) => (count(c) > count(best) ? c : best));
}

export function parseCsv(text: string): ParsedCsv {
  const rows: ParsedCsv["rows"] = [];
  let line = 1;
  let cursor = 0;
  let tooMany = false;
  let broken: string | null = null;
  Papa.parse<string[]>(text, {
    delimiter: separatorOf(text),
    step: (result, parser) => {
      const start = line;
      const end = result.meta.cursor;
      for (let i = cursor; i < end; i++) if (text.charCodeAt(i) === 10) line++;
      cursor = end;
      const quotes = result.errors.find((e) => e.type === "Quotes");
      if (quotes) {
        broken = `Line ${start}: a quoted cell is never closed (a " is missing).`;
        return parser.abort();
      }
      if (result.data.every((c) => c.trim() === "")) return;
      // One row more than allowed (the header), to tell "too many" from "exactly the limit".
      if (rows.length > IMPORT_LIMITS.rows) {
        tooMany = true;
        return parser.abort();
      }
      rows.push({ line: start, cells: result.data });
    },
  });
  if (broken) throw new Invalid(broken);
  if (tooMany)
    throw new Invalid(
      `The file has more than ${IMPORT_LIMITS.rows.toLocaleString("en-US")} rows; import at most that many at a time (split it).`,
    );
  const [header, ...data] = rows;
  if (!header) throw new Invalid("The file has no rows.");
  if (!data.length) throw new Invalid("The file has a header row but no people under it.");
  return { headers: header.cells.map((h) => h.trim()), rows: data };
}

const ALIASES: Record<ImportField, string[]> = {
  email: ["email", "emailaddress", "mail", "workemail", "username", "userprincipalname", "upn"],
  name: ["name", "fullname", "displayname", "person"],
  role: ["role", "gatehouserole", "access"],
  groups: ["groups", "group", "teams", "team", "departments", "department"],
  parent: ["parent", "parentgroup", "under"],
};

/** A first guess from the header's names ("E-mail address" is email), for the admin to check. */
export function guessMapping(headers: readonly string[]): ColumnMapping {
  const keys = headers.map((h) => h.toLowerCase().replace(/[^a-z]/g, ""));
  const guess = Object.fromEntries(
    IMPORT_FIELDS.map((field) => {
      const at = keys.findIndex((k) => ALIASES[field].includes(k));
      return [field, at < 0 ? null : at];
    }),
  ) as ColumnMapping;
  return guess;
}

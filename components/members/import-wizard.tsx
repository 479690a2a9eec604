"use client";

import { FileUp } from "lucide-react";
import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";
import { toast } from "sonner";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, THead, Td, Th } from "@/components/ui/table";
import { toastWithUndo } from "@/components/ui/undo-toast";
import type { ActionResult } from "@/lib/action-result";
import { decodeCsvBytes } from "@/lib/members/import/file";
import type { ImportCounts, ImportInput, ImportPreview } from "@/lib/members/import/import";
import type { ColumnMapping, ImportField } from "@/lib/members/import/parse";

const FIELDS: { field: ImportField; label: string; hint: string }[] = [
  { field: "email", label: "Email", hint: "Required: who the row is." },
  { field: "name", label: "Name", hint: "For people new to Gatehouse." },
  { field: "role", label: "Role", hint: "member or admin; empty keeps it." },
  { field: "groups", label: "Groups", hint: "Separated by ; — new names are created." },
  {
    field: "parent",
    label: "Parent of new groups",
    hint: "An existing group, or one the file creates.",
  },
];

const TEMPLATE = `data:text/csv;charset=utf-8,${encodeURIComponent(
  "email,name,role,groups,parent\nann@example.com,Ann Archer,member,Backend Engineers; Platform,Engineering\nbob@example.com,Bob Brown,admin,Design,\n",
)}`;

const count = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

interface PastImport {
  id: string;
  fileName: string;
  createdAt: string;
  undoneAt: string | null;
  summary: Record<string, number>;
}

interface ImportWizardProps {
  imports: PastImport[];
  preview: (input: ImportInput) => Promise<ActionResult<ImportPreview & { counts: ImportCounts }>>;
  importMembers: (
    input: ImportInput,
  ) => Promise<ActionResult<{ importId: string; counts: ImportCounts }>>;
  undo: (input: { importId: string }) => Promise<ActionResult<unknown>>;
}

const dateTime = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});

/** Choose a file, say which column is what, read the preview, import; Undo after. */
export function ImportWizard({ imports, preview, importMembers, undo }: ImportWizardProps) {
  const router = useRouter();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<{ name: string; csv: string } | null>(null);
  const [result, setResult] = useState<(ImportPreview & { counts: ImportCounts }) | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const runPreview = (next: { name: string; csv: string }, mapping: ColumnMapping | null) =>
    startTransition(async () => {
      const answer = await preview({
        csv: next.csv,
        fileName: next.name,
        mapping: mapping as ImportInput["mapping"],
      });
      if (!answer.ok) {
        setResult(null);
        return setError(answer.error);
      }
      setError(null);
      setResult(answer.data);
    });

  const choose = async (chosen: File | undefined) => {
    if (!chosen) return;
    setResult(null);
    const decoded = decodeCsvBytes(new Uint8Array(await chosen.arrayBuffer()));
    if (!decoded.ok) {
      setFile(null);
      return setError(decoded.error);
    }
    const next = { name: chosen.name, csv: decoded.text };
    setFile(next);
    runPreview(next, null);
  };

  const undoImport = (importId: string) =>
    startTransition(async () => {
      const answer = await undo({ importId });
      if (!answer.ok) return void toast.error(answer.error);
      toast.success("The import is undone.");
      router.refresh();
    });

  const runImport = () =>
    startTransition(async () => {
      if (!file || !result) return;
      const answer = await importMembers({
        csv: file.csv,
        fileName: file.name,
        mapping: result.mapping as ImportInput["mapping"],
      });
      if (!answer.ok) return setError(answer.error);
      const c = answer.data.counts;
      toastWithUndo(
        `Imported ${file.name}: ${count(c.created, "person", "people")} added, ${count(c.memberships, "membership")}.`,
        () => undoImport(answer.data.importId),
      );
      setFile(null);
      setResult(null);
      if (input.current) input.current.value = "";
      router.refresh();
    });

  const counts = result?.counts;
  const plan = result?.plan;
  const doable =
    counts && counts.created + counts.reactivated + counts.roleChanges + counts.memberships > 0;

  return (
    <div className="flex flex-col gap-6">
      <Card>
        <CardHeader>
          <CardTitle>1. Choose a CSV file</CardTitle>
          <CardDescription>
            A header row, then one person a row: email, and as you like name, role, groups
            (separated by semicolons) and a parent for groups the file creates. UTF-8 or UTF-16;
            comma, semicolon or tab; up to 50,000 rows and 8 MB.{" "}
            <a
              href={TEMPLATE}
              download="gatehouse-members.csv"
              className="text-primary underline underline-offset-2"
            >
              Download a template
            </a>
            .
          </CardDescription>
        </CardHeader>
        <CardContent>
          <label className="inline-flex cursor-pointer items-center gap-2 rounded-md border border-dashed border-input px-4 py-3 text-sm hover:bg-accent">
            <FileUp className="size-4" aria-hidden />
            <span>{file ? file.name : "Choose a file…"}</span>
            <input
              ref={input}
              type="file"
              accept=".csv,.tsv,.txt,text/csv,text/plain"
              className="sr-only"
              aria-label="CSV file"
              disabled={pending}
              onChange={(e) => void choose(e.target.files?.[0])}
            />
          </label>
          {error && (
            <p role="alert" className="mt-3 text-sm text-destructive">
              {error}
            </p>
          )}
        </CardContent>
      </Card>

      {result && file && (
        <Card>
          <CardHeader>
            <CardTitle>2. Which column is what</CardTitle>
            <CardDescription>Guessed from the header; change any that are wrong.</CardDescription>
          </CardHeader>
          <CardContent className="grid gap-4 sm:grid-cols-2 lg:grid-cols-5">
            {FIELDS.map(({ field, label, hint }) => (
              <div key={field} className="flex flex-col gap-1.5">
                <label htmlFor={`map-${field}`} className="text-sm font-medium">
                  {label}
                </label>
                <select
                  id={`map-${field}`}
                  value={result.mapping[field] ?? ""}
                  disabled={pending}
                  onChange={(e) =>
                    runPreview(file, {
                      ...result.mapping,
                      [field]: e.target.value === "" ? null : Number(e.target.value),
                    })
                  }
                  className="h-9 rounded-md border border-input bg-card px-2 text-sm"
                >
                  <option value="">
                    {field === "email" ? "Choose a column" : "Not in the file"}
                  </option>
                  {result.headers.map((h, i) => (
                    <option key={i} value={i}>
                      {h || `Column ${i + 1}`}
                    </option>
                  ))}
                </select>
                <span className="text-xs text-muted-foreground">{hint}</span>
              </div>
            ))}
          </CardContent>
        </Card>
      )}

      {result && file && counts && plan && result.mapping.email !== null && (
        <Card role="region" aria-label="Preview">
          <CardHeader>
            <CardTitle>3. What the import will do</CardTitle>
            <CardDescription>
              {count(counts.rows, "row")} in {file.name}. Nothing has changed yet. Names of people
              already in Gatehouse stay as they are.
            </CardDescription>
          </CardHeader>
          <CardContent className="flex flex-col gap-5">
            <ul className="grid gap-3 sm:grid-cols-3 lg:grid-cols-6" aria-label="Summary">
              {[
                ["To add", counts.created],
                ["Coming back", counts.reactivated],
                ["Role changes", counts.roleChanges],
                ["Memberships to add", counts.memberships],
                ["New groups", counts.groups],
                ["Rows with errors", counts.skipped],
              ].map(([label, n]) => (
                <li key={label} className="rounded-md border p-3">
                  <div className="text-xs text-muted-foreground">{label}</div>
                  <div
                    className={`text-xl font-semibold tabular-nums ${label === "Rows with errors" && Number(n) > 0 ? "text-destructive" : ""}`}
                  >
                    {Number(n).toLocaleString("en-US")}
                  </div>
                </li>
              ))}
            </ul>
            {plan.alreadyIn > 0 && (
              <p className="text-sm text-muted-foreground">
                {count(plan.alreadyIn, "membership")} in the file{" "}
                {plan.alreadyIn === 1 ? "is" : "are"} there already.
              </p>
            )}
            {plan.newGroups.length > 0 && (
              <div className="text-sm">
                <span className="font-medium">New groups: </span>
                {plan.newGroups.map((g, i) => (
                  <span key={g.name}>
                    {i > 0 && ", "}
                    {g.name}
                    {g.parent && <span className="text-muted-foreground"> (under {g.parent})</span>}
                  </span>
                ))}
              </div>
            )}
            {plan.errors.length > 0 && (
              <div className="overflow-x-auto rounded-md border">
                <Table aria-label="Rows with errors">
                  <THead>
                    <tr>
                      <Th className="w-20">Line</Th>
                      <Th>Why it is skipped</Th>
                    </tr>
                  </THead>
                  <tbody>
                    {plan.errors.map((e, i) => (
                      <tr key={`${e.line}-${i}`} className="border-t">
                        <Td className="tabular-nums">{e.line}</Td>
                        <Td className="break-words">{e.message}</Td>
                      </tr>
                    ))}
                  </tbody>
                </Table>
              </div>
            )}
            {(plan.create.length > 0 || plan.roleChanges.length > 0) && (
              <div className="overflow-x-auto rounded-md border">
                <Table aria-label="People">
                  <THead>
                    <tr>
                      <Th className="w-20">Line</Th>
                      <Th>Email</Th>
                      <Th>Change</Th>
                    </tr>
                  </THead>
                  <tbody>
                    {[
                      ...plan.create.map((c) => ({
                        line: c.line,
                        email: c.email,
                        change: `Added as ${c.role} (${c.name})`,
                      })),
                      ...plan.reactivate.map((c) => ({
                        line: c.line,
                        email: c.email,
                        change: `Back, as ${c.role}`,
                      })),
                      ...plan.roleChanges.map((c) => ({
                        line: c.line,
                        email: c.email,
                        change: `Role ${c.from} → ${c.to}`,
                      })),
                    ]
                      .sort((a, b) => a.line - b.line)
                      .slice(0, 200)
                      .map((r) => (
                        <tr key={r.line} className="border-t">
                          <Td className="tabular-nums">{r.line}</Td>
                          <Td className="break-all">{r.email}</Td>
                          <Td>{r.change}</Td>
                        </tr>
                      ))}
                  </tbody>
                </Table>
              </div>
            )}
            <div className="flex flex-wrap items-center gap-3">
              <Button onClick={runImport} disabled={pending || !doable}>
                {counts.skipped
                  ? `Import ${count(counts.rows - counts.skipped, "row")}, skip ${counts.skipped}`
                  : `Import ${count(counts.rows, "row")}`}
              </Button>
              {!doable && (
                <span className="text-sm text-muted-foreground">
                  Nothing to import:{" "}
                  {counts.skipped ? "fix the rows above" : "everyone is already in place"}.
                </span>
              )}
            </div>
          </CardContent>
        </Card>
      )}

      <Card>
        <CardHeader>
          <CardTitle>Recent imports</CardTitle>
          <CardDescription>
            Undo ends an import&apos;s memberships, puts roles back, removes the people it added and
            archives its groups.
          </CardDescription>
        </CardHeader>
        <CardContent>
          {imports.length ? (
            <Table aria-label="Recent imports">
              <THead>
                <tr>
                  <Th>When (UTC)</Th>
                  <Th>File</Th>
                  <Th>What it did</Th>
                  <Th className="text-right">
                    <span className="sr-only">Undo</span>
                  </Th>
                </tr>
              </THead>
              <tbody>
                {imports.map((i) => (
                  <tr key={i.id} className="border-t">
                    <Td className="whitespace-nowrap tabular-nums">
                      {dateTime.format(new Date(i.createdAt))}
                    </Td>
                    <Td className="break-all">{i.fileName}</Td>
                    <Td>
                      {count(i.summary.created ?? 0, "person", "people")} added,{" "}
                      {count(i.summary.memberships ?? 0, "membership")},{" "}
                      {count(i.summary.groups ?? 0, "new group")}
                      {i.undoneAt && (
                        <Badge variant="secondary" className="ml-2">
                          Undone
                        </Badge>
                      )}
                    </Td>
                    <Td className="text-right">
                      {!i.undoneAt && (
                        <Button
                          variant="outline"
                          size="sm"
                          disabled={pending}
                          onClick={() => undoImport(i.id)}
                          aria-label={`Undo the import of ${i.fileName}`}
                        >
                          Undo
                        </Button>
                      )}
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          ) : (
            <p className="text-sm text-muted-foreground">No imports yet.</p>
          )}
        </CardContent>
      </Card>
    </div>
  );
}

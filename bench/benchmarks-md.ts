import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

// BENCHMARKS.md is written by the benchmarks themselves, a section each (`npm run bench`: the
// console at scale; `npm run bench:gateway`: the gateway API over HTTP), so that what it shows
// is what the last run measured. A run replaces its own section and leaves the others.

const FILE = path.resolve("BENCHMARKS.md");
const HEADER = `# Benchmarks

Written by the benchmarks: \`npm run bench\` (the console at scale, bench/results/latest.json)
and \`npm run bench:gateway\` (the gateway API over HTTP, bench/results/gateway.json). What the
figures mean past one machine: [docs/SCALING.md](docs/SCALING.md). Every figure stands beside a
baseline measured in the same run on the same machine, which is shared and noisy: compare the
ratios of one run, not absolute figures of two.
`;

const SECTIONS = ["console", "gateway"] as const;
const begin = (name: string) => `<!-- ${name}: written by the benchmark, do not edit -->`;
const end = (name: string) => `<!-- end of ${name} -->`;

/** A section's text as the file holds it, markers included; "" when it has none. */
function sectionIn(text: string, name: string) {
  const from = text.indexOf(begin(name));
  const to = text.indexOf(end(name));
  return from >= 0 && to > from ? text.slice(from, to + end(name).length) : "";
}

/** Replaces this benchmark's section and keeps the other's; the header is always this file's. */
export function writeBenchmarksSection(name: (typeof SECTIONS)[number], markdown: string) {
  const old = existsSync(FILE) ? readFileSync(FILE, "utf8") : "";
  const sections = SECTIONS.map((s) =>
    s === name ? `${begin(s)}\n\n${markdown.trim()}\n\n${end(s)}` : sectionIn(old, s),
  ).filter(Boolean);
  writeFileSync(FILE, `${HEADER}\n${sections.join("\n\n")}\n`);
  execFileSync(process.execPath, [
    path.resolve("node_modules/prettier/bin/prettier.cjs"),
    "--write",
    FILE,
  ]);
}

/** Rows of objects as a Markdown table, a column per key (in the order they first appear). */
export function markdownTable(rows: object[]): string {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) =>
    v === null || v === undefined ? "" : String(v).replaceAll("|", "\\|").replaceAll("\n", " ");
  return [
    `| ${keys.join(" | ")} |`,
    `| ${keys.map(() => "---").join(" | ")} |`,
    ...rows.map(
      (r) => `| ${keys.map((k) => cell((r as Record<string, unknown>)[k])).join(" | ")} |`,
    ),
  ].join("\n");
}

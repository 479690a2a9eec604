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

export function writeBenchmarksSection(name: "console" | "gateway", markdown: string) {
  const begin = `<!-- ${name}: written by the benchmark, do not edit -->`;
  const end = `<!-- end of ${name} -->`;
  const section = `${begin}\n\n${markdown.trim()}\n\n${end}`;
  let text = existsSync(FILE) ? readFileSync(FILE, "utf8") : HEADER;
  if (!text.includes(begin)) text = `${HEADER}\n${sectionsOnly(text)}`;
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  text =
    from >= 0 && to > from
      ? text.slice(0, from) + section + text.slice(to + end.length)
      : `${text.trimEnd()}\n\n${section}\n`;
  // The console's section first, then the gateway's, whichever ran last.
  writeFileSync(FILE, ordered(text));
  execFileSync(process.execPath, [
    path.resolve("node_modules/prettier/bin/prettier.cjs"),
    "--write",
    FILE,
  ]);
}

// The sections of a file written before there were sections: none (it is replaced whole).
function sectionsOnly(text: string) {
  const first = text.indexOf("<!-- ");
  return first >= 0 ? text.slice(first) : "";
}

function ordered(text: string) {
  const grab = (name: string) => {
    const begin = `<!-- ${name}: written by the benchmark, do not edit -->`;
    const end = `<!-- end of ${name} -->`;
    const from = text.indexOf(begin);
    const to = text.indexOf(end);
    return from >= 0 && to > from ? text.slice(from, to + end.length) : "";
  };
  return `${HEADER}\n${[grab("console"), grab("gateway")].filter(Boolean).join("\n\n")}\n`;
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

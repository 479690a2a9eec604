import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { format } from "prettier";
import {
  type Cell,
  type MatrixEntry,
  authorizationMatrix,
  roleDescriptions,
  roleTitles,
  roles,
} from "../security/authorization-matrix";

// npm run docs:matrix: writes docs/authorization-matrix.md from security/authorization-matrix.ts
// (`--check` only compares, for CI). test/security/matrix-doc.test.ts fails when the two differ.

export const MATRIX_DOC = path.join(process.cwd(), "docs/authorization-matrix.md");

const mark = (cell: Cell) =>
  `${cell.own === "allowed" ? "✓" : "✗"} / ${cell.other === "allowed" ? "✓" : "✗"}`;

const escape = (text: string) => text.replaceAll("|", "\\|");

function table(rows: [string, MatrixEntry][], label: (id: string) => string): string[] {
  const head = ["Endpoint", ...roles.map((r) => roleTitles[r]), "Note"];
  return [
    `| ${head.join(" | ")} |`,
    `| ${head.map(() => "---").join(" | ")} |`,
    ...rows.map(([id, entry]) => {
      const cells = [
        `${label(id)}${entry.bug ? " ⚠️" : ""}`,
        ...roles.map((r) => mark(entry.access[r])),
        escape(entry.note),
      ];
      return `| ${cells.join(" | ")} |`;
    }),
  ];
}

/** The Markdown document, formatted as Prettier formats it. */
export async function renderAuthorizationMatrix(): Promise<string> {
  const entries = Object.entries(authorizationMatrix);
  const actions = entries.filter(([, e]) => e.kind === "server action");
  const routes = entries.filter(([, e]) => e.kind === "route handler");
  const files = [...new Set(actions.map(([id]) => id.split("#")[0]!))];
  const bugs = entries.filter(([, e]) => e.bug);

  const lines = [
    "# Authorization matrix",
    "",
    "<!-- Generated from security/authorization-matrix.ts by `npm run docs:matrix`: edit that file, not this one. -->",
    "",
    "Every server action and route handler is a public HTTP endpoint and authorises on its own",
    "(see the design's _Tenancy and roles_). This is who may call each one. In every cell, the first",
    "mark is for ids (and credentials) of the caller's own organisation A, the second for ids of",
    "another organisation B: ✓ allowed, ✗ refused. Refused with B's ids means the answer is the one",
    "an unknown id gets (B's ids are indistinguishable from ids that do not exist) and nothing of B",
    "changes. Fields a caller may not set (organisation, role, ids of other tenants, secrets) are",
    "ignored or refused.",
    "",
    "`test/security/` enforces it: it finds every exported server action and route handler in `app/`,",
    "fails when one is missing here, calls each one as each caller below with ids of both",
    "organisations and checks the outcome, and throws random and hostile input at each of them.",
    "",
    "| Caller | Meaning |",
    "| --- | --- |",
    ...roles.map((r) => `| ${roleTitles[r]} | ${roleDescriptions[r]} |`),
    "",
    `${actions.length} server actions and ${routes.length} route handlers.`,
    "",
    "## Server actions",
    "",
    "Server actions read the session cookie only: a bearer token is not a session.",
    "",
  ];
  for (const file of files) {
    lines.push(
      `### \`${file}\``,
      "",
      ...table(
        actions.filter(([id]) => id.startsWith(`${file}#`)),
        (id) => `\`${id.split("#")[1]}\``,
      ),
      "",
    );
  }
  lines.push("## Route handlers", "", ...table(routes, (id) => `\`${id}\``), "");
  if (bugs.length) {
    lines.push(
      "## Known gaps",
      "",
      "Rows marked ⚠️ show the intended answer; the code does not give it yet, and the test that checks it is skipped until it does:",
      "",
      ...bugs.map(([id, e]) => `- \`${id}\`: ${e.bug}`),
      "",
    );
  }
  return format(lines.join("\n"), { parser: "markdown", printWidth: 100 });
}

async function main() {
  const rendered = await renderAuthorizationMatrix();
  if (process.argv.includes("--check")) {
    const current = await readFile(MATRIX_DOC, "utf8").catch(() => "");
    if (current !== rendered) {
      console.error("docs/authorization-matrix.md is out of date: run npm run docs:matrix");
      process.exit(1);
    }
    return;
  }
  await writeFile(MATRIX_DOC, rendered);
  console.log(`wrote ${path.relative(process.cwd(), MATRIX_DOC)}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href)
  await main();

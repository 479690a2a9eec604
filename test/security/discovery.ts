import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";

// Finds every endpoint the app exposes, from the source: each export of a "use server" module
// (a server action) and each HTTP method a route.ts exports (a route handler). Ids are those of
// security/authorization-matrix.ts: `app/<file>#<export>` and `<METHOD> <url path>`.

const ROOT = process.cwd();
const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

function filesUnder(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : filesUnder(rel);
    return /\.(ts|tsx|js|jsx|mjs)$/.test(entry.name) ? [rel] : [];
  });
}

/** The source without comments, so that a commented-out export is not an endpoint. */
function code(file: string): string {
  return readFileSync(path.join(ROOT, file), "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
}

/** The names a module exports (`export const|function|async function X`, `export const { A, B }`, `export { A, B }`). */
export function exportedNames(source: string): string[] {
  const names = new Set<string>();
  for (const m of source.matchAll(
    /^export\s+(?:async\s+)?(?:function\*?|const|let|var|class)\s+([A-Za-z_$][\w$]*)/gm,
  ))
    names.add(m[1]!);
  for (const m of source.matchAll(/^export\s+(?:const|let|var)\s*\{([^}]*)\}/gm))
    for (const part of m[1]!.split(",")) {
      const name = part.split(":").at(-1)!.trim();
      if (name) names.add(name);
    }
  for (const m of source.matchAll(/^export\s*\{([^}]*)\}/gm))
    for (const part of m[1]!.split(",")) {
      const name = part
        .split(/\s+as\s+/)
        .at(-1)!
        .trim();
      if (name && !name.startsWith("type ")) names.add(name);
    }
  if (/^export\s+default\b/m.test(source)) names.add("default");
  return [...names];
}

const isServerModule = (source: string) => /^\s*(["'])use server\1;?/.test(source);

/** The URL path of an App Router route file: route groups dropped, dynamic segments kept. */
export function urlPathOf(routeFile: string): string {
  const segments = path
    .dirname(routeFile)
    .split("/")
    .slice(1)
    .filter((s) => !/^\(.*\)$/.test(s));
  return `/${segments.join("/")}`;
}

export interface DiscoveredEndpoint {
  id: string;
  kind: "server action" | "route handler";
  file: string;
  exportName: string;
}

export function discoverEndpoints(): DiscoveredEndpoint[] {
  const found: DiscoveredEndpoint[] = [];
  for (const file of filesUnder("app")) {
    const source = code(file);
    if (isServerModule(source)) {
      for (const name of exportedNames(source))
        found.push({ id: `${file}#${name}`, kind: "server action", file, exportName: name });
    }
    if (/\/route\.(ts|js)$/.test(file)) {
      for (const name of exportedNames(source).filter((n) => HTTP_METHODS.includes(n)))
        found.push({
          id: `${name} ${urlPathOf(file)}`,
          kind: "route handler",
          file,
          exportName: name,
        });
    }
  }
  return found.sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * Server actions declared inside a function body ("use server" not at the top of the module),
 * in app/ or components/: the harness cannot find or call them by module, so they must not exist.
 */
export function inlineServerActions(): string[] {
  return [...filesUnder("app"), ...filesUnder("components")].filter((file) => {
    const source = code(file);
    const directives = source.match(/(["'])use server\1/g) ?? [];
    return directives.length > (isServerModule(source) ? 1 : 0);
  });
}

import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { gzipSync } from "node:zlib";

// First Load JS of every page route, from the build's own output (`next build`, .next): the
// scripts the browser loads before the route is interactive, that is the root files of the build
// manifest and every chunk the client reference manifest lists for the route's segments (its
// layouts, error and not-found boundaries, and the page), each counted once, gzipped. The build
// of Next.js 16 no longer prints this table. What a route over the budget is made of:
// bundle-modules.ts.

export const FIRST_LOAD_BUDGET_BYTES = 170 * 1024;

export interface RouteBundle {
  route: string;
  firstLoadKb: number;
  /** Over the budget of 170 kB (above 1: over). */
  ratioToBudget: number;
  overBudget: boolean;
}

const dir = path.resolve(".next");

function manifests(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(folder, entry.name);
    if (entry.isDirectory()) return manifests(file);
    return entry.name === "page_client-reference-manifest.js" ? [file] : [];
  });
}

function entryFiles(manifestFile: string): { route: string; files: string[] } {
  const context = { globalThis: {} as Record<string, unknown> };
  vm.runInNewContext(readFileSync(manifestFile, "utf8"), context);
  const all = (context.globalThis.__RSC_MANIFEST ?? {}) as Record<
    string,
    { entryJSFiles?: Record<string, string[]> }
  >;
  const [key, manifest] = Object.entries(all)[0]!;
  return {
    route: key.replace(/\/page$/, "").replace(/\/\([^)]+\)/g, "") || "/",
    files: Object.values(manifest.entryJSFiles ?? {}).flat(),
  };
}

const gzipped = new Map<string, number>();
function gzippedBytes(file: string): number {
  let bytes = gzipped.get(file);
  if (bytes === undefined)
    gzipped.set(file, (bytes = gzipSync(readFileSync(path.join(dir, file))).byteLength));
  return bytes;
}

export function routeBundles(): RouteBundle[] {
  if (!existsSync(path.join(dir, "build-manifest.json")))
    throw new Error("no build in .next: run `npm run build` first");
  const build = JSON.parse(readFileSync(path.join(dir, "build-manifest.json"), "utf8")) as {
    rootMainFiles: string[];
  };
  return manifests(path.join(dir, "server/app"))
    .map(entryFiles)
    .map(({ route, files }) => {
      const loaded = [...new Set([...build.rootMainFiles, ...files])];
      const bytes = loaded.reduce((sum, f) => sum + gzippedBytes(f), 0);
      return {
        route,
        firstLoadKb: +(bytes / 1024).toFixed(1),
        ratioToBudget: +(bytes / FIRST_LOAD_BUDGET_BYTES).toFixed(2),
        overBudget: bytes > FIRST_LOAD_BUDGET_BYTES,
      };
    })
    .sort((a, b) => b.firstLoadKb - a.firstLoadKb);
}

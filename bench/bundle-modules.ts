import { execFileSync } from "node:child_process";
import path from "node:path";

// What a route's First Load JS is made of, module by module: Next's bundle analyzer
// (`next analyze --output`, Turbopack's own module graph, written to .next/diagnostics/analyze
// without touching the build) exported per route as JSON Lines. Counted: the scripts the route
// loads up front (not its dynamic imports), by package for node_modules and by file for the
// app's own code, gzipped size of each part as the analyzer reports it. Next.js and React (the
// framework every route shares, the same for all) are left out, so that what a route adds stands out.

interface Record {
  type: string;
  kind?: string;
  outputs?: string[];
  filename?: string;
  source_path?: string;
  compressed_size?: number;
}

const next = path.resolve("node_modules/next/dist/bin/next");
const FRAMEWORK = /^node_modules\/(next|react|react-dom|scheduler|@swc\/helpers)\/|^\[turbopack\]/;

function owner(source: string): string {
  const file = source.replace(/^\[project\]\//, "");
  const pkg = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  return pkg ? pkg[1]! : file;
}

/** Runs the analyzer once (about a minute here); then the heaviest modules of each route. */
export function heaviestModules(routes: string[], top = 8): Map<string, string[]> {
  execFileSync(process.execPath, [next, "analyze", "--output"], { stdio: "ignore" });
  const result = new Map<string, string[]>();
  for (const route of routes) {
    const lines = execFileSync(process.execPath, [next, "analyze", "export", "--route", route], {
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
      stdio: ["ignore", "pipe", "ignore"],
    }).split("\n");
    const records = lines.filter(Boolean).map((line) => JSON.parse(line) as Record);
    const later = new Set(
      records.filter((r) => r.type === "group" && r.kind === "async").flatMap((r) => r.outputs!),
    );
    const bytes = new Map<string, number>();
    for (const r of records) {
      if (r.type !== "part" || !r.filename!.startsWith("[client-fs]")) continue;
      if (!r.filename!.endsWith(".js") || later.has(r.filename!)) continue;
      const source = r.source_path!.replace(/^\[project\]\//, "");
      if (FRAMEWORK.test(source) || source.includes("polyfill")) continue;
      bytes.set(owner(source), (bytes.get(owner(source)) ?? 0) + r.compressed_size!);
    }
    result.set(
      route,
      [...bytes]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([name, size]) => `${name} ${(size / 1024).toFixed(1)} kB`),
    );
  }
  return result;
}

import { existsSync } from "node:fs";
import path from "node:path";
import { chromium } from "@playwright/test";

// The Chromium the journeys, the screenshots and the browser benchmarks drive, found the way
// people expect: the one named by PLAYWRIGHT_CHROMIUM_EXECUTABLE or CHROME_PATH; else a Chromium
// or Chrome installed on the system (Debian's /usr/bin/chromium, Ubuntu's chromium-browser or
// snap, Google Chrome on Linux or macOS); else the one `npx playwright install chromium`
// downloaded. CI installs Debian's (.ci/run).

const onPath = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];
const installed = [
  "/snap/bin/chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
];

export type ChromiumSearch = { path: string } | { missing: string };

export function findChromium(
  environment: Record<string, string | undefined> = process.env,
): ChromiumSearch {
  const named = environment.PLAYWRIGHT_CHROMIUM_EXECUTABLE || environment.CHROME_PATH;
  if (named)
    return existsSync(named)
      ? { path: named }
      : {
          missing: `The browser named by PLAYWRIGHT_CHROMIUM_EXECUTABLE or CHROME_PATH (${named}) does not exist.`,
        };
  const dirs = (environment.PATH ?? "").split(path.delimiter).filter(Boolean);
  for (const name of onPath)
    for (const dir of dirs)
      if (existsSync(path.join(dir, name))) return { path: path.join(dir, name) };
  for (const candidate of installed) if (existsSync(candidate)) return { path: candidate };
  const own = chromium.executablePath();
  if (own && existsSync(own)) return { path: own };
  return {
    missing:
      "No Chromium found for the browser tests: run `npx playwright install chromium` (or install your distribution's chromium package), or set PLAYWRIGHT_CHROMIUM_EXECUTABLE to a Chromium or Chrome.",
  };
}

/** The browser to launch; throws the one line that says what to install when there is none. */
export function chromiumExecutable(): string {
  const found = findChromium();
  if ("missing" in found) throw new Error(found.missing);
  return found.path;
}

// Flags for a browser run as root in a container without a GPU or outside network (this
// project's CI), harmless elsewhere.
export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findChromium } from "@/e2e/chromium";

// How `npm test` finds the browser for its journeys on a machine that is not this project's CI.

function fakeBrowser(dir: string, name: string) {
  const file = path.join(dir, name);
  writeFileSync(file, "#!/bin/sh\n");
  chmodSync(file, 0o755);
  return file;
}

describe("findChromium", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "browsers-"));

  it("takes the browser an environment variable names, and says so when it is missing", () => {
    const chrome = fakeBrowser(dir, "my-chrome");
    expect(findChromium({ CHROME_PATH: chrome, PATH: "" })).toEqual({ path: chrome });
    expect(findChromium({ PLAYWRIGHT_CHROMIUM_EXECUTABLE: chrome, PATH: "" })).toEqual({
      path: chrome,
    });
    expect(findChromium({ CHROME_PATH: path.join(dir, "nope"), PATH: "" })).toEqual({
      missing: expect.stringContaining("does not exist"),
    });
  });

  it("finds a Chromium or Chrome on the PATH, in that order", () => {
    const bin = mkdtempSync(path.join(os.tmpdir(), "bin-"));
    const chrome = fakeBrowser(bin, "google-chrome");
    expect(findChromium({ PATH: bin })).toEqual({ path: chrome });
    const chromiumBrowser = fakeBrowser(bin, "chromium-browser");
    expect(findChromium({ PATH: bin })).toEqual({ path: chromiumBrowser });
  });
});

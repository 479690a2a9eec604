import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import fc from "fast-check";
import { LoginPage } from "./pages/login-page";

// Every page of the console opened with hostile query strings, as someone editing the URL (or a
// crawler, or an attacker) would: NUL bytes, broken Unicode, 10,000 characters, wrong types,
// repeated keys, on each page's own parameters and on unknown ones. A page may ignore what it
// cannot use or say what is wrong; it never answers 5xx. The same seed every run (SECURITY_RUNS
// for more cases).

const RUNS = Number(process.env.SECURITY_RUNS || 6);

// Each page with the parameters it reads (and ids found in the demo at run time).
const PAGES: { path: string; params: string[] }[] = [
  { path: "/groups", params: [] },
  { path: "/groups/board", params: [] },
  { path: "/groups/rules", params: [] },
  { path: "/groups/{group}", params: ["tab", "from", "to", "granularity", "groups"] },
  {
    path: "/members",
    params: ["q", "groupId", "notInGroupId", "role", "status", "sort", "dir", "page", "pageSize"],
  },
  { path: "/members/import", params: [] },
  { path: "/keys", params: [] },
  { path: "/keys/new", params: [] },
  { path: "/keys/{key}", params: ["tab", "member", "model", "features", "estimate"] },
  { path: "/access", params: ["member", "key", "model", "features", "estimate"] },
  { path: "/spend", params: ["from", "to", "granularity", "groups"] },
  { path: "/audit", params: ["actor", "action", "targetType", "targetId", "from", "to", "page"] },
  { path: "/audit/export", params: ["actor", "action", "targetType", "targetId", "from", "to"] },
  { path: "/alerts", params: ["page"] },
  { path: "/recommendations", params: ["group", "member"] },
  { path: "/reviews", params: [] },
  { path: "/reviews/new", params: [] },
  { path: "/reviews/{review}", params: ["group"] },
  { path: "/reviews/{review}/report", params: [] },
  { path: "/settings", params: [] },
  { path: "/login", params: ["callbackUrl", "error", "invited", "signedOut"] },
];

// Raw (already percent-encoded) values: what a URL can carry that a form never sends. The worst
// are tried on every parameter of every page; the rest in random combinations.
const WORST = [
  "a%00b",
  "%ED%A0%80", // a lone surrogate, as UTF-8
  "x".repeat(10_000),
  "1e309",
];
const hostileValue = fc.oneof(
  fc.constantFrom(
    ...WORST,
    "%00",
    "%C3%28", // not UTF-8 at all
    "%FF%FE",
    "-1",
    "0",
    "1e309",
    "NaN",
    "99999999999999999999",
    "2026-13-45",
    "0000-01-01",
    "%5Bobject%20Object%5D",
    "00000000-0000-4000-8000-000000000000",
    "%27%3B--",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "",
  ),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
);

function hostileQuery(params: string[]) {
  const key = fc.oneof(
    ...(params.length ? [fc.constantFrom(...params)] : []),
    fc.constantFrom("__proto__", "constructor", "%00", "a".repeat(300)),
  );
  return fc
    .array(fc.tuple(key, hostileValue), { minLength: 1, maxLength: 4 })
    .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join("&"));
}

test("every page answers hostile query strings without a server error", async ({ page }) => {
  test.setTimeout(180_000);
  await new LoginPage(page).signIn();
  // Ids of the demo organisation, for the pages of one group and one key.
  await page.goto("/groups");
  const group = (await page
    .locator('a[href^="/groups/"]')
    .evaluateAll((links) =>
      links.map((a) => a.getAttribute("href")!).find((h) => /^\/groups\/[0-9a-f-]{36}$/.test(h)),
    ))!;
  await page.goto("/keys");
  const key = (await page
    .locator('a[href^="/keys/"]')
    .evaluateAll((links) =>
      links.map((a) => a.getAttribute("href")!).find((h) => /^\/keys\/[0-9a-f-]{36}$/.test(h)),
    ))!;
  await page.goto("/reviews");
  const review = (await page
    .locator('a[href^="/reviews/"]')
    .evaluateAll((links) =>
      links.map((a) => a.getAttribute("href")!).find((h) => /^\/reviews\/[0-9a-f-]{36}$/.test(h)),
    ))!;
  expect(group && key && review).toBeTruthy();

  const failures: string[] = [];
  for (const { path, params } of PAGES) {
    const url = path
      .replace("{group}", group.split("/")[2]!)
      .replace("{key}", key.split("/")[2]!)
      .replace("{review}", review.split("/")[2]!);
    const queries = [
      ...params.flatMap((p) => WORST.map((v) => `${p}=${v}`)),
      ...params.map((p) => `${p}=a&${p}=b`),
      ...fc.sample(hostileQuery(params), { numRuns: RUNS, seed: 20261201 }),
    ];
    // Four at a time: the server has two cores, and this is about answers, not speed.
    for (let i = 0; i < queries.length; i += 4)
      await Promise.all(
        queries.slice(i, i + 4).map(async (query) => {
          const response = await page.request.get(`${url}?${query}`, { maxRedirects: 0 });
          // A page that fails while streaming may have sent its 200 already: its error page
          // shows. A redirect to sign-in would mean the test lost its session: nothing tested.
          const failed =
            response.status() >= 500 ||
            (response.headers().location ?? "").includes("/login") ||
            (await response.text()).includes("This page could not be loaded");
          if (failed) failures.push(`${response.status()} ${url}?${query.slice(0, 120)}`);
        }),
      );
  }
  expect(failures).toEqual([]);
});

test("a server action whose body is not JSON, nested too deeply or over 1 MB is refused plainly", async ({
  request,
}) => {
  // An action of the login page, as the build names it: the body is refused before any action.
  const manifest = JSON.parse(
    readFileSync(".next/server/server-reference-manifest.json", "utf8"),
  ) as { node: Record<string, unknown> };
  const actionId = Object.keys(manifest.node)[0]!;
  const post = (body: string) =>
    request.post("/login", {
      headers: { "next-action": actionId, "content-type": "text/plain;charset=UTF-8" },
      data: body,
      maxRedirects: 0,
    });
  const notJson = await post("{not json");
  expect(notJson.status()).toBe(400);
  expect(await notJson.text()).toContain("not JSON");
  const deep = await post(`${"[".repeat(20_000)}${"]".repeat(20_000)}`);
  expect(deep.status()).toBe(400);
  expect(await deep.text()).toContain("nested too deeply");
  const large = await post(`"${"a".repeat(1_100_000)}"`);
  expect(large.status()).toBe(413);
});

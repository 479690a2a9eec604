import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discover } from "./oidc";
import { ProviderUnreachable, providerFetch, providerUrlProblem } from "./provider-fetch";

// The SSRF checks of requests to an organisation's identity provider, with the operator's flag
// off (vitest.config.ts turns it on for the other tests) and a fake resolver: no real DNS here.

const fakeDns = (table: Record<string, string>) => async (host: string) => {
  const address = table[host];
  if (!address) throw Object.assign(new Error("not found"), { code: "ENOTFOUND" });
  return [{ address, family: address.includes(":") ? 6 : 4 }];
};

let server: http.Server;
let base: string;
let hits = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits++;
    if (req.url === "/slow") return; // never answers
    if (req.url === "/redirect") {
      res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data" }).end();
      return;
    }
    if (req.url === "/big") {
      res.writeHead(200, { "content-type": "application/json" }).end("x".repeat(600 * 1024));
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(`{"issuer":"${base}"}`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe("requests to an organisation's identity provider", () => {
  it("refuse plain http, internal addresses and names that resolve to them, unless allowed", async () => {
    const lookup = fakeDns({ "idp.corp.example": "10.1.2.3", "idp.example.com": "93.184.216.34" });
    const off = { allowPrivate: false, lookup };
    expect(await providerUrlProblem("http://idp.example.com", off)).toMatch(/https/);
    expect(await providerUrlProblem("https://127.0.0.1/realms/a", off)).toMatch(
      /private or internal address \(127\.0\.0\.1\).*GATEHOUSE_SSO_ALLOW_PRIVATE/,
    );
    expect(await providerUrlProblem("https://169.254.169.254/", off)).toMatch(/internal/);
    expect(await providerUrlProblem("https://[::ffff:10.0.0.1]/", off)).toMatch(/internal/);
    // The address a name resolves to is not told (it would reveal the internal DNS).
    const named = await providerUrlProblem("https://idp.corp.example/", off);
    expect(named).toMatch(/resolves to a private or internal address/);
    expect(named).not.toContain("10.1.2.3");
    expect(await providerUrlProblem("https://nowhere.example/", off)).toMatch(/could not be found/);
    expect(await providerUrlProblem("https://idp.example.com/", off)).toBeNull();
    expect(await providerUrlProblem("http://127.0.0.1:8080", { allowPrivate: true })).toBeNull();
  });

  it("are never sent to a refused address, for discovery or any later endpoint", async () => {
    const before = hits;
    const fetchOff = providerFetch({ allowPrivate: false }) as typeof fetch;
    await expect(discover({ issuer: base, clientId: "c", fetch: fetchOff })).rejects.toThrow(
      /must use https/,
    );
    await expect(fetchOff(`https://127.0.0.1:1/token`, { method: "POST" })).rejects.toThrow(
      ProviderUnreachable,
    );
    await expect(
      providerFetch({ allowPrivate: false, lookup: fakeDns({ "idp.example": "192.168.0.9" }) })(
        "https://idp.example/userinfo",
      ),
    ).rejects.toThrow(/private or internal/);
    expect(hits).toBe(before);
  });

  it("read the answer when allowed, follow no redirect, and give up on time and on size", async () => {
    const allowed = providerFetch({ allowPrivate: true, timeoutMs: 300 });
    const answer = await allowed(`${base}/.well-known/openid-configuration`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("application/json");
    expect(await answer.json()).toEqual({ issuer: base });
    const redirect = await allowed(`${base}/redirect`, { redirect: "manual" });
    expect(redirect.status).toBe(302);
    const started = Date.now();
    await expect(allowed(`${base}/slow`)).rejects.toThrow(/no answer within 0.3 s/);
    expect(Date.now() - started).toBeLessThan(3_000);
    await expect(allowed(`${base}/big`)).rejects.toThrow(/longer than/);
  });
});

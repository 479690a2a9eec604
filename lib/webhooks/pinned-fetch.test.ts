import { type IncomingHttpHeaders, type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pinnedFetch } from "./pinned-fetch";

// A receiver on 127.0.0.1 stands in for the checked address; the URL names a host that resolves
// nowhere (.invalid), so a request that arrives was not sent where DNS would have said.
let server: Server;
let port: number;
const received: { headers: IncomingHttpHeaders; body: string }[] = [];
beforeAll(async () => {
  server = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (body += chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body });
      const status = Number(request.headers["x-answer"] ?? 202);
      response.writeHead(status, { location: "http://127.0.0.1:1/" }).end("a body not read");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const post = (headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "Content-Type": "application/json", ...headers },
  body: '{"ok":"✓"}',
});

describe("pinnedFetch", () => {
  it("connects to the checked address, whatever the host name resolves to", async () => {
    const response = await pinnedFetch(`http://receiver.gatehouse.invalid:${port}/hook`, post(), [
      { address: "127.0.0.1", family: 4 },
    ]);
    expect(response.status).toBe(202);
    expect(await response.text()).toBe("");
    expect(received.at(-1)).toEqual({
      headers: expect.objectContaining({
        host: `receiver.gatehouse.invalid:${port}`,
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength('{"ok":"✓"}')),
      }),
      body: '{"ok":"✓"}',
    });
  });

  it("looks the host up itself when given no addresses", async () => {
    expect((await pinnedFetch(`http://127.0.0.1:${port}/`, post())).status).toBe(202);
    await expect(
      pinnedFetch(`http://receiver.gatehouse.invalid:${port}/`, post()),
    ).rejects.toMatchObject({ code: "ENOTFOUND" });
  });

  it("answers redirects and errors as they are, without following them", async () => {
    const count = received.length;
    const redirect = await pinnedFetch(`http://127.0.0.1:${port}/`, post({ "x-answer": "302" }));
    expect(redirect.status).toBe(302);
    const failure = await pinnedFetch(`http://127.0.0.1:${port}/`, post({ "x-answer": "503" }));
    expect(failure.status).toBe(503);
    expect(received.length).toBe(count + 2);
  });

  it("gives up when the signal aborts", async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const { port: silentPort } = silent.address() as AddressInfo;
      await expect(
        pinnedFetch(`http://127.0.0.1:${silentPort}/`, {
          ...post(),
          signal: AbortSignal.timeout(100),
        }),
      ).rejects.toMatchObject({ name: "AbortError" });
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

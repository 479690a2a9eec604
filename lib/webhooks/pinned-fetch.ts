import type { LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";

// Sends a webhook with node:http(s) rather than the global fetch, because only they let the
// caller say where to connect: Node's fetch (undici) takes that from a `dispatcher`, an undici
// Agent, which Node does not export without the undici package. With `addresses`, the connection
// goes to the addresses destination.ts checked, never to those of a second lookup, which a
// hostile DNS server could have changed in between (DNS rebinding). TLS still verifies the
// certificate against the URL's host name, which is also sent as SNI and in Host. Redirects are
// not followed; the answer's body is not read. A fresh connection each time (no agent pool):
// deliveries are few, and a pooled socket could outlive the check that allowed it.

/** Like fetch(url, init) for a webhook POST; answers a Response with the status and no body. */
export function pinnedFetch(
  url: string,
  init: RequestInit,
  addresses?: readonly LookupAddress[] | null,
): Promise<Response> {
  const target = new URL(url);
  const client = target.protocol === "https:" ? https : http;
  const body = typeof init.body === "string" ? init.body : "";
  const headers = Object.fromEntries(new Headers(init.headers).entries());
  return new Promise((resolve, reject) => {
    const request = client.request(
      target,
      {
        method: init.method ?? "GET",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        agent: false,
        ...(init.signal ? { signal: init.signal } : {}),
        ...(addresses?.length ? { lookup: pinnedLookup(addresses) } : {}),
      },
      (response) => {
        const status = response.statusCode ?? 0;
        response.destroy();
        if (status < 200 || status > 599) reject(new Error(`Unexpected HTTP status ${status}.`));
        else resolve(new Response(null, { status }));
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

/** A resolver that answers only the checked addresses, whatever the name asked for. */
function pinnedLookup(addresses: readonly LookupAddress[]): LookupFunction {
  return (hostname, options, callback) => {
    const family = options.family === 4 || options.family === 6 ? options.family : 0;
    const usable = addresses.filter((a) => !family || a.family === family);
    if (!usable.length) {
      const error = Object.assign(new Error(`No IPv${family} address for ${hostname}.`), {
        code: "ENOTFOUND",
      });
      callback(error, "", 0);
    }
    // Node 20 connects with autoSelectFamily (happy eyeballs), which asks for all addresses.
    else if (options.all) callback(null, usable);
    else callback(null, usable[0]!.address, usable[0]!.family);
  };
}

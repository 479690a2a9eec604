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
// not followed; a webhook's answer body is not read. A fresh connection each time (no agent
// pool): deliveries are few, and a pooled socket could outlive the check that allowed it.
// Single sign-on's requests to an organisation's provider (lib/auth/provider-fetch.ts) go the
// same way, and read the answer's body up to `maxBodyBytes`.

export interface PinnedFetchOptions {
  /** Read the answer's body (headers too), refusing one longer than this; default: no body. */
  maxBodyBytes?: number;
}

/** Like fetch(url, init); answers a Response with the status (and the body when asked). */
export function pinnedFetch(
  url: string,
  init: RequestInit,
  addresses?: readonly LookupAddress[] | null,
  options: PinnedFetchOptions = {},
): Promise<Response> {
  const target = new URL(url);
  const client = target.protocol === "https:" ? https : http;
  const body =
    typeof init.body === "string"
      ? init.body
      : init.body instanceof URLSearchParams
        ? init.body.toString()
        : "";
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
        if (status < 200 || status > 599) {
          response.destroy();
          reject(new Error(`Unexpected HTTP status ${status}.`));
          return;
        }
        const limit = options.maxBodyBytes;
        if (limit === undefined) {
          response.destroy();
          resolve(new Response(null, { status }));
          return;
        }
        const chunks: Buffer[] = [];
        let length = 0;
        response.on("data", (chunk: Buffer) => {
          length += chunk.length;
          if (length > limit) {
            response.destroy();
            reject(new Error(`The answer is longer than ${limit} bytes.`));
          } else chunks.push(chunk);
        });
        response.on("error", reject);
        response.on("end", () => {
          const answerHeaders = new Headers();
          for (const [name, value] of Object.entries(response.headers))
            for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value])
              answerHeaders.append(name, v);
          const nullBody = status === 204 || status === 304 || (status >= 100 && status < 200);
          resolve(
            new Response(nullBody ? null : Buffer.concat(chunks), {
              status,
              headers: answerHeaders,
            }),
          );
        });
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

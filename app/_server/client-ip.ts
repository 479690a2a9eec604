// The address to throttle sign-ins by. Next.js appends the socket's address to
// X-Forwarded-For, so the last entry is the one no client can forge; behind a reverse proxy
// it is the proxy's view of the client, as long as the proxy appends too.
export function clientIp(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for");
  const last = forwarded?.split(",").at(-1)?.trim();
  return last || headers.get("x-real-ip") || "unknown";
}

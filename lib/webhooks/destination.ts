import type { LookupAddress } from "node:dns";
import { lookup as systemLookup } from "node:dns/promises";
import { isIPv4, isIPv6 } from "node:net";
import { env } from "@/lib/env";

// Where webhooks may go. One Gatehouse serves several organisations, so an admin of one must not
// be able to make the server send requests into the network it runs in (SSRF): a URL's host is
// resolved and refused if ANY of its addresses is loopback, private, link-local (cloud metadata
// at 169.254.169.254), or otherwise not a public unicast address. The check runs when an
// endpoint is added and again before every attempt (DNS can change in between), and the
// connection is then made to the addresses checked, not to a second lookup (see pinned-fetch.ts).
// GATEHOUSE_WEBHOOKS_ALLOW_PRIVATE=1 turns the check off (hosts are then not looked up at all):
// for single-company installs with internal receivers, development and the e2e suite.

/** All the addresses of a host name, as dns.lookup(hostname, { all: true }) gives them. */
export type LookupAll = (hostname: string) => Promise<readonly LookupAddress[]>;

export interface DestinationOptions {
  /** Resolves host names (default: the system resolver, as connections use it). */
  lookup?: LookupAll;
  /** Allow internal destinations (default: GATEHOUSE_WEBHOOKS_ALLOW_PRIVATE). */
  allowPrivate?: boolean;
  /** Give up on DNS after this long (default 5 s). */
  dnsTimeoutMs?: number;
}

export type DestinationProblem =
  /** `literal` is the address written in the URL; null when a host name resolved to `address`. */
  | { kind: "internal"; literal: string | null; address: string; range: string }
  | { kind: "not_found"; code: string }
  | { kind: "dns_failed"; code: string };

/** Allowed: the `addresses` to connect to, or null when not checked (internal ones allowed). */
export type Destination =
  { ok: true; addresses: LookupAddress[] | null } | { ok: false; problem: DestinationProblem };

const DNS_TIMEOUT_MS = 5_000;
const defaultLookup: LookupAll = (hostname) => systemLookup(hostname, { all: true });

export async function checkDestination(
  url: string,
  options: DestinationOptions = {},
): Promise<Destination> {
  if (options.allowPrivate ?? env().GATEHOUSE_WEBHOOKS_ALLOW_PRIVATE)
    return { ok: true, addresses: null };
  // WHATWG URL parsing has already normalised IPv4 forms like 0x7f.1 or 2130706433 to dotted
  // decimal, and IPv6 to its compressed form in brackets.
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, "$1");
  const literal = isIPv4(host) ? 4 : isIPv6(host) ? 6 : 0;
  let addresses: LookupAddress[];
  if (literal) addresses = [{ address: host, family: literal }];
  else {
    try {
      const timeoutMs = options.dnsTimeoutMs ?? DNS_TIMEOUT_MS;
      addresses = [...(await withTimeout((options.lookup ?? defaultLookup)(host), timeoutMs))];
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === "ENOTFOUND" || code === "ENODATA")
        return { ok: false, problem: { kind: "not_found", code } };
      return {
        ok: false,
        problem: { kind: "dns_failed", code: typeof code === "string" ? code : "ERROR" },
      };
    }
    if (!addresses.length) return { ok: false, problem: { kind: "not_found", code: "ENODATA" } };
  }
  for (const { address } of addresses) {
    const range = internalRange(address);
    if (range)
      return {
        ok: false,
        problem: { kind: "internal", literal: literal ? host : null, address, range },
      };
  }
  return { ok: true, addresses };
}

const ALLOW_HINT =
  "Webhooks go to public addresses only; an operator can allow internal ones with GATEHOUSE_WEBHOOKS_ALLOW_PRIVATE=1.";

/**
 * For the admin adding the endpoint (or an owner adding an identity provider, with its own
 * `hint`). The address a host name resolves to is not shown: it would tell an admin of any
 * organisation what the internal DNS holds.
 */
export function destinationFieldError(problem: DestinationProblem, hint = ALLOW_HINT): string {
  switch (problem.kind) {
    case "internal":
      return problem.literal
        ? `This URL points to a private or internal address (${problem.literal}). ${hint}`
        : `This URL's host name resolves to a private or internal address. ${hint}`;
    case "not_found":
      return "This URL's host name could not be found (DNS). Check it for typos.";
    case "dns_failed":
      return `This URL's host name could not be looked up just now (DNS: ${problem.code}). Try again in a moment.`;
  }
}

/** For the delivery log (at most 200 characters). */
export function destinationDeliveryError(problem: DestinationProblem): string {
  switch (problem.kind) {
    case "internal":
      return problem.literal
        ? `Refused: ${problem.literal} is a private or internal address; webhooks go to public addresses only.`
        : "Refused: the host name now resolves to a private or internal address; webhooks go to public addresses only.";
    case "not_found":
      return `Could not find the host name (DNS: ${problem.code}).`;
    case "dns_failed":
      return `Could not look up the host name (DNS: ${problem.code}).`;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error("DNS timeout"), { code: "ETIMEOUT" })),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// Address classification. IPv4: the special-purpose ranges of the IANA registry (RFC 6890 and
// successors) that are not reachable public unicast. IPv6: only global unicast (2000::/3) may
// be used, less its special ranges. IPv4-mapped addresses (::ffff:a.b.c.d, which a dual-stack
// socket sends over IPv4) and NAT64 ones (64:ff9b::a.b.c.d, which a NAT64 gateway forwards to
// IPv4; DNS64 hands them out for public names) are judged by the IPv4 address they carry.

interface Range {
  network: bigint;
  prefix: number;
  cidr: string;
  label: string;
}

const IPV4_RANGES: readonly Range[] = [
  v4("0.0.0.0/8", "“this network”, unspecified"),
  v4("10.0.0.0/8", "private network"),
  v4("100.64.0.0/10", "shared address space, carrier-grade NAT"),
  v4("127.0.0.0/8", "loopback"),
  v4("169.254.0.0/16", "link-local, cloud metadata"),
  v4("172.16.0.0/12", "private network"),
  v4("192.0.0.0/24", "IETF protocol assignments"),
  v4("192.0.2.0/24", "documentation"),
  v4("192.88.99.0/24", "6to4 relay anycast"),
  v4("192.168.0.0/16", "private network"),
  v4("198.18.0.0/15", "benchmarking"),
  v4("198.51.100.0/24", "documentation"),
  v4("203.0.113.0/24", "documentation"),
  v4("224.0.0.0/4", "multicast"),
  v4("255.255.255.255/32", "broadcast"),
  v4("240.0.0.0/4", "reserved"),
];

const IPV6_RANGES: readonly Range[] = [
  v6("::/128", "unspecified"),
  v6("::1/128", "loopback"),
  v6("64:ff9b:1::/48", "NAT64, local use"),
  v6("100::/64", "discard"),
  v6("2001::/23", "IETF protocol assignments (Teredo, benchmarking, ORCHID)"),
  v6("2001:db8::/32", "documentation"),
  v6("2002::/16", "6to4"),
  v6("3fff::/20", "documentation"),
  v6("fc00::/7", "unique local"),
  v6("fe80::/10", "link-local"),
  v6("fec0::/10", "site-local"),
  v6("ff00::/8", "multicast"),
];
const IPV6_GLOBAL_UNICAST = v6("2000::/3", "global unicast");
const IPV4_MAPPED = v6("::ffff:0:0/96", "IPv4-mapped");
const NAT64 = v6("64:ff9b::/96", "NAT64");

/**
 * The range (`10.0.0.0/8 private network`) that makes an IP address internal, or null for a
 * public one. Anything that is not an IP address counts as internal.
 */
export function internalRange(address: string): string | null {
  const bare = address.replace(/^\[(.*)\]$/, "$1").replace(/%.*$/, "");
  if (isIPv4(bare)) return match(IPV4_RANGES, v4Number(bare), 32);
  if (!isIPv6(bare)) return "not an IP address";
  const value = v6Number(bare);
  for (const carrier of [IPV4_MAPPED, NAT64]) {
    if (inRange(value, carrier, 128)) {
      const range = match(IPV4_RANGES, value & 0xffffffffn, 32);
      return range && `${range} (${carrier.label})`;
    }
  }
  return (
    match(IPV6_RANGES, value, 128) ??
    (inRange(value, IPV6_GLOBAL_UNICAST, 128) ? null : "not global unicast (outside 2000::/3)")
  );
}

function match(ranges: readonly Range[], value: bigint, bits: number): string | null {
  const range = ranges.find((r) => inRange(value, r, bits));
  return range ? `${range.cidr} ${range.label}` : null;
}

function inRange(value: bigint, { network, prefix }: Range, bits: number): boolean {
  const shift = BigInt(bits - prefix);
  return value >> shift === network >> shift;
}

function v4(cidr: string, label: string): Range {
  const [address, prefix] = cidr.split("/");
  return { network: v4Number(address!), prefix: Number(prefix), cidr, label };
}

function v6(cidr: string, label: string): Range {
  const [address, prefix] = cidr.split("/");
  return { network: v6Number(address!), prefix: Number(prefix), cidr, label };
}

function v4Number(address: string): bigint {
  return address.split(".").reduce((n, octet) => (n << 8n) | BigInt(Number(octet)), 0n);
}

/** An IPv6 address (already validated) as a 128-bit number; a dotted IPv4 tail is allowed. */
function v6Number(address: string): bigint {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const n = v4Number(dotted[1]!);
    text = `${text.slice(0, dotted.index)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  return groups.reduce((n, group) => (n << 16n) | BigInt(parseInt(group, 16)), 0n);
}

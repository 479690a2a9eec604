import type { LookupAddress } from "node:dns";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  type LookupAll,
  checkDestination,
  destinationDeliveryError,
  destinationFieldError,
  internalRange,
} from "./destination";

// A resolver of fixed answers: no test here depends on the network or on this machine's DNS.
function fakeDns(records: Record<string, string[]>): LookupAll & { asked: string[] } {
  const asked: string[] = [];
  const lookup = async (hostname: string): Promise<LookupAddress[]> => {
    asked.push(hostname);
    const addresses = records[hostname];
    if (!addresses)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return Object.assign(lookup, { asked });
}

const strict = (records: Record<string, string[]> = {}) => ({
  allowPrivate: false,
  lookup: fakeDns(records),
});

describe("internalRange", () => {
  it.each([
    // IPv4
    ["0.0.0.0", "0.0.0.0/8"],
    ["0.1.2.3", "0.0.0.0/8"],
    ["10.0.0.5", "10.0.0.0/8"],
    ["10.255.255.255", "10.0.0.0/8"],
    ["100.64.0.1", "100.64.0.0/10"],
    ["100.127.255.255", "100.64.0.0/10"],
    ["127.0.0.1", "127.0.0.0/8"],
    ["127.255.0.9", "127.0.0.0/8"],
    ["169.254.169.254", "169.254.0.0/16"],
    ["172.16.0.1", "172.16.0.0/12"],
    ["172.31.255.255", "172.16.0.0/12"],
    ["192.0.0.192", "192.0.0.0/24"],
    ["192.0.2.10", "192.0.2.0/24"],
    ["192.88.99.1", "192.88.99.0/24"],
    ["192.168.1.1", "192.168.0.0/16"],
    ["198.18.0.1", "198.18.0.0/15"],
    ["198.19.255.255", "198.18.0.0/15"],
    ["198.51.100.7", "198.51.100.0/24"],
    ["203.0.113.7", "203.0.113.0/24"],
    ["224.0.0.1", "224.0.0.0/4"],
    ["239.255.255.250", "224.0.0.0/4"],
    ["240.0.0.1", "240.0.0.0/4"],
    ["255.255.255.255", "255.255.255.255/32 broadcast"],
    // IPv6
    ["::", "::/128 unspecified"],
    ["::1", "::1/128 loopback"],
    ["[::1]", "::1/128 loopback"],
    ["0:0:0:0:0:0:0:1", "::1/128 loopback"],
    ["fe80::1", "fe80::/10"],
    ["fe80::1%eth0", "fe80::/10"],
    ["febf:ffff::1", "fe80::/10"],
    ["fc00::1", "fc00::/7"],
    ["fd12:3456:789a::1", "fc00::/7"],
    ["fec0::1", "fec0::/10"],
    ["ff02::1", "ff00::/8"],
    ["2001:db8::1", "2001:db8::/32"],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001::/23"],
    ["2002:a00:1::1", "2002::/16"],
    ["100::1", "100::/64"],
    ["64:ff9b:1::1", "64:ff9b:1::/48"],
    ["::1234:5678", "outside 2000::/3"],
    ["4000::1", "outside 2000::/3"],
    // IPv6 carrying IPv4: judged by the IPv4 address
    ["::ffff:10.0.0.1", "10.0.0.0/8 private network (IPv4-mapped)"],
    ["::ffff:a00:1", "10.0.0.0/8 private network (IPv4-mapped)"],
    ["::ffff:127.0.0.1", "127.0.0.0/8 loopback (IPv4-mapped)"],
    ["::FFFF:169.254.169.254", "169.254.0.0/16 link-local, cloud metadata (IPv4-mapped)"],
    ["64:ff9b::10.1.2.3", "10.0.0.0/8 private network (NAT64)"],
    // Not an address at all
    ["localhost", "not an IP address"],
    ["", "not an IP address"],
  ])("refuses %s (%s)", (address, range) => {
    expect(internalRange(address)).toContain(range);
  });

  it.each([
    "93.184.215.14",
    "8.8.8.8",
    "1.1.1.1",
    "9.255.255.255",
    "11.0.0.0",
    "100.63.255.255",
    "100.128.0.0",
    "126.255.255.255",
    "128.0.0.0",
    "169.253.255.255",
    "172.15.255.255",
    "172.32.0.0",
    "192.0.1.1",
    "192.167.255.255",
    "192.169.0.0",
    "198.17.255.255",
    "198.20.0.0",
    "223.255.255.255",
    "2606:2800::1",
    "2606:2800:220:1:248:1893:25c8:1946",
    "2001:4860:4860::8888",
    "2a00:1450:4001:81c::200e",
    "2001:200::1",
    "::ffff:93.184.215.14",
    "64:ff9b::93.184.215.14",
  ])("allows the public address %s", (address) => {
    expect(internalRange(address)).toBeNull();
  });
});

describe("checkDestination", () => {
  it.each([
    ["https://10.0.0.5/hook", "10.0.0.5"],
    ["https://[::1]/", "::1"],
    ["https://169.254.169.254/latest", "169.254.169.254"],
    ["http://127.0.0.1:9999", "127.0.0.1"],
    ["https://[::ffff:10.0.0.1]/", "::ffff:a00:1"],
    // URL parsing normalises other IPv4 spellings before the check sees them.
    ["https://0x7f.1/", "127.0.0.1"],
    ["https://2130706433/", "127.0.0.1"],
    ["https://0300.0250.1.1/", "192.168.1.1"],
  ])("refuses the address literal in %s without looking anything up", async (url, literal) => {
    const options = strict();
    const result = await checkDestination(url, options);
    expect(result).toMatchObject({ ok: false, problem: { kind: "internal", literal } });
    expect(options.lookup.asked).toEqual([]);
  });

  it("allows public literals, and names whose every address is public", async () => {
    const dns = strict({ "hooks.example.com": ["93.184.215.14", "2606:2800::1"] });
    expect(await checkDestination("https://93.184.215.14/in", dns)).toEqual({
      ok: true,
      addresses: [{ address: "93.184.215.14", family: 4 }],
    });
    expect(await checkDestination("https://[2606:2800::1]:8443/in", dns)).toEqual({
      ok: true,
      addresses: [{ address: "2606:2800::1", family: 6 }],
    });
    expect(await checkDestination("https://hooks.example.com/in", dns)).toEqual({
      ok: true,
      addresses: [
        { address: "93.184.215.14", family: 4 },
        { address: "2606:2800::1", family: 6 },
      ],
    });
  });

  it("refuses a name if any one of its addresses is internal", async () => {
    const dns = strict({
      "split.example.com": ["93.184.215.14", "10.1.2.3"],
      "v6.example.com": ["2606:2800::1", "fd00::5"],
      localhost: ["127.0.0.1", "::1"],
    });
    for (const host of ["split.example.com", "v6.example.com", "localhost"])
      expect(await checkDestination(`https://${host}/`, dns)).toMatchObject({
        ok: false,
        problem: { kind: "internal", literal: null },
      });
  });

  it("refuses names that do not resolve, or whose lookup fails", async () => {
    expect(await checkDestination("https://nowhere.example.test/", strict())).toEqual({
      ok: false,
      problem: { kind: "not_found", code: "ENOTFOUND" },
    });
    const empty = { allowPrivate: false, lookup: async () => [] };
    expect(await checkDestination("https://empty.example.com/", empty)).toMatchObject({
      ok: false,
      problem: { kind: "not_found" },
    });
    const failing = {
      allowPrivate: false,
      lookup: async () => {
        throw Object.assign(new Error("getaddrinfo EAI_AGAIN"), { code: "EAI_AGAIN" });
      },
    };
    expect(await checkDestination("https://flaky.example.com/", failing)).toEqual({
      ok: false,
      problem: { kind: "dns_failed", code: "EAI_AGAIN" },
    });
    const hanging = { allowPrivate: false, lookup: () => new Promise<never>(() => {}) };
    expect(
      await checkDestination("https://slow.example.com/", { ...hanging, dnsTimeoutMs: 20 }),
    ).toEqual({ ok: false, problem: { kind: "dns_failed", code: "ETIMEOUT" } });
  });

  it("allows anything, without looking it up, when internal destinations are allowed", async () => {
    const dns = fakeDns({});
    for (const url of ["https://10.0.0.5/hook", "http://127.0.0.1:9999", "https://x.test/"])
      expect(await checkDestination(url, { allowPrivate: true, lookup: dns })).toEqual({
        ok: true,
        addresses: null,
      });
    expect(dns.asked).toEqual([]);
  });
});

describe("GATEHOUSE_WEBHOOKS_ALLOW_PRIVATE", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  // env() parses the environment once per process: load a fresh copy of the modules.
  async function withEnv(value: string | undefined) {
    vi.stubEnv("GATEHOUSE_WEBHOOKS_ALLOW_PRIVATE", value);
    vi.resetModules();
    return import("./destination");
  }

  it("decides when the caller does not, and is off unless set", async () => {
    for (const value of [undefined, "", "0", "false"]) {
      const { checkDestination: check } = await withEnv(value);
      expect(await check("https://10.0.0.5/hook")).toMatchObject({ ok: false });
    }
    for (const value of ["1", "true"]) {
      const { checkDestination: check } = await withEnv(value);
      expect(await check("https://10.0.0.5/hook")).toEqual({ ok: true, addresses: null });
    }
  });

  it("refuses to start with a value it cannot read", async () => {
    const { checkDestination: check } = await withEnv("maybe");
    await expect(check("https://10.0.0.5/hook")).rejects.toThrow(
      /GATEHOUSE_WEBHOOKS_ALLOW_PRIVATE/,
    );
  });
});

describe("messages", () => {
  it("tell the admin what is wrong and how it can be allowed, without revealing internal DNS", () => {
    expect(
      destinationFieldError({
        kind: "internal",
        literal: "10.0.0.5",
        address: "10.0.0.5",
        range: "10.0.0.0/8 private network",
      }),
    ).toBe(
      "This URL points to a private or internal address (10.0.0.5). Webhooks go to public addresses only; an operator can allow internal ones with GATEHOUSE_WEBHOOKS_ALLOW_PRIVATE=1.",
    );
    const byName = {
      kind: "internal",
      literal: null,
      address: "10.9.8.7",
      range: "10.0.0.0/8 private network",
    } as const;
    expect(destinationFieldError(byName)).toMatch(/host name resolves to a private or internal/);
    expect(destinationFieldError(byName)).not.toContain("10.9.8.7");
    expect(destinationDeliveryError(byName)).not.toContain("10.9.8.7");
    expect(destinationFieldError({ kind: "not_found", code: "ENOTFOUND" })).toMatch(
      /could not be found \(DNS\)/,
    );
    expect(destinationDeliveryError({ kind: "dns_failed", code: "EAI_AGAIN" })).toBe(
      "Could not look up the host name (DNS: EAI_AGAIN).",
    );
    // The delivery log keeps 200 characters of a reason.
    const longest = destinationDeliveryError({
      kind: "internal",
      literal: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
      address: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
      range: "ff00::/8 multicast",
    });
    expect(longest.length).toBeLessThanOrEqual(200);
  });
});

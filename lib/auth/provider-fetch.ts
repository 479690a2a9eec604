import { env } from "@/lib/env";
import {
  type LookupAll,
  checkDestination,
  destinationFieldError,
} from "@/lib/webhooks/destination";
import { pinnedFetch } from "@/lib/webhooks/pinned-fetch";

// What the server fetches from an organisation's own identity provider (its discovery document,
// JWKS, token and userinfo endpoints) goes to a URL an owner typed, or that the provider's
// discovery document named: the same server-side request forgery as webhooks, and worse, since
// the answers are read (and Test sign-in shows an owner what came back). So every such request
// goes through the webhooks' check: https only, every address of the host public (no loopback,
// private, link-local or cloud metadata address), the connection pinned to the addresses checked
// (no DNS rebinding in between), no redirect followed, 10 seconds at most, a bounded answer.
// GATEHOUSE_SSO_ALLOW_PRIVATE=1 lifts the address and https rules, for a single-company install
// whose provider is internal; it is a flag of its own, not the webhooks' one, because an operator
// who lets admins post alerts to internal receivers has not agreed to let owners read internal
// URLs. The environment's provider (AUTH_OIDC_*) is the operator's own and is not checked.

export interface ProviderFetchOptions {
  /** Allow internal addresses and plain http (default: GATEHOUSE_SSO_ALLOW_PRIVATE). */
  allowPrivate?: boolean;
  /** Resolves host names (default: the system resolver). */
  lookup?: LookupAll;
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
}

const TIMEOUT_MS = 10_000;
// A discovery document or a JWKS is a few KiB.
const MAX_BODY_BYTES = 512 * 1024;

export const PROVIDER_ALLOW_HINT =
  "Identity providers must be at public addresses; an operator can allow internal ones with GATEHOUSE_SSO_ALLOW_PRIVATE=1.";

/** A request to an organisation's provider that was not sent: the reason is for the owner. */
export class ProviderUnreachable extends Error {}

/** Why `url` may not be fetched from an organisation's provider, or null when it may. */
export async function providerUrlProblem(
  url: string,
  options: ProviderFetchOptions = {},
): Promise<string | null> {
  const allowPrivate = options.allowPrivate ?? env().GATEHOUSE_SSO_ALLOW_PRIVATE;
  const target = new URL(url);
  if (target.protocol !== "https:" && !(allowPrivate && target.protocol === "http:"))
    return `Use an https:// URL (${target.origin}). ${allowPrivate ? "" : PROVIDER_ALLOW_HINT}`.trim();
  const destination = await checkDestination(url, { allowPrivate, lookup: options.lookup });
  return destination.ok ? null : destinationFieldError(destination.problem, PROVIDER_ALLOW_HINT);
}

/** A fetch for oauth4webapi's and Auth.js's `customFetch`, with the checks above. */
export function providerFetch(options: ProviderFetchOptions = {}) {
  const allowPrivate = options.allowPrivate ?? env().GATEHOUSE_SSO_ALLOW_PRIVATE;
  return async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const target = new URL(url);
    if (target.protocol !== "https:" && !(allowPrivate && target.protocol === "http:"))
      throw new ProviderUnreachable(`Refused ${target.origin}: identity providers must use https.`);
    const destination = await checkDestination(url, { allowPrivate, lookup: options.lookup });
    if (!destination.ok)
      throw new ProviderUnreachable(
        `Refused ${target.origin}: ${destinationFieldError(destination.problem, PROVIDER_ALLOW_HINT)}`,
      );
    const timeout = AbortSignal.timeout(options.timeoutMs ?? TIMEOUT_MS);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    try {
      return await pinnedFetch(url, { ...init, signal }, destination.addresses, {
        maxBodyBytes: MAX_BODY_BYTES,
      });
    } catch (error) {
      const reason = timeout.aborted
        ? `no answer within ${(options.timeoutMs ?? TIMEOUT_MS) / 1000} s`
        : (error as Error).message;
      throw new ProviderUnreachable(`${target.origin} could not be reached: ${reason}`);
    }
  };
}

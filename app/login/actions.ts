"use server";

import { AuthError, CredentialsSignin } from "next-auth";
import { signIn, signInWithOrgProviderRedirect } from "@/app/_server/auth";
import { getDb } from "@/db/client";
import {
  type ProviderChoice,
  orgProviderClient,
  providersForEmail,
} from "@/lib/auth/sso-providers";
import { passwordSignInInput } from "@/lib/auth/sign-in";
import { fieldErrorsOf } from "@/app/_server/field-errors";
import { env, oidcEnabled } from "@/lib/env";

export interface SignInState {
  error?: string;
  fieldErrors?: Record<string, string>;
  email?: string;
}

// Only same-site paths: an attacker's link must not bounce a fresh session elsewhere.
function safeCallback(value: FormDataEntryValue | null): string {
  return typeof value === "string" &&
    value.startsWith("/") &&
    !value.startsWith("//") &&
    !value.startsWith("/\\")
    ? value
    : "/groups";
}

export async function signInWithPasswordAction(
  _previous: SignInState,
  form: FormData,
): Promise<SignInState> {
  const email =
    typeof form.get("email") === "string" ? String(form.get("email")).slice(0, 300) : "";
  const parsed = passwordSignInInput.safeParse({
    email: form.get("email"),
    password: form.get("password"),
  });
  if (!parsed.success) return { email, fieldErrors: fieldErrorsOf(parsed.error) };
  try {
    await signIn("credentials", {
      ...parsed.data,
      redirectTo: safeCallback(form.get("callbackUrl")),
    });
    return {};
  } catch (error) {
    if (error instanceof CredentialsSignin && error.code.startsWith("throttled:")) {
      const minutes = Math.ceil(Number(error.code.split(":")[1]) / 60);
      return {
        email,
        error: `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
      };
    }
    if (error instanceof CredentialsSignin && error.code.startsWith("sso_required:")) {
      const orgs = error.code.slice("sso_required:".length);
      return {
        email,
        error: oidcEnabled()
          ? `${orgs} requires single sign-on: use "Continue with ${env().AUTH_OIDC_NAME}" instead of a password.`
          : `${orgs} requires single sign-on: use "Sign in with SSO" instead of a password.`,
      };
    }
    if (error instanceof CredentialsSignin)
      return { email, error: "Email or password is incorrect." };
    if (error instanceof AuthError) {
      return {
        email,
        error: "Signing in failed because of a problem on our side. Try again in a moment.",
      };
    }
    throw error; // Next's redirect after a successful sign-in travels as an error.
  }
}

export async function signInWithSsoAction(): Promise<void> {
  await signIn("oidc", { redirectTo: "/groups" });
}

export interface SsoEmailState {
  error?: string;
  email?: string;
  /** The organisation offers several providers: the person picks one. */
  choices?: ProviderChoice[];
}

/**
 * Email-first single sign-on: the organisation that claims the email's domain and has an enabled
 * provider of its own gets the person (several: they choose); else the environment's provider,
 * where there is one. The provider gets the email as a login hint; who the identity is, and what
 * it may open, is decided when it comes back (lib/auth/sso.ts).
 */
export async function signInWithOrgSsoAction(
  _previous: SsoEmailState,
  form: FormData,
): Promise<SsoEmailState> {
  const raw = form.get("email");
  const email = typeof raw === "string" ? raw.trim().toLowerCase().slice(0, 300) : "";
  const redirectTo = safeCallback(form.get("callbackUrl"));
  const db = await getDb();
  const choices = await providersForEmail(db, email);
  if (!choices) return { email, error: "Enter your work email address, like ann@acme.com." };
  const requested = form.get("providerId");
  const chosen =
    choices.length === 1 ? choices[0] : choices.find((c) => c.providerId === requested);
  try {
    if (!chosen && choices.length > 1) return { email, choices };
    if (!chosen) {
      if (oidcEnabled()) {
        await signIn("oidc", { redirectTo }, { login_hint: email });
        return {};
      }
      return {
        email,
        error: `No organisation on this server signs in ${email.slice(email.indexOf("@"))} addresses with single sign-on. Sign in with your password, or ask your administrator.`,
      };
    }
    const client = await orgProviderClient(db, chosen.providerId);
    if (!client)
      return { email, error: `${chosen.name} is not available just now. Try again later.` };
    await signInWithOrgProviderRedirect(client, email, redirectTo);
    return {};
  } catch (error) {
    if (error instanceof AuthError)
      return {
        email,
        error: `${chosen?.name ?? "The identity provider"} could not be reached. Try again in a moment, or ask your administrator.`,
      };
    throw error; // the redirect to the provider travels as an error
  }
}

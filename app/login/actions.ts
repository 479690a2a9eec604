"use server";

import { AuthError, CredentialsSignin } from "next-auth";
import { signIn } from "@/app/_server/auth";
import { passwordSignInInput } from "@/lib/auth/sign-in";
import { fieldErrorsOf } from "@/app/_server/field-errors";
import { env } from "@/lib/env";

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
        error: `${orgs} requires single sign-on: use "Continue with ${env().AUTH_OIDC_NAME}" instead of a password.`,
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

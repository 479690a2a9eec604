"use server";

import { redirect } from "next/navigation";
import { ZodError } from "zod";
import { fieldErrorsOf } from "@/app/_server/field-errors";
import { getDb } from "@/db/client";
import { PublicError } from "@/lib/errors";
import { acceptInvitation } from "@/lib/members/commands";

export interface AcceptState {
  error?: string;
  fieldErrors?: Record<string, string>;
}

// Public on purpose: the token in the link is the credential, checked by the domain.
export async function acceptInvitationAction(
  _state: AcceptState,
  form: FormData,
): Promise<AcceptState> {
  const password = String(form.get("password") ?? "");
  if (password !== String(form.get("confirm") ?? ""))
    return { fieldErrors: { confirm: "The two passwords differ." } };
  try {
    await acceptInvitation(await getDb(), { token: String(form.get("token") ?? ""), password });
  } catch (error) {
    if (error instanceof ZodError) return { fieldErrors: fieldErrorsOf(error) };
    if (error instanceof PublicError) return { error: error.message };
    console.error(error);
    return { error: "Something went wrong on our side. Try again." };
  }
  redirect("/login?invited=1");
}

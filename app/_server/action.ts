import { revalidatePath } from "next/cache";
import { unstable_rethrow } from "next/navigation";
import { ZodError } from "zod";
import { getDb } from "@/db/client";
import { snapshotsOf } from "@/lib/gateway/snapshots";
import type { Db } from "@/db/connect";
import type { Actor } from "@/lib/auth/actor";
import { recordRefusal } from "@/lib/audit/refusals";
import { Forbidden, Invalid, PublicError } from "@/lib/errors";
import { UNSTORABLE_TEXT_MESSAGE, unstorableTextPath } from "@/lib/text";
import { fieldErrorsOf } from "./field-errors";
import { getConsoleContext } from "./session";

import type { ActionResult } from "@/lib/action-result";

type UserActor = Extract<Actor, { kind: "user" }>;

/**
 * Wraps a server action: resolves the actor from the session (every action is a public
 * endpoint), calls the domain, revalidates, and maps failures to messages. Input validation is
 * the domain's (lib parses with zod and throws ZodError or Invalid); only PublicError messages
 * reach the user, anything else is logged and reported as a generic failure. A refusal for lack
 * of permission is recorded in the audit log under the action's `name`.
 */
export function action<I, T>(
  name: string,
  run: (input: I, actor: UserActor, db: Db) => Promise<T>,
  options: { revalidate?: string[] } = {},
) {
  return async (input: I): Promise<ActionResult<T>> => {
    let actor: UserActor | undefined;
    try {
      const context = await getConsoleContext();
      if (!context?.actor) return { ok: false, error: "Your session has ended: sign in again." };
      actor = context.actor;
      const unstorable = unstorableTextPath(input);
      if (unstorable)
        return {
          ok: false,
          error: `The ${unstorable === "input" ? "input" : `field ${unstorable}`} ${UNSTORABLE_TEXT_MESSAGE}`,
          fieldErrors: { [unstorable]: `This ${UNSTORABLE_TEXT_MESSAGE}` },
        };
      const db = await getDb();
      const data = await run(input, actor, db);
      // Read your writes: when the admin sees "done", this instance's gateway decisions see it too.
      await snapshotsOf(db)?.caughtUp();
      for (const path of options.revalidate ?? []) revalidatePath(path, "layout");
      return { ok: true, data };
    } catch (error) {
      unstable_rethrow(error);
      if (error instanceof ZodError) {
        const fieldErrors = fieldErrorsOf(error);
        return {
          ok: false,
          error: Object.values(fieldErrors)[0] ?? "Check the form.",
          fieldErrors,
        };
      }
      if (error instanceof Forbidden && actor) {
        await recordRefusal(await getDb(), actor, {
          target: { type: "action", id: name },
          reason: error.message,
        });
      }
      if (error instanceof PublicError) {
        return {
          ok: false,
          error: error.message,
          fieldErrors: error instanceof Invalid ? error.fieldErrors : undefined,
        };
      }
      console.error(error);
      return {
        ok: false,
        error: "Something went wrong on our side and nothing was changed. Try again.",
      };
    }
  };
}

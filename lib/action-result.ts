// What a server action answers: the domain's result, or a message (and field messages) to show.
export type ActionResult<T> =
  { ok: true; data: T } | { ok: false; error: string; fieldErrors?: Record<string, string> };

/**
 * A failed answer as a form shows it: the messages of the fields it has, and the answer's own
 * message at the top when none of those fields carries one (a field it does not show, or none).
 */
export function formErrors<F extends string>(
  result: { error: string; fieldErrors?: Record<string, string> },
  fields: readonly F[],
): Partial<Record<F | "form", string>> {
  const errors: Partial<Record<F | "form", string>> = {};
  for (const field of fields)
    if (result.fieldErrors?.[field]) errors[field] = result.fieldErrors[field];
  if (!Object.keys(errors).length) errors.form = result.error;
  return errors;
}

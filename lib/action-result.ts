// What a server action answers: the domain's result, or a message (and field messages) to show.
export type ActionResult<T> =
  { ok: true; data: T } | { ok: false; error: string; fieldErrors?: Record<string, string> };

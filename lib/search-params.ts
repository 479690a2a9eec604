import type { z } from "zod";
import { isStorableText } from "./text";

export type SearchParams = Record<string, string | string[] | undefined>;

/**
 * A page's query string through its zod schema, as action inputs go through theirs: the first
 * value of a repeated key; a value with a NUL byte or broken Unicode, or one the schema refuses
 * (too long, wrong type), is left out so that its default applies, and named in `ignored` for the
 * page to say so. A URL can say anything; a page never fails because of it.
 */
export function parseSearchParams<S extends z.ZodType<unknown, Record<string, unknown>>>(
  schema: S,
  params: SearchParams,
): { query: z.output<S>; ignored: string[] } {
  const raw: Record<string, unknown> = {};
  const ignored = new Set<string>();
  for (const [key, value] of Object.entries(params)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === "string" && !isStorableText(first)) ignored.add(key);
    else raw[key] = first;
  }
  for (;;) {
    const result = schema.safeParse(raw);
    if (result.success) return { query: result.data, ignored: [...ignored] };
    const refused = [...new Set(result.error.issues.map((i) => String(i.path[0] ?? "")))];
    // A schema that refuses even its defaults is a bug here, not the visitor's input.
    if (refused.some((key) => !(key in raw))) throw result.error;
    for (const key of refused) {
      delete raw[key];
      ignored.add(key);
    }
  }
}

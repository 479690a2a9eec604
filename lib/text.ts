// PostgreSQL stores neither NUL characters nor broken UTF-16 (a lone surrogate): text holding
// them would fail in the database as a server error. Input is checked for them at the edge, so
// that it gets a clear message instead.

export const UNSTORABLE_TEXT_MESSAGE =
  "contains a character that cannot be stored (a NUL character or broken Unicode).";

export const isStorableText = (text: string) => !text.includes("\u0000") && text.isWellFormed();

/**
 * The path of the first string in `value` that cannot be stored ("events.3.model"), or null.
 * Walks without recursion: a hostile body can nest ten thousand levels deep.
 */
export function unstorableTextPath(value: unknown): string | null {
  const pending: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  while (pending.length) {
    const { value: at, path } = pending.pop()!;
    if (typeof at === "string") {
      if (!isStorableText(at)) return path.join(".") || "input";
    } else if (at !== null && typeof at === "object") {
      for (const [key, inner] of Object.entries(at)) {
        if (!isStorableText(key)) return [...path, "(a key)"].join(".");
        pending.push({ value: inner, path: [...path, key] });
      }
    }
  }
  return null;
}

// Model patterns as admins write them: a model id, or one with `*` wildcards (`claude-opus-*`,
// `openai/*`, `claude-*-4-5`). Matched whole and regardless of case.

const MODEL_PATTERN = /^[A-Za-z0-9*._:/@-]{1,200}$/;

export const isModelPattern = (pattern: string) => MODEL_PATTERN.test(pattern);

export function modelMatches(pattern: string, model: string): boolean {
  const source = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`, "i").test(model);
}

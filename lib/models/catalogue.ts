// The model catalogue with list prices per million tokens, in micro-dollars
// ($2.50 per million tokens = 2_500_000). Synced into the `models` table at start-up.
export interface CatalogueModel {
  id: string;
  provider: "openai" | "anthropic" | "google" | "meta" | "mistral";
  displayName: string;
  family: string;
  inputMicrosPerMtok: number;
  outputMicrosPerMtok: number;
  cachedInputMicrosPerMtok: number;
  /** The context window (input and output together), as the provider publishes it. */
  contextTokens: number;
}

/** How each provider writes its name. */
export const providerNames: Record<CatalogueModel["provider"], string> = {
  openai: "OpenAI",
  anthropic: "Anthropic",
  google: "Google",
  meta: "Meta",
  mistral: "Mistral",
};

const usd = (dollars: number) => Math.round(dollars * 1_000_000);

const model = (
  id: string,
  provider: CatalogueModel["provider"],
  displayName: string,
  family: string,
  input: number,
  output: number,
  cachedInput: number,
  contextTokens: number,
): CatalogueModel => ({
  id,
  provider,
  displayName,
  family,
  inputMicrosPerMtok: usd(input),
  outputMicrosPerMtok: usd(output),
  cachedInputMicrosPerMtok: usd(cachedInput),
  contextTokens,
});

export const modelCatalogue: readonly CatalogueModel[] = [
  model("gpt-4.1", "openai", "GPT-4.1", "GPT-4", 2, 8, 0.5, 1_047_576),
  model("gpt-4.1-mini", "openai", "GPT-4.1 mini", "GPT-4", 0.4, 1.6, 0.1, 1_047_576),
  model("gpt-4o", "openai", "GPT-4o", "GPT-4", 2.5, 10, 1.25, 128_000),
  model("gpt-4o-mini", "openai", "GPT-4o mini", "GPT-4", 0.15, 0.6, 0.075, 128_000),
  model("o3", "openai", "o3", "o-series", 2, 8, 0.5, 200_000),
  model("o4-mini", "openai", "o4-mini", "o-series", 1.1, 4.4, 0.275, 200_000),
  model("claude-opus-4-1", "anthropic", "Claude Opus 4.1", "Claude", 15, 75, 1.5, 200_000),
  model("claude-sonnet-4-5", "anthropic", "Claude Sonnet 4.5", "Claude", 3, 15, 0.3, 200_000),
  model("claude-haiku-4-5", "anthropic", "Claude Haiku 4.5", "Claude", 1, 5, 0.1, 200_000),
  model("gemini-2.5-pro", "google", "Gemini 2.5 Pro", "Gemini", 1.25, 10, 0.31, 1_048_576),
  model("gemini-2.5-flash", "google", "Gemini 2.5 Flash", "Gemini", 0.3, 2.5, 0.075, 1_048_576),
  model("llama-3.3-70b", "meta", "Llama 3.3 70B", "Llama", 0.6, 0.6, 0.6, 128_000),
  model("mistral-large", "mistral", "Mistral Large", "Mistral", 2, 6, 2, 128_000),
];

/** Cost in micro-dollars, rounded up so that no request is ever free by rounding. */
export function costMicros(
  m: Pick<
    CatalogueModel,
    "inputMicrosPerMtok" | "outputMicrosPerMtok" | "cachedInputMicrosPerMtok"
  >,
  tokens: { input: number; output: number; cached: number },
): number {
  const uncached = Math.max(0, tokens.input - tokens.cached);
  const total =
    uncached * m.inputMicrosPerMtok +
    tokens.cached * m.cachedInputMicrosPerMtok +
    tokens.output * m.outputMicrosPerMtok;
  return Math.ceil(total / 1_000_000);
}

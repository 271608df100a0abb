// What a model costs, as the operator's config says (`prices:`, docs/cost.md): USD per 1M tokens.

export interface ModelPrice {
  /** Prompt tokens not read from a prompt cache. */
  input: number;
  /** Prompt tokens read from a prompt cache (OpenAI `cached_tokens`, Anthropic cache reads); `input` when absent. */
  cachedInput: number | undefined;
  /** Prompt tokens written to a prompt cache (Anthropic `cache_creation_input_tokens`); `input` when absent. */
  cacheWriteInput: number | undefined;
  /** Completion tokens (reasoning tokens included, as upstreams count them). */
  output: number;
}

/** Model name or glob → price; an exact name wins over a glob, a longer glob over a shorter one. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

export type BudgetPeriod = 'day' | 'month';

/** What a client key may spend per UTC day or month, in USD at the configured prices. */
export interface KeyBudget {
  usd: number;
  period: BudgetPeriod;
}

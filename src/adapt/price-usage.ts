// A request's cost from the tokens it really used (docs/cost.md). The price is the upstream model's
// (what the provider bills), else the client model's that answered (a fallback), else the one asked
// for — so an operator can price a `model_map` alias or an Azure deployment by the client's name.
// No price: the cost is unknown (undefined), never 0, so unpriced spend is not mistaken for free.
import type { ModelPrice, PriceTable } from '../core/price.ts';
import { lookupByGlob } from '../lib/match-glob.ts';

const tokensPerPriceUnit = 1_000_000;

export interface PricedUsage {
  /** All prompt tokens, cached ones included (as OpenAI and Sluice's usage count them). */
  promptTokens: number;
  /** Of the prompt: read from a prompt cache. */
  cachedPromptTokens: number;
  /** Of the prompt: written to a prompt cache. */
  cacheWritePromptTokens: number;
  completionTokens: number;
}

/** The price of the first of `models` (upstream, answering, asked) that the table prices. */
export function findPrice(table: PriceTable, models: ReadonlyArray<string | undefined>): ModelPrice | undefined {
  for (const model of models) {
    if (model === undefined) continue;
    const price = lookupByGlob(table, model);
    if (price !== undefined) return price;
  }
  return undefined;
}

/** USD for `usage` at `price`; cache counts beyond the prompt are clamped to it (a confused upstream). */
export function priceUsage(price: ModelPrice, usage: PricedUsage): number {
  const prompt = Math.max(0, usage.promptTokens);
  const cached = Math.min(prompt, Math.max(0, usage.cachedPromptTokens));
  const written = Math.min(prompt - cached, Math.max(0, usage.cacheWritePromptTokens));
  const plain = prompt - cached - written;
  const cost =
    plain * price.input +
    cached * (price.cachedInput ?? price.input) +
    written * (price.cacheWriteInput ?? price.input) +
    Math.max(0, usage.completionTokens) * price.output;
  return cost / tokensPerPriceUnit;
}

/** The most a request may cost before it runs: its prompt and completion cap at the dearest candidate price. */
export function quoteUpperBound(prices: readonly ModelPrice[], promptTokens: number, completionTokens: number): number | undefined {
  if (prices.length === 0) return undefined;
  const input = Math.max(...prices.map((price) => Math.max(price.input, price.cacheWriteInput ?? 0)));
  const output = Math.max(...prices.map((price) => price.output));
  return (promptTokens * input + completionTokens * output) / tokensPerPriceUnit;
}

// Prices a request (docs/cost.md): after it, from the tokens it used, at the upstream model's price
// falling back to the client model's (adapt/price-usage.ts); before it, an upper bound for a budget
// to reserve — the prompt and completion cap at the dearest price among the names it may be billed
// under (the client model, the upstream names its channels and fallbacks map it to).
import type { PriceTable } from '../core/price.ts';
import { findPrice, priceUsage, quoteUpperBound } from '../adapt/price-usage.ts';
import type { ChannelSource } from '../routing/channel-registry.ts';
import { findRoutes } from './find-routes.ts';
import type { RequestRecord } from './request-record.ts';

export interface Pricing {
  /** Whether any model has a price. */
  readonly priced: boolean;
  /** Sets `record.costUsd`: USD for its tokens, or undefined without tokens or without a price. */
  price(record: RequestRecord): void;
  /** The most the request may cost; undefined when no name it may be billed under has a price. */
  quote(clientModel: string, promptTokens: number, completionTokens: number): number | undefined;
}

export interface PricedModels {
  readonly channels: ChannelSource;
  readonly fallbacks: Readonly<Record<string, readonly string[]>>;
}

export function createPricing(table: PriceTable, models: PricedModels): Pricing {
  const priced = Object.keys(table).length > 0;

  function namesBilledFor(clientModel: string): string[] {
    const { channels } = models.channels.snapshot();
    const names = new Set<string>();
    for (const model of [clientModel, ...(models.fallbacks[clientModel] ?? [])]) {
      names.add(model);
      for (const route of findRoutes(channels, model)) names.add(route.upstreamModel);
    }
    return [...names];
  }

  return {
    priced,
    price(record) {
      if (!priced || (record.promptTokens === undefined && record.completionTokens === undefined)) return;
      const price = findPrice(table, [record.upstreamModel, record.answeredModel, record.clientModel]);
      if (price === undefined) return;
      record.costUsd = priceUsage(price, {
        promptTokens: record.promptTokens ?? 0,
        cachedPromptTokens: record.cachedPromptTokens ?? 0,
        cacheWritePromptTokens: record.cacheWritePromptTokens ?? 0,
        completionTokens: record.completionTokens ?? 0,
      });
    },
    quote(clientModel, promptTokens, completionTokens) {
      const names = namesBilledFor(clientModel);
      // Each upstream name is billed at its own price, or at the client model's when it has none.
      const clientPrice = findPrice(table, [clientModel]);
      const prices = names.flatMap((name) => findPrice(table, [name]) ?? clientPrice ?? []);
      return quoteUpperBound(prices, promptTokens, completionTokens);
    },
  };
}

// The `spend` part of GET /stats (docs/cost.md): what the window cost in USD at the configured prices,
// per key, channel and upstream model, and totalled each of those ways.
import type { SpendGroup } from '../../store/index.ts';

interface SpendTotal {
  cost_usd: number;
  requests: number;
  unpriced_requests: number;
}

function totalBy(groups: readonly SpendGroup[], nameOf: (group: SpendGroup) => string | null, label: string): Array<{ [name: string]: string | number | null }> {
  const totals = new Map<string | null, SpendTotal>();
  for (const group of groups) {
    const name = nameOf(group);
    const total = totals.get(name) ?? { cost_usd: 0, requests: 0, unpriced_requests: 0 };
    total.cost_usd += group.costUsd;
    total.requests += group.requests;
    total.unpriced_requests += group.unpricedRequests;
    totals.set(name, total);
  }
  // Dearest first: what the console shows at the top.
  return [...totals].sort(([, left], [, right]) => right.cost_usd - left.cost_usd).map(([name, total]) => ({ [label]: name, ...total }));
}

export function describeSpend(groups: readonly SpendGroup[]) {
  return {
    total_usd: groups.reduce((sum, group) => sum + group.costUsd, 0),
    unpriced_requests: groups.reduce((sum, group) => sum + group.unpricedRequests, 0),
    by_key: totalBy(groups, (group) => group.keyName ?? null, 'key'),
    by_channel: totalBy(groups, (group) => group.channel ?? null, 'channel'),
    by_model: totalBy(groups, (group) => group.model, 'model'),
    data: groups.map((group) => ({
      key: group.keyName ?? null,
      channel: group.channel ?? null,
      model: group.model,
      requests: group.requests,
      cost_usd: group.costUsd,
      unpriced_requests: group.unpricedRequests,
      prompt_tokens: group.promptTokens,
      cached_prompt_tokens: group.cachedPromptTokens,
      completion_tokens: group.completionTokens,
    })),
  };
}

const total = { cost_usd: { type: 'number' }, requests: { type: 'integer' }, unpriced_requests: { type: 'integer', description: 'Requests that used tokens but had no price: their cost is unknown, not 0.' } };
const totalsOf = (label: string) => ({ type: 'array', items: { type: 'object', properties: { [label]: { type: ['string', 'null'] }, ...total } } });

export const spendSchema = {
  type: 'object',
  description: 'USD at the configured `prices` (docs/cost.md), per key, channel and upstream model; totals dearest first.',
  properties: {
    total_usd: { type: 'number' },
    unpriced_requests: { type: 'integer' },
    by_key: totalsOf('key'),
    by_channel: totalsOf('channel'),
    by_model: totalsOf('model'),
    data: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          key: { type: ['string', 'null'] },
          channel: { type: ['string', 'null'] },
          model: { type: 'string' },
          ...total,
          prompt_tokens: { type: 'integer' },
          cached_prompt_tokens: { type: 'integer' },
          completion_tokens: { type: 'integer' },
        },
      },
    },
  },
};

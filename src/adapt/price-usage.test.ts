import { describe, expect, it } from 'vitest';
import type { ModelPrice } from '../core/price.ts';
import { findPrice, priceUsage, quoteUpperBound } from './price-usage.ts';

const price = (input: number, output: number, cachedInput?: number, cacheWriteInput?: number): ModelPrice => ({ input, output, cachedInput, cacheWriteInput });

const table = {
  'gpt-4o': price(2.5, 10, 1.25),
  'gpt-4o-20??-??-??': price(2.5, 10, 1.25),
  'gpt-4o-mini*': price(0.15, 0.6),
  'claude-*': price(3, 15, 0.3, 3.75),
};

const usage = (promptTokens: number, completionTokens: number, cachedPromptTokens = 0, cacheWritePromptTokens = 0) => ({ promptTokens, completionTokens, cachedPromptTokens, cacheWritePromptTokens });

describe('findPrice', () => {
  it('prefers an exact name, then the longest matching glob', () => {
    expect(findPrice(table, ['gpt-4o'])).toBe(table['gpt-4o']);
    expect(findPrice(table, ['gpt-4o-2024-08-06'])).toBe(table['gpt-4o-20??-??-??']);
    expect(findPrice(table, ['gpt-4o-mini-2024-07-18'])).toBe(table['gpt-4o-mini*']);
    expect(findPrice(table, ['claude-sonnet-4-5'])).toBe(table['claude-*']);
  });

  it('falls back from the upstream model to the client models, in order', () => {
    expect(findPrice(table, ['my-deployment', undefined, 'gpt-4o'])).toBe(table['gpt-4o']);
    expect(findPrice(table, ['gpt-4o-mini', 'gpt-4o'])).toBe(table['gpt-4o-mini*']);
  });

  it('finds no price for a model no name or glob covers (the cost is then unknown, not 0)', () => {
    expect(findPrice(table, ['llama-3', undefined, 'local'])).toBeUndefined();
    expect(findPrice({}, ['gpt-4o'])).toBeUndefined();
  });
});

describe('priceUsage', () => {
  it('charges prompt and completion tokens per million', () => {
    expect(priceUsage(price(2.5, 10), usage(1_000_000, 0))).toBeCloseTo(2.5, 12);
    expect(priceUsage(price(2.5, 10), usage(1000, 500))).toBeCloseTo(0.0025 + 0.005, 12);
  });

  it('charges cached prompt tokens at the cached price and the rest at the input price', () => {
    // 1000 prompt tokens of which 800 were cache reads: 200 × 2.5 + 800 × 1.25, + 100 × 10.
    expect(priceUsage(price(2.5, 10, 1.25), usage(1000, 100, 800))).toBeCloseTo((200 * 2.5 + 800 * 1.25 + 100 * 10) / 1e6, 12);
  });

  it('charges cache writes at their own price, and cache counts at the input price when none is set', () => {
    expect(priceUsage(price(3, 15, 0.3, 3.75), usage(1000, 0, 100, 400))).toBeCloseTo((500 * 3 + 100 * 0.3 + 400 * 3.75) / 1e6, 12);
    expect(priceUsage(price(3, 15), usage(1000, 0, 100, 400))).toBeCloseTo((1000 * 3) / 1e6, 12);
  });

  it('never counts more cached tokens than the prompt had', () => {
    expect(priceUsage(price(2, 8, 0.5), usage(100, 0, 500))).toBeCloseTo((100 * 0.5) / 1e6, 12);
  });

  it('costs 0 at a price of 0 (a priced free model differs from an unpriced one)', () => {
    expect(priceUsage(price(0, 0), usage(1000, 1000))).toBe(0);
  });
});

describe('quoteUpperBound', () => {
  it('prices the estimate at the dearest candidate input and output', () => {
    expect(quoteUpperBound([price(1, 4), price(2, 3)], 1000, 100)).toBeCloseTo((1000 * 2 + 100 * 4) / 1e6, 12);
  });

  it('is unknown without any price', () => {
    expect(quoteUpperBound([], 1000, 100)).toBeUndefined();
  });
});

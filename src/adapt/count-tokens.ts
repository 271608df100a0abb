// gpt-tokenizer's o200k_base tables cost ~43 MB of heap once loaded (docs/benchmarks.md, "a lighter
// process"), and most requests never count a token: upstreams report usage, and a reservation is
// counted only for keys with a tpm limit or a quota. So it is loaded on the first count, not at start.
// require() keeps counting synchronous; the package ships a CommonJS build for it.
import { createRequire } from 'node:module';
import type * as Tokenizer from 'gpt-tokenizer';

interface CountOptions {
  disallowedSpecial: Set<string>;
}

let loaded: typeof Tokenizer.countTokens | undefined;

function loadCountTokens(): typeof Tokenizer.countTokens {
  const tokenizer = createRequire(import.meta.url)('gpt-tokenizer') as typeof Tokenizer;
  return tokenizer.countTokens;
}

/**
 * Loads the tokenizer now: the load holds the event loop ~200 ms once, which a gateway that will
 * count every prompt (keys with tpm limits or quotas) had better spend at start than on a request.
 */
export function loadTokenizer(): void {
  loaded ??= loadCountTokens();
}

/** gpt-tokenizer's countTokens (o200k_base), loaded on the first call. */
export function countTokens(text: string, options: CountOptions): number {
  loaded ??= loadCountTokens();
  return loaded(text, options);
}

/** Whether the tokenizer was loaded in this process (a test of laziness reads it). */
export function isTokenizerLoaded(): boolean {
  return loaded !== undefined;
}

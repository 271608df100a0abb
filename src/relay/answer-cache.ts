// What the exact response cache (docs/caching.md) offers the chat route, whichever store holds the
// answers: the memory LRU of one process (response-cache.ts) or Redis, shared by every instance
// (shared-response-cache.ts). Lookups and stores are asynchronous for the shared one.
import type { CachePolicy } from '../core/cache-policy.ts';
import type { ChatCompletion } from '../core/chat.ts';

/** The store could not answer (Redis down or slow): the request goes on as a miss, nothing is stored. */
export const cacheUnavailable = 'unavailable';

export type CacheLookup = ChatCompletion | undefined | typeof cacheUnavailable;

export interface AnswerCache {
  readonly policy: CachePolicy;
  /** Where the answers live, for the start-up log and docs: `memory` or `redis`. */
  readonly backend: 'memory' | 'redis';
  /** Whether answers for `model` are cached (`models`: a key's own list instead of the global one). */
  covers(model: string, models?: readonly string[]): boolean;
  /** The answer under `key` stored less than `maxAgeMs` ago and not past its time to live. */
  lookup(key: string, maxAgeMs: number): Promise<CacheLookup>;
  /** Stores `completion` for `ttlMs`; false when it was not stored (too large, or the store is down). */
  store(key: string, completion: ChatCompletion, ttlMs: number): Promise<boolean>;
}

/**
 * Bytes by key with a time to live, shared by every instance: the port the Redis side
 * (shared-state/shared-answers.ts) implements. `read` answers `unavailable` instead of throwing.
 */
export interface SharedBytes {
  read(key: string): Promise<Uint8Array | undefined | typeof cacheUnavailable>;
  /** false when the store did not take it. */
  write(key: string, bytes: Uint8Array, ttlMs: number): Promise<boolean>;
}

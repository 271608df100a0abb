// The exact response cache in a store every instance shares (docs/caching.md "Redis"): entries
// compressed (encode-cached-answer.ts), each with the wall-clock time it was stored, so a key with a
// short ttl_s is served only young answers; the store forgets an entry after the writer's ttl. An
// answer whose JSON is larger than `maxEntryBytes` is not stored; `max_entries` and `max_bytes` are
// the memory LRU's bounds, Redis's own `maxmemory` bounds it here.
import type { CachePolicy } from '../core/cache-policy.ts';
import type { ChatCompletion } from '../core/chat.ts';
import { matchesGlob } from '../lib/match-glob.ts';
import { cacheUnavailable, type AnswerCache, type CacheLookup, type SharedBytes } from './answer-cache.ts';
import { decodeCachedAnswer, encodeCachedAnswer } from './encode-cached-answer.ts';

export class SharedResponseCache implements AnswerCache {
  readonly backend = 'redis';
  readonly policy: CachePolicy;
  readonly #bytes: SharedBytes;
  readonly #now: () => number;
  /** Called when a store failed to encode (not expected: zlib on a buffer in memory). */
  readonly #onError: (error: unknown) => void;

  constructor(policy: CachePolicy, bytes: SharedBytes, now: () => number, onError: (error: unknown) => void) {
    this.policy = policy;
    this.#bytes = bytes;
    this.#now = now;
    this.#onError = onError;
  }

  covers(model: string, models: readonly string[] = this.policy.models): boolean {
    return models.some((glob) => matchesGlob(glob, model));
  }

  async lookup(key: string, maxAgeMs: number): Promise<CacheLookup> {
    const bytes = await this.#bytes.read(key);
    if (bytes === undefined || bytes === cacheUnavailable) return bytes;
    const answer = decodeCachedAnswer(bytes, this.policy.maxEntryBytes);
    // Not ours (or not whole) reads as a miss; the fresh answer then replaces it.
    if (answer === undefined || answer.storedAt + maxAgeMs <= this.#now()) return undefined;
    return answer.completion;
  }

  async store(key: string, completion: ChatCompletion, ttlMs: number): Promise<boolean> {
    let bytes: Buffer | undefined;
    try {
      bytes = await encodeCachedAnswer({ completion, storedAt: this.#now() }, this.policy.maxEntryBytes);
    } catch (error) {
      this.#onError(error);
      return false;
    }
    return bytes !== undefined && this.#bytes.write(key, bytes, ttlMs);
  }
}

// The exact response cache in memory (docs/caching.md): completions by cache key, bounded by entry
// count and by bytes, the least recently used dropped first, each trusted for `ttlMs`. A Map keeps
// insertion order, so re-inserting a key on every hit makes its first key the least recently used.
import type { CachePolicy } from '../core/cache-policy.ts';
import type { ChatCompletion } from '../core/chat.ts';
import { matchesGlob } from '../lib/match-glob.ts';
import type { AnswerCache, CacheLookup } from './answer-cache.ts';


interface Entry {
  completion: ChatCompletion;
  bytes: number;
  storedAt: number;
  expiresAt: number;
}

export class ResponseCache implements AnswerCache {
  readonly backend = 'memory';
  readonly #entries = new Map<string, Entry>();
  readonly #policy: CachePolicy;
  readonly #now: () => number;
  #bytes = 0;

  constructor(policy: CachePolicy, now: () => number) {
    this.#policy = policy;
    this.#now = now;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Bytes held now: the sum of the stored answers' JSON lengths. */
  get bytes(): number {
    return this.#bytes;
  }

  get policy(): CachePolicy {
    return this.#policy;
  }

  /** Whether answers for `model` are cached at all (`models`: a key's own list instead of the global one). */
  covers(model: string, models: readonly string[] = this.#policy.models): boolean {
    return models.some((glob) => matchesGlob(glob, model));
  }

  /**
   * The answer stored under `key`, unless missing, past its time to live, or stored `maxAgeMs` ago
   * or earlier (a key with a shorter ttl is served only answers that young; the entry stays for others).
   */
  get(key: string, maxAgeMs: number = this.#policy.ttlMs): ChatCompletion | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#remove(key, entry);
    const now = this.#now();
    if (entry.expiresAt <= now) return undefined;
    this.#insert(key, entry);
    return entry.storedAt + maxAgeMs > now ? entry.completion : undefined;
  }

  lookup(key: string, maxAgeMs: number): Promise<CacheLookup> {
    return Promise.resolve(this.get(key, maxAgeMs));
  }

  store(key: string, completion: ChatCompletion, ttlMs: number): Promise<boolean> {
    return Promise.resolve(this.set(key, completion, ttlMs));
  }

  /** Stores `completion` for `ttlMs`; false when it alone is larger than `maxEntryBytes` or `maxBytes` (nothing is evicted for it). */
  set(key: string, completion: ChatCompletion, ttlMs: number = this.#policy.ttlMs): boolean {
    const bytes = Buffer.byteLength(JSON.stringify(completion));
    if (bytes > this.#policy.maxBytes || bytes > this.#policy.maxEntryBytes) return false;
    const previous = this.#entries.get(key);
    if (previous !== undefined) this.#remove(key, previous);
    const now = this.#now();
    this.#insert(key, { completion, bytes, storedAt: now, expiresAt: now + ttlMs });
    while (this.#entries.size > this.#policy.maxEntries || this.#bytes > this.#policy.maxBytes) {
      const oldest = this.#entries.entries().next();
      if (oldest.done === true) break;
      this.#remove(...oldest.value);
    }
    return true;
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  #insert(key: string, entry: Entry): void {
    this.#entries.set(key, entry);
    this.#bytes += entry.bytes;
  }

  #remove(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }
}

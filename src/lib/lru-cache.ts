// A bounded cache: at most `maxEntries` values, the least recently used one dropped first, each
// value trusted for the time-to-live it was stored with. A Map keeps insertion order, so deleting
// and re-inserting a key on every hit makes its first key the least recently used one.

export class LruCache<K, V> {
  readonly #entries = new Map<K, { value: V; expiresAt: number }>();
  readonly #maxEntries: number;
  readonly #now: () => number;
  /** Whether #newest holds the most recently used key: a hit on it needs no move (a delete and set per hit reshaped a small Map's table each time). */
  #hasNewest = false;
  #newest: K | undefined;

  constructor(maxEntries: number, now: () => number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
    this.#maxEntries = maxEntries;
    this.#now = now;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The value stored under `key`, unless it is missing or older than its time-to-live. */
  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    const newest = this.#hasNewest && this.#newest === key;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      if (newest) this.#forgetNewest();
      return undefined;
    }
    if (!newest) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
      this.#markNewest(key);
    }
    return entry.value;
  }

  set(key: K, value: V, ttlMs: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: this.#now() + ttlMs });
    this.#markNewest(key);
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
  }

  clear(): void {
    this.#entries.clear();
    this.#forgetNewest();
  }

  #markNewest(key: K): void {
    this.#hasNewest = true;
    this.#newest = key;
  }

  #forgetNewest(): void {
    this.#hasNewest = false;
    this.#newest = undefined;
  }
}

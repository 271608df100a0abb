// The exact response cache's bounds (config `cache`, docs/caching.md); defaults in src/config/defaults.ts.

export interface CachePolicy {
  /** How long a stored answer is served (config `cache.ttl_s`, in ms here). */
  ttlMs: number;
  /** Most answers held (config `cache.max_entries`). */
  maxEntries: number;
  /** Most bytes held, counted as the answers' JSON text (config `cache.max_bytes`). */
  maxBytes: number;
  /** Client model names or globs whose answers are cached (config `cache.models`). */
  models: readonly string[];
  /** Largest answer stored, as its JSON text (config `cache.max_entry_bytes`): a larger one is not stored. */
  maxEntryBytes: number;
  /** A hit settles the stored answer's usage against the key's tpm, quota and budget (config `cache.charge_hits`). */
  chargeHits: boolean;
}

/**
 * One key's own cache settings (a key's `cache`, docs/caching.md "Per key"): whether its requests
 * read and write the shared cache at all, and the time to live and models that replace the global
 * ones for its requests. Absent on a key: the global settings.
 */
export interface KeyCacheSettings {
  /** false: this key's requests neither read nor write the cache (never a hit). */
  enabled: boolean;
  /** Replaces `ttlMs` for this key: its answers are stored this long, and it is served none older. */
  ttlMs: number | undefined;
  /** Replaces `models` for this key. */
  models: readonly string[] | undefined;
}

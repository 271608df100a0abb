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
}

// The exact response cache's entries in Redis (docs/caching.md "Redis"), shared by every instance:
// bytes by key, written with `SET … PX <ttl>` so Redis forgets them by itself, read with one GET.
// Keys are `<prefix>cache:v1:<sha-256 of the request>` (the cache key is already a hash: no request
// text in Redis key names). Like every shared decision here it fails fast: while Redis is down (or
// did not answer within the command bound) a lookup answers `unavailable` at once, a store is
// dropped, and each is counted as degraded (`sluice_shared_state_degraded_total{what="cache"}`):
// the request goes on without the cache, never fails for it.
import type { BytesRedisClient, SharedRedisClient } from './open-redis.ts';
import { reasonOf, withinMs } from './shared-rate-limits.ts';
import type { SharedStateStatus } from './shared-state-status.ts';

/** Read by the relay's cache as its `cacheUnavailable`: the same text, without importing relay/. */
const unavailable = 'unavailable';

export interface SharedAnswersOptions {
  client: SharedRedisClient;
  /** `client` answering bulk strings as Buffers (open-redis.ts `withBytesReplies`: only that file loads @redis/client). */
  bytesClient: BytesRedisClient;
  status: SharedStateStatus;
  keyPrefix: string;
  commandTimeoutMs: number;
}

export class SharedAnswers {
  readonly #options: SharedAnswersOptions;
  // The same connection, answering bulk strings as Buffers: entries are compressed bytes, not text.
  readonly #bytes: BytesRedisClient;

  constructor(options: SharedAnswersOptions) {
    this.#options = options;
    this.#bytes = options.bytesClient;
  }

  /** The Redis key of a cache key (a hex SHA-256). */
  keyOf(key: string): string {
    return `${this.#options.keyPrefix}cache:v1:${key}`;
  }

  async read(key: string): Promise<Uint8Array | undefined | typeof unavailable> {
    const { status, commandTimeoutMs } = this.#options;
    if (!status.usable) {
      status.degraded('cache');
      return unavailable;
    }
    try {
      const value = await withinMs(this.#bytes.get(this.keyOf(key)), commandTimeoutMs);
      status.succeeded();
      return value ?? undefined;
    } catch (error) {
      status.failed(reasonOf(error));
      status.degraded('cache');
      return unavailable;
    }
  }

  async write(key: string, bytes: Uint8Array, ttlMs: number): Promise<boolean> {
    const { client, status, commandTimeoutMs } = this.#options;
    if (!status.usable) {
      status.degraded('cache');
      return false;
    }
    try {
      await withinMs(client.set(this.keyOf(key), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { expiration: { type: 'PX', value: Math.max(1, Math.round(ttlMs)) } }), commandTimeoutMs);
      status.succeeded();
      return true;
    } catch (error) {
      status.failed(reasonOf(error));
      status.degraded('cache');
      return false;
    }
  }
}

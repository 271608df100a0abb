// Whether the store takes writes, for /readyz: a write probe (one tiny upsert) at most once per
// `probeIntervalMs`, its result cached; between probes, any real write that failed (a log batch, an
// admin change) marks the store unwritable at once, and on SQLite the file's identity is checked on
// every read, since a deleted file still "takes" writes.
import type { Logger } from 'pino';
import type { StoreMetrics } from '../metrics/store-metrics.ts';
import type { Store } from '../store/index.ts';

export interface StoreHealthPolicy {
  /** The longest a probe result is reused; readiness checks in between cost nothing. */
  probeIntervalMs: number;
}

export const defaultStoreHealthPolicy: StoreHealthPolicy = { probeIntervalMs: 5000 };

export interface StoreCondition {
  writable: boolean;
  /** Why not, in the store's own words. */
  reason?: string;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class StoreHealth {
  readonly #store: Pick<Store, 'probeWrite' | 'findFileChange'>;
  readonly #now: () => number;
  readonly #policy: StoreHealthPolicy;
  readonly #logger: Logger;
  readonly #metrics: StoreMetrics | undefined;
  #condition: StoreCondition = { writable: true };
  #checkedAt = Number.NEGATIVE_INFINITY;
  #probing: Promise<void> | undefined;

  constructor(store: Pick<Store, 'probeWrite' | 'findFileChange'>, logger: Logger, options: { now?: () => number; policy?: StoreHealthPolicy; metrics?: StoreMetrics | undefined } = {}) {
    this.#store = store;
    this.#logger = logger;
    this.#now = options.now ?? Date.now;
    this.#policy = options.policy ?? defaultStoreHealthPolicy;
    this.#metrics = options.metrics;
  }

  /** The store's condition: a fresh probe when the last is older than the interval. */
  async read(): Promise<StoreCondition> {
    const fileChange = this.#store.findFileChange();
    if (fileChange !== undefined) {
      this.#set({ writable: false, reason: fileChange });
      return this.#condition;
    }
    if (this.#now() - this.#checkedAt >= this.#policy.probeIntervalMs) {
      this.#probing ??= this.#probe().finally(() => {
        this.#probing = undefined;
      });
      await this.#probing;
    }
    return this.#condition;
  }

  /** A real write failed with a store error: not writable until the next probe succeeds. */
  reportFailure(error: unknown): void {
    this.#set({ writable: false, reason: describe(error) });
    this.#checkedAt = this.#now();
  }

  async #probe(): Promise<void> {
    try {
      await this.#store.probeWrite();
      this.#set({ writable: true });
    } catch (error) {
      this.#set({ writable: false, reason: describe(error) });
    }
    this.#checkedAt = this.#now();
  }

  #set(condition: StoreCondition): void {
    if (condition.writable !== this.#condition.writable) {
      if (condition.writable) this.#logger.warn('the store takes writes again');
      else this.#logger.error({ reason: condition.reason }, `the store cannot take writes: ${condition.reason ?? 'unknown'}`);
      this.#metrics?.storeWritable(condition.writable);
    }
    this.#condition = condition;
  }
}

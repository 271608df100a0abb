// Requests refused before authentication (no key, a wrong key) cost nothing to send, and each would
// be a log line and a stored row: a flood of them from one address would fill the disk. Each client
// address gets `rowsPerWindow` of them per window; past that they are only counted (a metric, and
// one log line per address and window saying so). The map of addresses is bounded: when it is full,
// addresses not in it share one bucket.

export interface RefusalRowPolicy {
  /** Refusal rows (and log lines) stored per client address per window. */
  rowsPerWindow: number;
  windowMs: number;
  /** Client addresses tracked at once; more share one bucket. */
  maxAddresses: number;
}

/** The refusals this applies to: the client's key is missing or unknown. */
export function isRefusedBeforeAuthentication(code: string): boolean {
  return code === 'missing_api_key' || code === 'invalid_api_key';
}

export const defaultRefusalRowPolicy: RefusalRowPolicy = { rowsPerWindow: 100, windowMs: 60_000, maxAddresses: 10_000 };

/** The shared bucket of addresses beyond `maxAddresses`. */
const overflowBucket = '(other addresses)';

interface Window {
  startedAt: number;
  refusals: number;
}

export class RefusalRowLimiter {
  readonly #policy: RefusalRowPolicy;
  readonly #now: () => number;
  readonly #onLimitReached: (address: string, policy: RefusalRowPolicy) => void;
  readonly #onSuppressed: () => void;
  readonly #windows = new Map<string, Window>();

  constructor(
    hooks: { onLimitReached: (address: string, policy: RefusalRowPolicy) => void; onSuppressed: () => void },
    options: { policy?: RefusalRowPolicy; now?: () => number } = {},
  ) {
    this.#policy = options.policy ?? defaultRefusalRowPolicy;
    this.#now = options.now ?? Date.now;
    this.#onLimitReached = hooks.onLimitReached;
    this.#onSuppressed = hooks.onSuppressed;
  }

  /** true: log and store this refusal; false: it was counted only. */
  admit(address: string | undefined): boolean {
    const now = this.#now();
    const window = this.#windowOf(address ?? 'unknown', now);
    window.refusals += 1;
    if (window.refusals <= this.#policy.rowsPerWindow) return true;
    if (window.refusals === this.#policy.rowsPerWindow + 1) this.#onLimitReached(address ?? 'unknown', this.#policy);
    this.#onSuppressed();
    return false;
  }

  /** Addresses tracked now (tests, and a bound that can be asserted). */
  get trackedAddresses(): number {
    return this.#windows.size;
  }

  #windowOf(address: string, now: number): Window {
    let key = address;
    if (!this.#windows.has(key) && this.#windows.size >= this.#policy.maxAddresses) {
      this.#forgetEnded(now);
      if (this.#windows.size >= this.#policy.maxAddresses) key = overflowBucket;
    }
    const existing = this.#windows.get(key);
    if (existing !== undefined && now - existing.startedAt < this.#policy.windowMs) return existing;
    const fresh = { startedAt: now, refusals: 0 };
    this.#windows.set(key, fresh);
    return fresh;
  }

  #forgetEnded(now: number): void {
    for (const [key, window] of this.#windows) {
      if (now - window.startedAt >= this.#policy.windowMs) this.#windows.delete(key);
    }
  }
}

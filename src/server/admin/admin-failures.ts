// Wrong admin keys, counted per client address: after `maxFailures` in a window, that address is
// refused (429 with Retry-After) until the window ends, whatever key it sends, so guessing the key
// runs at `maxFailures` per window instead of thousands per second. Other addresses are unaffected.
// The table is bounded: past `maxClients` addresses the least recently seen is forgotten, so a flood
// of addresses costs a fixed amount of memory (and, at worst, forgets some counts).

export interface AdminFailurePolicy {
  /** Wrong keys an address may send within one window before it is refused. */
  maxFailures: number;
  windowMs: number;
  /** Addresses remembered at once. */
  maxClients: number;
}

/** 10 wrong keys per 5 minutes per address; 10,000 addresses remembered (about 1 MB at most). */
export const defaultAdminFailurePolicy: Readonly<AdminFailurePolicy> = Object.freeze({ maxFailures: 10, windowMs: 5 * 60_000, maxClients: 10_000 });

interface FailureWindow {
  startedAt: number;
  failures: number;
}

export class AdminFailures {
  readonly #policy: AdminFailurePolicy;
  readonly #now: () => number;
  /** Insertion order is recency order: a touched entry is re-inserted at the end. */
  readonly #windows = new Map<string, FailureWindow>();

  constructor(now: () => number, policy: AdminFailurePolicy = defaultAdminFailurePolicy) {
    this.#now = now;
    this.#policy = policy;
  }

  /** Seconds until `client` may try again, or undefined when it may try now. */
  retryAfterSeconds(client: string): number | undefined {
    const window = this.#current(client);
    if (window === undefined || window.failures < this.#policy.maxFailures) return undefined;
    return Math.max(1, Math.ceil((window.startedAt + this.#policy.windowMs - this.#now()) / 1000));
  }

  recordFailure(client: string): void {
    const window = this.#current(client) ?? { startedAt: this.#now(), failures: 0 };
    window.failures += 1;
    this.#windows.delete(client);
    this.#windows.set(client, window);
    if (this.#windows.size > this.#policy.maxClients) {
      const oldest = this.#windows.keys().next();
      if (oldest.done !== true) this.#windows.delete(oldest.value);
    }
  }

  recordSuccess(client: string): void {
    this.#windows.delete(client);
  }

  get trackedClients(): number {
    return this.#windows.size;
  }

  #current(client: string): FailureWindow | undefined {
    const window = this.#windows.get(client);
    if (window === undefined) return undefined;
    if (this.#now() - window.startedAt >= this.#policy.windowMs) {
      this.#windows.delete(client);
      return undefined;
    }
    return window;
  }
}

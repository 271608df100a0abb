// Whether the shared state (Redis) is usable right now, as one flag every decision reads without a
// round trip. Down on a client disconnect or a failed command; while down, decisions are local
// (docs/scale-out.md §E3). A failed command keeps it down for `retryAfterFailureMs` even if the
// connection looks fine (a hung Redis), so it costs one command timeout per interval, not one per
// request. Each transition is reported once.

export interface SharedStateCondition {
  /** `up`: decisions are shared; `down`: each instance decides on its share of the limits. */
  redis: 'up' | 'down';
  /** Why it is down, while it is. */
  reason?: string;
}

/** What was decided locally: rpm/tpm (and leased slots), a quota held in the store instead of Redis, a refused key kept to this instance, a health check run without an owner, a response-cache lookup or store skipped. */
export type DegradedWhat = 'rate' | 'quota' | 'key_refusal' | 'health' | 'cache';

export interface StatusEvents {
  onTransition(up: boolean, reason: string): void;
  /** A decision was taken locally (or, for a quota, in the store) because the shared state was down. */
  onDegraded(what: DegradedWhat): void;
}

export class SharedStateStatus {
  #connected = false;
  #failedUntil = 0;
  #reported: boolean | undefined;
  #reason = 'not connected yet';
  readonly #events: StatusEvents;
  readonly #now: () => number;
  readonly #retryAfterFailureMs: number;

  constructor(events: StatusEvents, now: () => number, retryAfterFailureMs: number) {
    this.#events = events;
    this.#now = now;
    this.#retryAfterFailureMs = retryAfterFailureMs;
  }

  /** Whether to ask Redis now. */
  get usable(): boolean {
    return this.#connected && this.#now() >= this.#failedUntil;
  }

  connected(): void {
    this.#connected = true;
    this.#failedUntil = 0;
    this.#report(true, 'connected');
  }

  disconnected(reason: string): void {
    this.#connected = false;
    this.#report(false, reason);
  }

  /** A command failed (timeout, error reply, connection lost mid-command). */
  failed(reason: string): void {
    this.#failedUntil = this.#now() + this.#retryAfterFailureMs;
    this.#report(false, reason);
  }

  /** A command answered: up again after a failure, if the connection is. */
  succeeded(): void {
    if (this.#connected) this.#report(true, 'a command answered');
  }

  degraded(what: DegradedWhat = 'rate'): void {
    this.#events.onDegraded(what);
  }

  describe(): SharedStateCondition {
    return this.#reported === true ? { redis: 'up' } : { redis: 'down', reason: this.#reason };
  }

  #report(up: boolean, reason: string): void {
    if (!up) this.#reason = reason;
    if (this.#reported === up) return;
    this.#reported = up;
    this.#events.onTransition(up, reason);
  }
}

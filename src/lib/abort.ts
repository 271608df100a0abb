// Abort plumbing: child controllers that follow a parent, abortable sleeps, and a watchdog timer.

export interface LinkedAbort {
  signal: AbortSignal;
  abort(reason: unknown): void;
  /** Stops following the parent (call when the work is over, so listeners do not pile up). */
  dispose(): void;
}

/**
 * A controller that aborts when any of `parents` does, with that parent's reason, and can abort on
 * its own. Its listener is a function named before it is stored: for an object listener
 * (`handleEvent`) Node's EventTarget stores `this.callback = async (...args) => …`
 * (lib/internal/event_target.js, Listener), a function literal assigned to a property, which V8
 * allocates in the old generation, so each link and what its signal reached outlived the
 * young-generation collections (docs/benchmarks.md, "Fixed per-request work, round six").
 */
class LinkedController extends AbortController implements LinkedAbort {
  readonly #parents: readonly AbortSignal[];
  readonly #onParentAbort: (event: Event) => void;

  constructor(parents: readonly AbortSignal[]) {
    super();
    this.#parents = parents;
    const onParentAbort = (event: Event): void => {
      this.abort((event.target as AbortSignal).reason);
    };
    this.#onParentAbort = onParentAbort;
    for (const parent of parents) {
      if (parent.aborted) {
        this.abort(parent.reason);
        return;
      }
    }
    for (const parent of parents) parent.addEventListener('abort', onParentAbort, { once: true });
  }

  dispose(): void {
    for (const parent of this.#parents) parent.removeEventListener('abort', this.#onParentAbort);
  }
}

export function linkAbort(...parents: [AbortSignal, ...AbortSignal[]]): LinkedAbort {
  return new LinkedController(parents);
}

function expireDeadline(deadline: DeadlineLink): void {
  deadline.expire();
}

/**
 * A link that also aborts at a deadline (`endsAt`, on `performance.now()`'s clock) with `reason()`.
 * Its own timer runs until a watchdog that ends it at the same moment takes it over (`watched`, then
 * `handOver`): a held stream then keeps one timer, not two (issue 13, memory per held stream).
 */
export abstract class DeadlineLink extends LinkedController {
  readonly endsAt: number;
  /** Set by a watchdog that holds this deadline too (`startWatchdog`'s limit); the owner may then `handOver`. */
  watched = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(parent: AbortSignal, ms: number) {
    super([parent]);
    this.endsAt = performance.now() + ms;
    this.#timer = setTimeout(expireDeadline, ms, this);
    this.#timer.unref();
  }

  /** The error the deadline aborts with. */
  protected abstract reason(): unknown;

  /** The deadline has passed: abort with its reason. */
  expire(): void {
    this.abort(this.reason());
  }

  /** A watchdog ends it from now on: its own timer goes. */
  handOver(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  override dispose(): void {
    this.handOver();
    super.dispose();
  }
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export interface Watchdog {
  /** Restarts the countdown, with a new length when given. */
  kick(ms?: number): void;
  /** No more countdowns between kicks: only the limit (if any) still runs, until `stop`. */
  limitOnly(): void;
  stop(): void;
}

/** A bound on the watchdog's whole life, kicks or not: a call's total deadline. */
export interface WatchdogLimit {
  ms: number;
  onExpire: (ms: number) => void;
}

function expireWatchdog(watchdog: LimitedWatchdog): void {
  watchdog.expire();
}

/**
 * One timer for a countdown that kicks restart and a limit they do not: armed for whichever ends
 * first. While the countdown ends first a kick is `refresh()` (cheap per chunk); once the limit is
 * nearer than a countdown, the timer is left for the limit and kicks do nothing. A held stream keeps
 * it for its whole life (issue 13): its owner extends it, so the countdown's and the limit's ends are
 * its methods, and the timer calls a module function with it, not closures over it
 * (docs/benchmarks.md, "Held stream, round nine").
 */
export abstract class LimitedWatchdog implements Watchdog {
  readonly #limitMs: number | undefined;
  readonly #endsAt: number;
  #length: number;
  #timer: NodeJS.Timeout | undefined;
  /** The timer is armed for the limit (or for nothing): kicks no longer move it. */
  #final = false;
  #stopped = false;

  /** A countdown of `ms`, and with `limitMs` a bound on the whole life, kicks or not. */
  constructor(ms: number, limitMs: number | undefined) {
    this.#limitMs = limitMs;
    this.#endsAt = limitMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + limitMs;
    this.#length = ms;
    this.#arm(ms);
  }

  /** No kick for `ms`. */
  protected abstract countdownExpired(ms: number): void;

  /** `limitMs` passed since the start. */
  protected abstract limitExpired(ms: number): void;

  /** The timer's end: once, unless stopped. */
  expire(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#final && this.#limitMs !== undefined) this.limitExpired(this.#limitMs);
    else this.countdownExpired(this.#length);
  }

  #arm(length: number | undefined): void {
    const remaining = this.#endsAt - performance.now();
    this.#final = length === undefined || remaining <= length;
    const delay = this.#final ? remaining : length;
    if (delay === undefined || delay === Number.POSITIVE_INFINITY) return;
    this.#timer = setTimeout(expireWatchdog, Math.max(0, delay), this);
    this.#timer.unref();
  }

  kick(next = this.#length): void {
    if (this.#stopped || this.#final) return;
    if (next === this.#length && this.#endsAt - performance.now() > next) {
      this.#timer?.refresh();
      return;
    }
    clearTimeout(this.#timer);
    this.#length = next;
    this.#arm(next);
  }

  limitOnly(): void {
    if (this.#stopped || this.#final) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#arm(undefined);
  }

  /** For good: a later kick does not re-arm it. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }
}

/** `startWatchdog`'s: the ends as callbacks. */
class CallbackWatchdog extends LimitedWatchdog {
  readonly #onExpire: (ms: number) => void;
  readonly #limit: WatchdogLimit | undefined;

  constructor(ms: number, onExpire: (ms: number) => void, limit: WatchdogLimit | undefined) {
    super(ms, limit?.ms);
    this.#onExpire = onExpire;
    this.#limit = limit;
  }

  protected countdownExpired(ms: number): void {
    this.#onExpire(ms);
  }

  protected limitExpired(): void {
    this.#limit?.onExpire(this.#limit.ms);
  }
}

/**
 * Calls `onExpire` when `kick` has not been called for `ms`; with a `limit`, calls `limit.onExpire`
 * once `limit.ms` have passed since the start, kicks or not. One timer for both.
 */
export function startWatchdog(ms: number, onExpire: (ms: number) => void, limit?: WatchdogLimit): Watchdog {
  return new CallbackWatchdog(ms, onExpire, limit);
}

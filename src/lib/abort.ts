// Abort plumbing: child controllers that follow a parent, abortable sleeps, and a watchdog timer.

export interface LinkedAbort {
  signal: AbortSignal;
  abort(reason: unknown): void;
  /** Stops following the parent (call when the work is over, so listeners do not pile up). */
  dispose(): void;
}

/** What a signal's abort is handed to by `followAbort`: an object with a method, no function per follower. */
export interface AbortFollower {
  followedAborted(reason: unknown): void;
}

/** On the signal of an `AbortNode`: the node, whose followers it calls itself (no EventTarget listener). */
const nodeOfSignal = Symbol('sluice.abortNode');

type NodeSignal = AbortSignal & { [nodeOfSignal]?: AbortNode };

/**
 * An AbortController that hands its abort to its followers directly. A request's chain of aborts (the
 * relay's, the request's deadline, each attempt, the upstream call) was one EventTarget listener per
 * link: each `addEventListener` made a listener object and the signal's map of event types, each
 * `removeEventListener` a lookup through `super` in V8's runtime and a shrink of that map: ~4 µs of
 * the event loop a non-stream request, and ~1 KB (docs/benchmarks.md "Round nineteen"). Listeners
 * added to its signal the usual way still fire, first.
 */
export class AbortNode extends AbortController {
  /** One follower at most in the common case (a chain); more in an array. */
  #first: AbortFollower | undefined;
  #more: AbortFollower[] | undefined;

  constructor() {
    super();
    (this.signal as NodeSignal)[nodeOfSignal] = this;
  }

  override abort(reason?: unknown): void {
    const signal = this.signal;
    if (signal.aborted) return;
    super.abort(reason);
    const first = this.#first;
    const more = this.#more;
    this.#first = undefined;
    this.#more = undefined;
    first?.followedAborted(signal.reason);
    if (more !== undefined) for (const follower of more) follower.followedAborted(signal.reason);
  }

  follow(follower: AbortFollower): void {
    if (this.#first === undefined) this.#first = follower;
    else (this.#more ??= []).push(follower);
  }

  unfollow(follower: AbortFollower): void {
    if (this.#first === follower) {
      this.#first = undefined;
      return;
    }
    const more = this.#more;
    const at = more === undefined ? -1 : more.indexOf(follower);
    if (at >= 0) more?.splice(at, 1);
  }
}

/** Listeners for signals of other controllers, one per follower and signal, to remove them again. */
const listeners = new WeakMap<AbortFollower, Map<AbortSignal, () => void>>();

/**
 * Calls `follower.followedAborted(reason)` when `signal` aborts from now on (not for an abort before:
 * check `signal.aborted` first, as with `addEventListener`). A node's signal calls it directly; any
 * other signal through a listener.
 */
export function followAbort(signal: AbortSignal, follower: AbortFollower): void {
  const node = (signal as NodeSignal)[nodeOfSignal];
  if (node !== undefined) {
    node.follow(follower);
    return;
  }
  const onAbort = (): void => {
    forgetListener(signal, follower);
    follower.followedAborted(signal.reason);
  };
  let bySignal = listeners.get(follower);
  if (bySignal === undefined) {
    bySignal = new Map();
    listeners.set(follower, bySignal);
  }
  bySignal.set(signal, onAbort);
  signal.addEventListener('abort', onAbort, { once: true });
}

function forgetListener(signal: AbortSignal, follower: AbortFollower): (() => void) | undefined {
  const bySignal = listeners.get(follower);
  const onAbort = bySignal?.get(signal);
  bySignal?.delete(signal);
  if (bySignal?.size === 0) listeners.delete(follower);
  return onAbort;
}

/** Stops `followAbort(signal, follower)`; nothing when it no longer follows. */
export function unfollowAbort(signal: AbortSignal, follower: AbortFollower): void {
  const node = (signal as NodeSignal)[nodeOfSignal];
  if (node !== undefined) {
    node.unfollow(follower);
    return;
  }
  const onAbort = forgetListener(signal, follower);
  if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
}

/**
 * A controller that aborts when any of `parents` does, with that parent's reason, and can abort on
 * its own. It follows each parent with `followAbort`: a parent that is a node calls it directly.
 */
class LinkedController extends AbortNode implements LinkedAbort, AbortFollower {
  readonly #parents: readonly AbortSignal[];

  constructor(parents: readonly AbortSignal[]) {
    super();
    this.#parents = parents;
    for (const parent of parents) {
      if (parent.aborted) {
        this.abort(parent.reason);
        return;
      }
    }
    for (const parent of parents) followAbort(parent, this);
  }

  followedAborted(reason: unknown): void {
    this.abort(reason);
  }

  dispose(): void {
    for (const parent of this.#parents) unfollowAbort(parent, this);
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
 * Its own timer is armed only when its owner waits on it with nothing else watching (`arm`): while a
 * watchdog that ends it at the same moment runs (`watched`), the watchdog's timer is the deadline's,
 * and a held stream keeps that one timer, not two (`handOver`; issue 13, memory per held stream). A
 * non-stream request whose one try is watched sets no timer of its own: a setTimeout and its
 * clearTimeout less a request (docs/benchmarks.md "Round twenty-two").
 */
export abstract class DeadlineLink extends LinkedController {
  readonly endsAt: number;
  /** Set by a watchdog that holds this deadline too (`startWatchdog`'s limit); the owner may then `handOver`. */
  watched = false;
  #timer: NodeJS.Timeout | undefined;
  /** Handed over or disposed: its timer is never armed again. */
  #over = false;

  constructor(parent: AbortSignal, ms: number) {
    super([parent]);
    this.endsAt = performance.now() + ms;
  }

  /** Its own timer, from now to `endsAt` (at once when that has passed); once, and never after `handOver`. */
  arm(): void {
    if (this.#timer !== undefined || this.#over || this.signal.aborted) return;
    this.#timer = setTimeout(expireDeadline, Math.max(0, this.endsAt - performance.now()), this);
    this.#timer.unref();
  }

  /** The error the deadline aborts with. */
  protected abstract reason(): unknown;

  /** The deadline has passed: abort with its reason. */
  expire(): void {
    this.abort(this.reason());
  }

  /** A watchdog ends it from now on: its own timer goes, and is not armed again. */
  handOver(): void {
    this.#over = true;
    if (this.#timer === undefined) return;
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

  #arm(length: number): void {
    const remaining = this.#endsAt - performance.now();
    this.#final = remaining <= length;
    const delay = this.#final ? remaining : length;
    if (delay === Number.POSITIVE_INFINITY) return;
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

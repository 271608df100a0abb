// Abort plumbing: child controllers that follow a parent, abortable sleeps, and a watchdog timer.

export interface LinkedAbort {
  signal: AbortSignal;
  abort(reason: unknown): void;
  /** Stops following the parent (call when the work is over, so listeners do not pile up). */
  dispose(): void;
}

/**
 * A controller that aborts when any of `parents` does, with that parent's reason, and can abort on
 * its own. The controller is its own listener (`handleEvent`): one object per link, no closures,
 * since a held stream keeps several links alive for its whole life (issue 13, memory per stream).
 */
class LinkedController extends AbortController implements LinkedAbort {
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
    for (const parent of parents) parent.addEventListener('abort', this, { once: true });
  }

  handleEvent(event: Event): void {
    this.abort((event.target as AbortSignal).reason);
  }

  dispose(): void {
    for (const parent of this.#parents) parent.removeEventListener('abort', this);
  }
}

export function linkAbort(...parents: [AbortSignal, ...AbortSignal[]]): LinkedAbort {
  return new LinkedController(parents);
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

/** Calls `onExpire` when `kick` has not been called for `ms`. One timer, refreshed: cheap per chunk. */
export function startWatchdog(ms: number, onExpire: (ms: number) => void): Watchdog {
  let length = ms;
  let stopped = false;
  let timer = setTimeout(() => {
    onExpire(length);
  }, length);
  timer.unref();
  return {
    kick(next = length) {
      if (stopped) return;
      if (next === length) {
        timer.refresh();
        return;
      }
      clearTimeout(timer);
      length = next;
      timer = setTimeout(() => {
        onExpire(length);
      }, length);
      timer.unref();
    },
    /** For good: a later kick does not re-arm it. */
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

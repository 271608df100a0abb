// An undici interceptor that hands the call's handler a stand-in for undici's controller and drops
// the stand-in's link to the real one once the answer has ended or failed.
//
// Why: undici's `request()` handler (RequestHandler, node_modules/undici/lib/api/api-request.js:92)
// keeps `this.abort = (reason) => controller.abort(reason)`. V8 allocates a function literal assigned
// to a property straight in the old generation (its parser's CheckAssigningFunctionLiteralToProperty
// marks it for pretenuring), so that closure outlives every young-generation collection until the
// next full GC, and with it the closure's context, which holds the controller. From undici's
// controller the whole call is reachable (the connection's abort closure → the request → the handler
// → the response's headers, its body stream, the reader's closures, the encoded request body), so
// every call was promoted to the old generation: ~5 KB a request even one at a time, scavenges of
// 10–30 ms (docs/benchmarks.md, "Promoted upstream calls, round five"). Through the stand-in the
// closure reaches one small object and nothing past it once the call is over.
import type { Dispatcher } from 'undici';

type Handler = Dispatcher.DispatchHandler;
type Headers = Parameters<NonNullable<Handler['onResponseStart']>>[2];
type RawHeaders = NonNullable<Dispatcher.DispatchController['rawHeaders']> | null;
type Socket = Parameters<NonNullable<Handler['onRequestUpgrade']>>[3];

/** Forwards to undici's controller while the answer runs; inert once it ended or failed. */
class DetachableController implements Dispatcher.DispatchController {
  #target: Dispatcher.DispatchController | null;
  /** undici's last word, once detached. */
  #aborted = false;
  #reason: Error | null = null;

  constructor(target: Dispatcher.DispatchController) {
    this.#target = target;
  }

  get aborted(): boolean {
    return this.#target?.aborted ?? this.#aborted;
  }

  get paused(): boolean {
    return this.#target?.paused ?? false;
  }

  get reason(): Error | null {
    return this.#target === null ? this.#reason : this.#target.reason;
  }

  get rawHeaders(): RawHeaders {
    return this.#target?.rawHeaders ?? null;
  }

  get rawTrailers(): RawHeaders {
    return this.#target?.rawTrailers ?? null;
  }

  abort(reason: Error): void {
    this.#target?.abort(reason);
  }

  pause(): void {
    this.#target?.pause();
  }

  resume(): void {
    this.#target?.resume();
  }

  /** The call is over: undici no longer needs the handler to reach it (an abort or resume now is a no-op there too). */
  detach(): void {
    if (this.#target === null) return;
    this.#aborted = this.#target.aborted;
    this.#reason = this.#target.reason;
    this.#target = null;
  }
}

/** The handler undici calls; the wrapped one sees only the stand-in. */
class DetachingHandler implements Handler {
  readonly #handler: Handler;
  #controller: DetachableController | undefined;

  constructor(handler: Handler) {
    this.#handler = handler;
  }

  /** undici reports a call that failed before it started (a refused connection) with no controller: nothing to stand in for. */
  #standIn(controller: Dispatcher.DispatchController | undefined): Dispatcher.DispatchController {
    if (this.#controller === undefined && controller !== undefined && controller !== null) this.#controller = new DetachableController(controller);
    return this.#controller ?? (controller as Dispatcher.DispatchController);
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.#controller?.detach();
    this.#controller = new DetachableController(controller);
    this.#handler.onRequestStart?.(this.#controller, context);
  }

  onRequestUpgrade(controller: Dispatcher.DispatchController, statusCode: number, headers: Headers, socket: Socket): void {
    this.#handler.onRequestUpgrade?.(this.#standIn(controller), statusCode, headers, socket);
  }

  /**
   * undici keeps the answer's raw headers on its controller for the whole call (Buffers cut from the
   * socket's first read, which they keep too: ~2 KB a held stream, docs/benchmarks.md "Held stream,
   * round six"); the handler read them in this call (api-request.js), so they go once it returns.
   */
  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: Headers, statusMessage?: string): void {
    try {
      this.#handler.onResponseStart?.(this.#standIn(controller), statusCode, headers, statusMessage);
    } finally {
      controller.rawHeaders = null;
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#handler.onResponseData?.(this.#standIn(controller), chunk);
  }

  onResponseEnd(controller: Dispatcher.DispatchController, trailers: Headers): void {
    try {
      this.#handler.onResponseEnd?.(this.#standIn(controller), trailers);
    } finally {
      this.#controller?.detach();
    }
  }

  onResponseError(controller: Dispatcher.DispatchController | undefined, error: Error): void {
    try {
      this.#handler.onResponseError?.(this.#standIn(controller), error);
    } finally {
      this.#controller?.detach();
    }
  }

  onResponseStarted(): void {
    this.#handler.onResponseStarted?.();
  }

  onBodySent(chunk: Buffer): void {
    this.#handler.onBodySent?.(chunk);
  }

  onRequestSent(): void {
    this.#handler.onRequestSent?.();
  }
}

/** For `agent.compose(…)`: every call's handler wrapped as above. */
export function detachCallController(dispatch: Dispatcher.Dispatch): Dispatcher.Dispatch {
  return function dispatchDetached(options, handler) {
    return dispatch(options, new DetachingHandler(handler));
  };
}

// One upstream call through undici's dispatcher, with the contract of undici's `request()` as the
// upstream client uses it (status, parsed headers, a Readable body with backpressure; the signal
// aborts the call or destroys the body; a body destroyed before its end aborts the call), but
// without request()'s handler, an AsyncResource: in a loop of calls alone, every call's handler,
// body stream and everything they reach survived V8's young-generation collections (~5 KB a call
// promoted to the old generation) where the same calls through this handler leave 0.1 KB, and the
// call allocates ~1.7 KB less (docs/benchmarks.md, "Non-stream allocations, round four").
import { Readable } from 'node:stream';
import { errors, type Dispatcher } from 'undici';

export type CallHeaders = Record<string, string | string[] | undefined>;

export interface CallOptions {
  method: Dispatcher.HttpMethod;
  headers: Record<string, string>;
  body: string | Uint8Array | Readable;
  signal: AbortSignal;
  headersTimeout: number;
  bodyTimeout: number;
}

export interface CallResponse {
  statusCode: number;
  headers: CallHeaders;
  body: Readable;
}

const noop = (): void => undefined;

/** The answer's body: read() resumes the paused connection; destroyed before its end, the call is aborted. */
class CallBody extends Readable {
  readonly #controller: Dispatcher.DispatchController;
  /** undici delivered the whole body (what is left is in this stream's buffer). */
  complete = false;

  constructor(controller: Dispatcher.DispatchController) {
    super();
    this.#controller = controller;
  }

  override _read(): void {
    this.#controller.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.complete) this.#controller.abort(error ?? new errors.RequestAbortedError());
    callback(error);
  }
}

class CallHandler implements Dispatcher.DispatchHandler {
  readonly #resolve: (response: CallResponse) => void;
  readonly #reject: (error: unknown) => void;
  readonly #signal: AbortSignal;
  readonly #requestBody: CallOptions['body'];
  #controller: Dispatcher.DispatchController | undefined;
  #body: CallBody | undefined;
  #settled = false;
  #listening = false;

  constructor(options: CallOptions, resolve: (response: CallResponse) => void, reject: (error: unknown) => void) {
    this.#resolve = resolve;
    this.#reject = reject;
    this.#signal = options.signal;
    this.#requestBody = options.body;
    if (!options.signal.aborted) {
      options.signal.addEventListener('abort', this, { once: true });
      this.#listening = true;
    }
  }

  /** The signal aborted: the body is destroyed with its reason, or the call aborted. */
  handleEvent(): void {
    this.#listening = false;
    const reason: unknown = this.#signal.reason ?? new errors.RequestAbortedError();
    if (this.#body !== undefined) this.#body.on('error', noop).destroy(reason as Error);
    else this.#controller?.abort(reason as Error);
  }

  #stopListening = (): void => {
    if (!this.#listening) return;
    this.#listening = false;
    this.#signal.removeEventListener('abort', this);
  };

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.#signal.aborted) {
      controller.abort((this.#signal.reason as Error | undefined) ?? new errors.RequestAbortedError());
      return;
    }
    this.#controller = controller;
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: CallHeaders): void {
    if (statusCode < 200) return;
    const body = new CallBody(controller);
    this.#body = body;
    if (this.#listening) body.on('close', this.#stopListening);
    this.#settled = true;
    this.#resolve({ statusCode, headers, body });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#body?.push(chunk) === false) controller.pause();
  }

  onResponseEnd(): void {
    if (this.#body === undefined) return;
    this.#body.complete = true;
    this.#body.push(null);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (!this.#settled) {
      this.#settled = true;
      queueMicrotask(() => {
        this.#reject(error);
      });
    }
    const body = this.#body;
    if (body !== undefined) {
      this.#body = undefined;
      queueMicrotask(() => {
        body.on('error', noop).destroy(error);
      });
    }
    const requestBody = this.#requestBody;
    if (requestBody instanceof Readable) requestBody.on('error', noop).destroy(error);
    this.#stopListening();
  }
}

/** POSTs (or any method) `url` through `dispatcher`; resolves at the answer's headers. */
export function dispatchCall(dispatcher: Dispatcher, url: string, options: CallOptions): Promise<CallResponse> {
  return new Promise((resolve, reject) => {
    try {
      const target = new URL(url);
      if (target.protocol !== 'http:' && target.protocol !== 'https:') {
        throw new errors.InvalidArgumentError('Invalid URL protocol: the URL must start with `http:` or `https:`.');
      }
      const handler = new CallHandler(options, resolve, reject);
      dispatcher.dispatch(
        {
          origin: target.origin,
          path: target.search === '' ? target.pathname : `${target.pathname}${target.search}`,
          method: options.method,
          headers: options.headers,
          body: options.body,
          headersTimeout: options.headersTimeout,
          bodyTimeout: options.bodyTimeout,
        },
        handler,
      );
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      if (options.body instanceof Readable) options.body.on('error', noop).destroy(failure);
      reject(failure);
    }
  });
}

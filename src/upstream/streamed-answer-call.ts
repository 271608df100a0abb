// A call whose answer is read as it comes (a stream, or a body read chunk by chunk): undici's
// dispatch() with a handler that hands the body's chunks to the reader itself, instead of
// request()'s handler (an AsyncResource), its Readable body and the stream events that read it, as
// whole-answer-call.ts does for an answer read whole (docs/benchmarks.md, "Streamed upstream calls,
// round seven"). The same bounds as a body read through request(): undici's timeouts, the cap on
// the decoded body, the content-encoding decoders, the socket paused while the reader is behind,
// and every failure described as before. An uncompressed body (every LLM stream seen) is fed to
// `StreamedAnswerBody`; a compressed one to a plain Readable that the decoders read, as before.
import { Readable, type Transform } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { GatewayError } from '../core/errors.ts';
import type { UpstreamResponse } from '../core/upstream.ts';
import { readDispatchedHead, type DispatchScope } from './read-answer-head.ts';
import { describeSendFailure } from './describe-send-failure.ts';
import type { BodyScope } from './read-upstream-body.ts';
import { UpstreamBody } from './read-whole-body.ts';
import { queuedBytesBeforePause, StreamedAnswerBody } from './streamed-answer-body.ts';
import { followAbort, unfollowAbort, type AbortFollower } from '../lib/abort.ts';

type Controller = Dispatcher.DispatchController;
type Headers = Record<string, string | string[] | undefined>;

/**
 * The compressed body's bytes as the decoders read them: a Readable fed by the handler, which pauses
 * the socket when it is full and resumes it when read, and cuts the call when the reader destroys it
 * (what undici's own body did, node_modules/undici/lib/api/readable.js).
 */
function feedReadable(controller: Controller): Readable {
  return new Readable({
    highWaterMark: queuedBytesBeforePause,
    read() {
      controller.resume();
    },
    destroy(error, callback) {
      controller.abort(error ?? new Error('The reader stopped reading the upstream body'));
      callback(error);
    },
  });
}

/**
 * The dispatch handler: resolves `answered` at the headers with the response, then feeds its body.
 * A class with methods, no function literal stored on it: V8 pretenures those, which kept whole
 * calls alive through young-generation collections (detach-call-controller.ts).
 */
export class StreamedAnswerCall implements Dispatcher.DispatchHandler, AbortFollower {
  readonly #scope: DispatchScope;
  readonly #answered: (response: UpstreamResponse) => void;
  readonly #failed: (error: GatewayError) => void;
  #controller: Controller | undefined;
  #body: StreamedAnswerBody | undefined;
  #fed: Readable | undefined;
  /** The answer has been handed on, or refused, or failed before it: later reports change nothing but the body. */
  #answeredOnce = false;
  #listening = true;
  readonly #stopListening: () => void;

  constructor(scope: DispatchScope, answered: (response: UpstreamResponse) => void, failed: (error: GatewayError) => void) {
    this.#scope = scope;
    this.#answered = answered;
    this.#failed = failed;
    // A function named before it is stored (a literal assigned to a property is pretenured:
    // detach-call-controller.ts); the call itself follows the signal (src/lib/abort.ts).
    const stopListening = (): void => {
      if (!this.#listening) return;
      this.#listening = false;
      unfollowAbort(scope.signal, this);
    };
    this.#stopListening = stopListening;
    followAbort(scope.signal, this);
  }

  followedAborted(reason: unknown): void {
    this.#controller?.abort(reason as Error);
  }

  onRequestStart(controller: Controller): void {
    this.#controller = controller;
    if (this.#scope.signal.aborted) controller.abort(this.#scope.signal.reason as Error);
  }

  onResponseStart(controller: Controller, status: number, headers: Headers): void {
    const read = readDispatchedHead(this.#scope, status, headers);
    if (read === undefined) return;
    const { bodyScope, head } = read;
    this.#answeredOnce = true;
    if (head.kind === 'refused') {
      this.#stopListening();
      this.#scope.onEnd();
      this.#failed(head.error);
      controller.abort(head.error);
      return;
    }
    this.#answered({ status, headers: head.headers, body: this.#bodyFor(controller, head.decoders, bodyScope) });
  }

  #bodyFor(controller: Controller, decoders: readonly Transform[], bodyScope: BodyScope): AsyncIterable<Uint8Array> {
    if (decoders.length === 0) {
      this.#body = new StreamedAnswerBody(controller, bodyScope, this.#stopListening);
      return this.#body;
    }
    this.#fed = feedReadable(controller);
    return new UpstreamBody(this.#fed, decoders, bodyScope);
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    if (this.#body !== undefined) this.#body.push(chunk);
    else if (this.#fed?.push(chunk) === false) controller.pause();
  }

  onResponseEnd(): void {
    this.#stopListening();
    if (this.#body !== undefined) this.#body.end();
    else this.#fed?.push(null);
  }

  onResponseError(_controller: Controller | undefined, error: Error): void {
    this.#stopListening();
    if (!this.#answeredOnce) {
      this.#answeredOnce = true;
      this.#scope.onEnd();
      this.#failed(describeSendFailure(error, this.#scope));
      return;
    }
    // As request()'s body was: destroyed with undici's error, which the reader describes.
    if (this.#body !== undefined) this.#body.fail(describeSendFailure(error, this.#scope));
    else this.#fed?.destroy(error);
  }
}

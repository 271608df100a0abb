// A call whose answer is read whole (a JSON answer, not a stream): undici's dispatch() with a
// handler that gathers the body's chunks itself, instead of request()'s handler, its Readable body
// and the stream events that read it. Per non-stream call that is one Readable, its nextTicks and
// listeners, and request()'s AsyncResource fewer: ~20 µs less main-thread CPU a call in a
// standalone loop (docs/benchmarks.md, "Fixed per-request work, round six"). The same bounds as a
// body read through request(): the timeouts (undici's, or the caller's watchdog, told of each piece),
// the cap on the decoded body, the content-encoding decoders (read-whole-body.ts), and every failure
// described as before.
import { Readable, type Transform } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { GatewayError } from '../core/errors.ts';
import type { UpstreamResponse } from '../core/upstream.ts';
import { readDispatchedHead, type DispatchScope } from './read-answer-head.ts';
import { describeSendFailure } from './describe-send-failure.ts';
import { bodyTooLarge, type BodyScope } from './read-upstream-body.ts';
import { readWholeUpstreamBody } from './read-whole-body.ts';
import { followAbort, unfollowAbort, type AbortFollower } from '../lib/abort.ts';

type Controller = Dispatcher.DispatchController;
type Headers = Record<string, string | string[] | undefined>;
type Outcome = { bytes: Uint8Array } | { error: Error };

/** The answer's body: read whole (`readAll`, once) or iterated as one chunk (debug capture tees it). */
export class WholeAnswerBody implements AsyncIterable<Uint8Array> {
  #outcome: Outcome | undefined;
  #waiting: { resolve: (bytes: Uint8Array) => void; reject: (error: unknown) => void } | undefined;

  /** Settled once by the call; a body nobody reads leaves no rejected promise behind. */
  settle(outcome: Outcome): void {
    if (this.#outcome !== undefined) return;
    this.#outcome = outcome;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting === undefined) return;
    if ('bytes' in outcome) waiting.resolve(outcome.bytes);
    else waiting.reject(outcome.error);
  }

  /** The bytes, when the whole body has come already; undefined: not yet, or it failed (readAll() says how). */
  readNow(): Uint8Array | undefined {
    const outcome = this.#outcome;
    return outcome !== undefined && 'bytes' in outcome ? outcome.bytes : undefined;
  }

  readAll(): Promise<Uint8Array> {
    const outcome = this.#outcome;
    if (outcome !== undefined) return 'bytes' in outcome ? Promise.resolve(outcome.bytes) : Promise.reject(outcome.error);
    const { promise, resolve, reject } = Promise.withResolvers<Uint8Array>();
    this.#waiting = { resolve, reject };
    return promise;
  }

  async *[Symbol.asyncIterator](): AsyncIterableIterator<Uint8Array> {
    const bytes = await this.readAll();
    if (bytes.byteLength > 0) yield bytes;
  }
}

/**
 * The dispatch handler: resolves `answered` at the headers with the response, then gathers the
 * body. A class with methods, no function literal stored on it: V8 pretenures those, which kept
 * whole calls alive through young-generation collections (detach-call-controller.ts).
 */
export class WholeAnswerCall implements Dispatcher.DispatchHandler, AbortFollower {
  readonly #scope: DispatchScope;
  readonly #answered: (response: UpstreamResponse) => void;
  readonly #failed: (error: GatewayError) => void;
  #controller: Controller | undefined;
  #body: WholeAnswerBody | undefined;
  #bodyScope: BodyScope | undefined;
  /** The content-encoding's decoders, run over the whole body at its end. */
  #decoders: readonly Transform[] = [];
  #chunks: Buffer[] = [];
  #received = 0;
  #over = false;

  constructor(scope: DispatchScope, answered: (response: UpstreamResponse) => void, failed: (error: GatewayError) => void) {
    this.#scope = scope;
    this.#answered = answered;
    this.#failed = failed;
    // The call follows its signal as an object with a method (src/lib/abort.ts): no listener function,
    // and none at all when the signal is an attempt's, which calls it directly.
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
    if (head.kind === 'refused') {
      this.#refuse(controller, head.error);
      return;
    }
    this.#decoders = head.decoders;
    this.#bodyScope = bodyScope;
    this.#body = new WholeAnswerBody();
    this.#answered({ status, headers: head.headers, body: this.#body });
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    const bodyScope = this.#bodyScope;
    if (this.#over || bodyScope === undefined) return;
    this.#received += chunk.byteLength;
    // Compressed bytes are held to the cap too: a body is never held past it, decoded or not.
    if (this.#received > bodyScope.capBytes) {
      const error = bodyTooLarge(bodyScope);
      this.#finish({ error });
      controller.abort(error);
      return;
    }
    this.#chunks.push(chunk);
    this.#scope.watchdog?.bodyRead();
  }

  onResponseEnd(): void {
    const bodyScope = this.#bodyScope;
    if (this.#over || bodyScope === undefined) return;
    const bytes = Buffer.concat(this.#chunks, this.#received);
    if (this.#decoders.length === 0) {
      this.#finish({ bytes });
      return;
    }
    // Decoded as a body read through request() is (read-whole-body.ts, which ends the scope): the
    // same cap on the decoded bytes, the same words for a body that does not decode.
    this.#over = true;
    this.#chunks = [];
    unfollowAbort(this.#scope.signal, this);
    const body = this.#body;
    readWholeUpstreamBody(Readable.from([bytes]), this.#decoders, bodyScope).then(
      (decoded) => {
        body?.settle({ bytes: decoded });
      },
      (error: unknown) => {
        body?.settle({ error: error as Error });
      },
    );
  }

  onResponseError(_controller: Controller | undefined, error: Error): void {
    if (this.#body === undefined) {
      if (this.#over) return;
      this.#over = true;
      unfollowAbort(this.#scope.signal, this);
      this.#scope.onEnd();
      this.#failed(describeSendFailure(error, this.#scope));
      return;
    }
    this.#finish({ error: describeSendFailure(error, this.#scope) });
  }

  #refuse(controller: Controller, error: GatewayError): void {
    this.#over = true;
    unfollowAbort(this.#scope.signal, this);
    this.#scope.onEnd();
    this.#failed(error);
    controller.abort(error);
  }

  #finish(outcome: Outcome): void {
    if (this.#over) return;
    this.#over = true;
    this.#chunks = [];
    for (const decoder of this.#decoders) decoder.destroy();
    unfollowAbort(this.#scope.signal, this);
    this.#scope.onEnd();
    this.#body?.settle(outcome);
  }
}

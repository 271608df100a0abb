// The only code that opens sockets (docs/design.md). One undici Agent per connect timeout, reused across
// requests for keep-alive pooling, owned by the client that start-up creates and closes (no module
// globals). Each call is bounded: the channel's connect / first-byte / idle timeouts (undici's, or the
// caller's watchdog when it has one), its `timeouts.total_ms` for the whole call (the stream included), and
// its `limits` on the decoded body.
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { Agent, request, type ResponseData } from './undici-parts.ts';
import type { TimeoutPolicy, UpstreamLimits } from '../core/channel.ts';
import { GatewayError } from '../core/errors.ts';
import type { BodyWatchdog, UpstreamRequest, UpstreamResponse } from '../core/upstream.ts';
import { linkAbort } from '../lib/abort.ts';
import { readAnswerHead } from './read-answer-head.ts';
import { detachCallController } from './detach-call-controller.ts';
import { describeSendFailure } from './describe-send-failure.ts';
import type { BodyScope } from './read-upstream-body.ts';
import { UpstreamBody } from './read-whole-body.ts';
import { StreamedAnswerCall } from './streamed-answer-call.ts';
import { WholeAnswerCall } from './whole-answer-call.ts';
import type { DispatchScope } from './read-answer-head.ts';

/** JSON, one buffer, or a form's pieces streamed in order (its files written from the client's buffer, not copied). */
function encodeBody(upstreamRequest: UpstreamRequest): string | Uint8Array | Readable {
  const raw = upstreamRequest.raw;
  if (raw === undefined) return JSON.stringify(upstreamRequest.body);
  return raw instanceof Uint8Array ? raw : Readable.from(raw, { objectMode: false });
}

export interface SendOptions {
  channel: string;
  signal: AbortSignal;
  timeouts: TimeoutPolicy;
  limits: UpstreamLimits;
  /** The call asks for a stream: a 2xx body is held to `limits.streamBytes`, not `bodyBytes`. */
  stream: boolean;
  /**
   * The caller's signal already ends the call at `timeouts.total_ms` (an attempt's watchdog,
   * src/relay/run-attempt.ts): no timer and abort link of the call's own, one of each less per
   * held stream (issue 13).
   */
  deadlineHeld?: boolean;
  /**
   * The caller's watchdog times the first byte and the silences between pieces of the answer (an
   * attempt's, src/relay/run-attempt.ts): undici sets no header or body timer of its own, and a whole
   * answer tells the watchdog of each piece of its body it reads. undici's header timer was a new timer
   * object a call, held in its timer list up to a second after the call and so promoted to the old
   * generation: ~95 B of the ~115 a call left there (docs/benchmarks.md "Round twenty-five").
   */
  watchdog?: BodyWatchdog;
  /**
   * The answer is read whole (a JSON answer, not a stream): a handler that gathers the body
   * (whole-answer-call.ts) instead of one that hands it on as it comes (streamed-answer-call.ts).
   */
  whole?: boolean;
}

interface ParsedTarget {
  origin: string;
  path: string;
}

/** Upstream URLs kept parsed (UpstreamClient's #targetOf); more than a config's channels and models yield in practice. */
export const maxParsedTargets = 256;

/** How long idle pooled connections are kept open. */
const keepAliveTimeoutMs = 30_000;

/** What the body is and which cap holds it, for this status and mode. */
function capFor(status: number, options: SendOptions): Pick<BodyScope, 'what' | 'capBytes' | 'capSetting'> {
  if (status >= 400) return { what: 'an error body', capBytes: options.limits.bodyBytes, capSetting: 'limits.upstream_body_bytes' };
  if (options.stream) return { what: 'a stream', capBytes: options.limits.streamBytes, capSetting: 'limits.upstream_stream_bytes' };
  return { what: 'an answer', capBytes: options.limits.bodyBytes, capSetting: 'limits.upstream_body_bytes' };
}

const heldByCaller = (): void => undefined;

/** The call's own deadline (`timeouts.total_ms` of the channel) on top of the caller's signal, unless the caller holds it. */
function startCallDeadline(options: SendOptions): { signal: AbortSignal; end: () => void } {
  if (options.deadlineHeld === true) return { signal: options.signal, end: heldByCaller };
  const call = linkAbort(options.signal);
  const { totalMs } = options.timeouts;
  const timer = setTimeout(() => {
    call.abort(new GatewayError('upstream_timeout', `${options.channel} took longer than its total limit of ${totalMs} ms (timeouts.total_ms)`, { upstream: { channel: options.channel } }));
  }, totalMs);
  timer.unref();
  return {
    signal: call.signal,
    end: () => {
      clearTimeout(timer);
      call.dispose();
    },
  };
}

export class UpstreamClient {
  readonly #agents = new Map<number, Agent>();
  /** Each agent as calls go through it: with the controller stand-in of detach-call-controller.ts. */
  readonly #dispatchers = new Map<number, Dispatcher>();
  readonly #targets = new Map<string, ParsedTarget>();

  #dispatcherFor(connectMs: number): Dispatcher {
    let dispatcher = this.#dispatchers.get(connectMs);
    if (dispatcher === undefined) {
      const agent = new Agent({ connect: { timeout: connectMs }, keepAliveTimeout: keepAliveTimeoutMs, connections: null, pipelining: 1 });
      dispatcher = agent.compose(detachCallController);
      this.#agents.set(connectMs, agent);
      this.#dispatchers.set(connectMs, dispatcher);
    }
    return dispatcher;
  }

  /**
   * The origin and path of an upstream URL, parsed once: the URLs come from the channels' base URLs, and
   * a WHATWG parse per call cost ~0.5 KB and a URL object. A dialect may put the model in the path
   * (Azure's deployments), and a glob channel serves any model a client names, so the set is bounded:
   * past `maxParsedTargets` it starts over.
   */
  #targetOf(url: string): ParsedTarget {
    let target = this.#targets.get(url);
    if (target === undefined) {
      const parsed = new URL(url);
      target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
      if (this.#targets.size >= maxParsedTargets) this.#targets.clear();
      this.#targets.set(url, target);
    }
    return target;
  }

  /** Sends one call; an arrow so it can be handed on as a plain function. */
  readonly send = (upstreamRequest: UpstreamRequest, options: SendOptions): Promise<UpstreamResponse> =>
    upstreamRequest.raw === undefined ? this.#dispatch(upstreamRequest, options) : this.#sendRequested(upstreamRequest, options);

  /**
   * A JSON request through undici's dispatch() with Sluice's own handler: the answer gathered whole
   * (whole-answer-call.ts) or handed to its reader as it comes (streamed-answer-call.ts).
   */
  #dispatch(upstreamRequest: UpstreamRequest, options: SendOptions): Promise<UpstreamResponse> {
    const deadline = startCallDeadline(options);
    const scope: DispatchScope = { channel: options.channel, signal: deadline.signal, capFor: (status) => capFor(status, options), onEnd: deadline.end, watchdog: options.watchdog };
    const watched = options.watchdog !== undefined;
    return new Promise((answered, failed) => {
      if (deadline.signal.aborted) {
        deadline.end();
        failed(describeSendFailure(deadline.signal.reason, scope));
        return;
      }
      const call = options.whole === true ? new WholeAnswerCall(scope, answered, failed) : new StreamedAnswerCall(scope, answered, failed);
      try {
        const target = this.#targetOf(upstreamRequest.url);
        this.#dispatcherFor(options.timeouts.connectMs).dispatch(
          {
            origin: target.origin,
            path: target.path,
            method: 'POST',
            headers: upstreamRequest.headers,
            body: JSON.stringify(upstreamRequest.body),
            // 0 turns undici's timer off; the watchdog times both.
            headersTimeout: watched ? 0 : options.timeouts.firstByteMs,
            bodyTimeout: watched ? 0 : options.timeouts.idleMs,
          },
          call,
        );
      } catch (error) {
        call.onResponseError(undefined, error as Error);
      }
    });
  }

  /**
   * Raw bytes (a form's pieces streamed in order, issue 18's uploads) through undici's request() and
   * its Readable body. The tests of the dispatched paths (whole-answer-call.test.ts,
   * streamed-answer-call.test.ts) hold them to the
   * outcomes of this one.
   */
  async #sendRequested(upstreamRequest: UpstreamRequest, options: SendOptions): Promise<UpstreamResponse> {
    const deadline = startCallDeadline(options);
    const scope = { channel: options.channel, signal: deadline.signal };
    let response: ResponseData;
    try {
      response = await request(upstreamRequest.url, {
        method: 'POST',
        headers: upstreamRequest.headers,
        body: encodeBody(upstreamRequest),
        signal: deadline.signal,
        dispatcher: this.#dispatcherFor(options.timeouts.connectMs),
        headersTimeout: options.timeouts.firstByteMs,
        bodyTimeout: options.timeouts.idleMs,
      });
    } catch (error) {
      deadline.end();
      throw describeSendFailure(error, scope);
    }
    const status = response.statusCode;
    const bodyScope: BodyScope = { ...scope, status, ...capFor(status, options), onEnd: deadline.end };
    const refuse = (error: GatewayError): GatewayError => {
      // undici reports a body destroyed before its end as an abort: expected here, not a failure.
      response.body.on('error', () => undefined).destroy();
      deadline.end();
      return error;
    };
    const head = readAnswerHead(response.headers, bodyScope);
    if (head.kind === 'refused') throw refuse(head.error);
    return { status, headers: head.headers, body: new UpstreamBody(response.body, head.decoders, bodyScope) };
  }

  /** Closes every pooled connection (start-up's onClose, once nothing is in flight). */
  async close(): Promise<void> {
    const agents = [...this.#agents.values()];
    this.#agents.clear();
    this.#dispatchers.clear();
    await Promise.all(agents.map((agent) => agent.destroy()));
  }
}

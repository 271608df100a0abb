// The lifecycle every relayed request shares: a record from the start, the upstream aborted when
// the client leaves, errors rendered in the one place, x-sluice-* headers, and exactly one
// finishRequest (log line, metrics, log row) at the end, whatever happened.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError, PassedUpstreamError } from '../core/errors.ts';
import { capText, maskSecrets, type Capture } from '../relay/capture.ts';
import type { RelayDependencies } from '../relay/relay-dependencies.ts';
import type { AnswerCache } from '../relay/answer-cache.ts';
import { createRequestRecord, upstreamTimeMs, type RequestRecord } from '../relay/request-record.ts';
import { usedTokensOf, type Admission, type AdmissionControl, type QuoteUsd } from './account-request.ts';
import type { Pricing } from '../relay/price-request.ts';
import type { Caller } from './authenticate.ts';
import type { RenderedError } from '../core/ingress-codec.ts';
import { renderError, toGatewayError } from './render-error.ts';
import { AbortNode } from '../lib/abort.ts';
import type { InFlightLink } from '../lib/in-flight-list.ts';
import { followShutdown, type ShutdownFollower } from './follow-shutdown.ts';

export interface RouteOptions {
  relay: RelayDependencies;
  keepaliveMs: number;
  /** Per-key concurrency, rpm, tpm and quota: taken by `Exchange.admit`, settled when the request ends. */
  admission: AdmissionControl;
  /** Each request's cost from its usage (set on the record before it settles and is logged), and quotes for budgets. */
  pricing: Pricing;
  /** Called once per request, when it is over: the log line, the metrics, the log row. */
  finishRequest: (record: RequestRecord, caller: Caller | undefined, request: FastifyRequest) => void;
  onStreamStart: () => void;
  onStreamEnd: () => void;
  /** Debug capture for every request of this caller (SLUICE_DEBUG=1, or the key's switch). */
  captureAll: (caller: Caller | undefined) => boolean;
  /** Aborted (with `shutting_down`) when the shutdown deadline passes: what still runs ends then. */
  shutdownSignal: AbortSignal;
  /** The exact response cache of chat answers (config `cache`, docs/caching.md); absent: off. */
  responseCache?: AnswerCache | undefined;
}

export interface Exchange {
  request: FastifyRequest;
  reply: FastifyReply;
  record: RequestRecord;
  caller: Caller | undefined;
  /** The relay's signal: the client went away, or the shutdown deadline passed. */
  signal: AbortSignal;
  /** The client went away: nothing more can be written to it. */
  clientSignal: AbortSignal;
  started: number;
  /**
   * Admits the request against its key's limits, reserving `estimateTokens()` (counted only when the
   * key has a tpm limit or a quota); called once the key, the model and the body are accepted (a
   * refused request spends nothing). `quoteUsd`, the request's upper-bound cost, is asked only for a
   * key with a budget. Throws a 429. Undefined: admitted at once (a key that waits on nothing), with no promise to await.
   */
  admit(estimateTokens: () => number, quoteUsd?: QuoteUsd): Promise<void> | undefined;
  /**
   * The handler returns while the request goes on (a committed stream written by callbacks): the
   * request is finished — failure recorded, admission settled, log line, metrics, log row — when
   * the returned function is called, exactly once, with the error that ended it, if any.
   */
  hold(): (error?: unknown) => Promise<void>;
}

export function recordFailure(record: RequestRecord, error: GatewayError): void {
  record.status = error.status;
  record.errorCode = error.code;
  record.errorMessage = error.message;
}

/** Which channel and model answered, and after how many tries (x-sluice-* response headers). */
export function describeRouting(record: RequestRecord, started: number): Record<string, string> {
  // Sluice's own share of the time so far (TensorZero exposes the same idea as a metric).
  record.overheadMs = performance.now() - started - upstreamTimeMs(record);
  const headers: Record<string, string> = { 'x-sluice-attempts': String(record.attempts.length), 'x-sluice-overhead-ms': record.overheadMs.toFixed(3) };
  if (record.channel !== undefined) headers['x-sluice-channel'] = record.channel;
  if (record.answeredModel !== undefined) headers['x-sluice-model'] = record.answeredModel;
  if (record.upstreamStream !== undefined) headers['x-sluice-upstream-stream'] = String(record.upstreamStream);
  if (record.adaptations.length > 0) headers['x-sluice-adaptations'] = record.adaptations.join(', ');
  return headers;
}

/** The client's side of a captured exchange, capped and with every secret masked. */
function finishCapture(capture: Capture, body: unknown, relay: RelayDependencies): void {
  // A body that is not text (a multipart upload) keeps what its route described of it.
  capture.clientRequest = maskSecrets(capText(typeof body === 'string' ? body : capture.clientRequest, relay.captureCapBytes), relay.secrets);
  capture.clientResponse = maskSecrets(capText(capture.clientResponse, relay.captureCapBytes), relay.secrets);
}

/**
 * Follows the client's side of the connection: its close before the answer finished, or its abort of
 * the request, ends the exchange's client side (`RelayedExchange.clientLeft`), without a listener
 * linking one signal to another.
 */
function followClient(request: FastifyRequest, reply: FastifyReply, exchange: RelayedExchange): void {
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) exchange.clientLeft(new GatewayError('client_closed', 'The client closed the connection.'));
  });
  request.raw.on('aborted', () => {
    exchange.clientLeft(new GatewayError('client_closed', 'The client aborted the request.'));
  });
}

/**
 * Sends a JSON answer with the routing headers (and keeps it for a capture). Not awaited: with no
 * onSend hook fastify writes the answer within send(), and awaiting the reply (a thenable) cost two
 * more turns of the microtask queue per request (docs/benchmarks.md "Round fifteen").
 */
export function sendJson(exchange: Exchange, body: object): void {
  if (exchange.record.capture !== undefined) exchange.record.capture.clientResponse = JSON.stringify(body);
  void exchange.reply.code(200).headers(describeRouting(exchange.record, exchange.started)).send(body);
}

/** The client protocol's name for the record, and its error shape (absent: the OpenAI shape). */
export interface ClientProtocol {
  readonly protocol: string;
  renderError?: (error: GatewayError, requestId: string) => RenderedError;
}

/** An upstream's own error body for a client of its protocol (pass-through), else the client protocol's rendering of Sluice's error. */
function renderFor(client: ClientProtocol | undefined, failure: GatewayError, requestId: string): RenderedError {
  if (failure instanceof PassedUpstreamError) return { status: failure.upstream?.status ?? failure.status, headers: {}, body: failure.body };
  return client?.renderError === undefined ? renderError(failure, requestId) : client.renderError(failure, requestId);
}

/** The client's body size: its Content-Length when it sent one (the framework held it to that), else what was read. */
function measureBody(request: FastifyRequest): number | undefined {
  const declared = Number(request.headers['content-length']);
  if (Number.isSafeInteger(declared) && declared >= 0) return declared;
  const body: unknown = request.body;
  if (typeof body === 'string') return Buffer.byteLength(body);
  return Buffer.isBuffer(body) ? body.byteLength : undefined;
}

/** Lets go of the request's raw body (fastify keeps it on the request for the request's life). */
function dropBody(request: FastifyRequest): void {
  request.body = undefined;
}

export function createRelayedHandler(options: RouteOptions, handle: (exchange: Exchange) => Promise<void>, client?: ClientProtocol) {
  const shutdown = followShutdown(options.shutdownSignal);
  return async function handleRelayed(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const exchange = new RelayedExchange(request, reply, options, shutdown, client);
    try {
      await handle(exchange);
    } catch (error) {
      await exchange.fail(error);
    } finally {
      if (!exchange.held) exchange.finish();
    }
  };
}

/** One relayed request, from its record to its one `finish`: an object, not closures, as a held stream keeps it. */
class RelayedExchange implements Exchange {
  readonly started = performance.now();
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  readonly record: RequestRecord;
  readonly caller: Caller | undefined;
  readonly signal: AbortSignal;
  held = false;
  readonly #options: RouteOptions;
  readonly #shutdown: ShutdownFollower;
  /** Its place among the requests in flight, until `finish`. */
  readonly #inFlight: InFlightLink<AbortController> | undefined;
  readonly #client: ClientProtocol | undefined;
  /** A node (src/lib/abort.ts): the request's deadline follows it without a listener. */
  readonly #relay = new AbortNode();
  #admission: Admission | undefined;
  /** Why the client went away, once it has. */
  #clientGone: GatewayError | undefined;
  /** Made when a route first asks for `clientSignal` (a stream's writer does; a JSON answer need not). */
  #clientAbort: AbortController | undefined;

  constructor(request: FastifyRequest, reply: FastifyReply, options: RouteOptions, shutdown: ShutdownFollower, client: ClientProtocol | undefined) {
    this.request = request;
    this.reply = reply;
    this.caller = request.caller;
    this.record = createRequestRecord(request.id, '', false);
    if (client !== undefined) this.record.ingress = client.protocol;
    // Measured now: a held stream lets go of the body (`hold`), the log row still has its size.
    this.record.requestBytes = measureBody(request);
    this.#options = options;
    this.#shutdown = shutdown;
    this.#client = client;
    followClient(request, reply, this);
    this.#inFlight = shutdown.enter(this.#relay);
    this.signal = this.#relay.signal;
  }

  /**
   * The client went away: nothing more can be written to it. An AbortController made on first use, not
   * for every request: a non-stream answer reads only whether the client is gone (docs/benchmarks.md "Round eighteen").
   */
  get clientSignal(): AbortSignal {
    if (this.#clientAbort === undefined) {
      this.#clientAbort = new AbortController();
      if (this.#clientGone !== undefined) this.#clientAbort.abort(this.#clientGone);
    }
    return this.#clientAbort.signal;
  }

  /** The client closed the connection or aborted the request: its signal and the relay's abort, with the first reason. */
  clientLeft(reason: GatewayError): void {
    this.#clientGone ??= reason;
    this.#clientAbort?.abort(this.#clientGone);
    this.#relay.abort(this.#clientGone);
  }

  admit(estimateTokens: () => number, quoteUsd?: QuoteUsd): Promise<void> | undefined {
    const admitted = this.#options.admission.admit(this.caller, estimateTokens, this.signal, this.request.id, quoteUsd);
    if (!(admitted instanceof Promise)) {
      this.#admission = admitted;
      return undefined;
    }
    return admitted.then((admission) => {
      this.#admission = admission;
    });
  }

  hold(): (error?: unknown) => Promise<void> {
    this.held = true;
    // The raw body was parsed before the answer started; from here on only a capture reads it. A held
    // stream kept it for its whole life (docs/benchmarks.md "Held stream, round seven").
    if (this.record.capture === undefined) dropBody(this.request);
    return async (error?: unknown): Promise<void> => {
      try {
        if (error !== undefined) await this.fail(error);
      } finally {
        this.finish();
      }
    };
  }

  /** The request failed: recorded, and answered in the client's protocol when nothing was sent yet. */
  async fail(error: unknown): Promise<void> {
    const { record, reply, request, signal } = this;
    const failure = toGatewayError(signal.aborted ? signal.reason : error);
    recordFailure(record, failure);
    const rendered = renderFor(this.#client, failure, request.id);
    if (!reply.sent && this.#clientGone === undefined) await reply.code(rendered.status).headers({ ...rendered.headers, ...describeRouting(record, this.started) }).send(rendered.body);
  }

  /** Once per request, at its end, whatever happened. */
  finish(): void {
    const { record, request } = this;
    const options = this.#options;
    record.durationMs = performance.now() - this.started;
    options.pricing.price(record);
    this.#admission?.settle(usedTokensOf(record), record.costUsd);
    if (record.capture !== undefined) finishCapture(record.capture, request.body, options.relay);
    this.#shutdown.leave(this.#inFlight);
    options.finishRequest(record, this.caller, request);
  }
}

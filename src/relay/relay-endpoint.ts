// The other OpenAI endpoints (images, audio, moderations, rerank; issue 18, docs/endpoints.md) through
// the same attempt loop as chat: routing, retries and failover before the first byte reaches the
// client, breakers, keys, the channel's `overrides` (JSON bodies) and `headers`, debug capture. The
// body is re-sent to each channel with its model name (src/relay/encode-endpoint-body.ts). A `whole`
// answer is read inside the try (a body that breaks off fails over); a `streamed` one commits on its
// first bytes and the rest is the route's to pass on as it arrives.
import { isLearnedUnsupported, learnEndpointSupport } from '../adapt/learn-endpoint-support.ts';
import { learnRerankTexts, moveDocumentsToTexts, wantsRerankTexts } from '../adapt/learn-rerank-texts.ts';
import { applyMergePatch } from '../adapt/merge-patch.ts';
import { isJsonObject } from '../core/chat.ts';
import type { AnswerMode, EndpointBody, EndpointName } from '../core/endpoint.ts';
import { GatewayError } from '../core/errors.ts';
import type { UpstreamRequest } from '../core/upstream.ts';
import { readBodyBytes } from '../lib/describe-body-text.ts';
import { providerFor, runAttemptLoop } from './attempt-loop.ts';
import { captureFor, startExchangeCapture } from './capture-exchange.ts';
import { encodeEndpointBody } from './encode-endpoint-body.ts';
import { openUpstream } from './open-upstream.ts';
import { planAttempts, type Candidate } from './plan-attempts.ts';
import type { RelayContext, RelayDependencies } from './relay-dependencies.ts';

export interface EndpointCall {
  endpoint: EndpointName;
  /** The client's model name (routing, allow-lists and fallbacks use it). */
  model: string;
  body: EndpointBody;
  answer: AnswerMode;
}

export interface EndpointAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The channel that answered and the client model it answered for (a fallback's, after failover). */
  channel: string;
  clientModel: string;
  /** `whole`: the entire body. */
  bytes: Uint8Array | undefined;
  /**
   * `streamed`: the body from its first bytes on; reading it to the end (or leaving it with `return`)
   * settles the try, so the route must read it to the end or call its `return()`.
   */
  stream: AsyncIterableIterator<Uint8Array> | undefined;
}

/** The JSON body with the channel's merge patch applied (a form's fields are sent as the client wrote them). */
function patchBody(body: EndpointBody, overrides: Record<string, unknown> | undefined): EndpointBody {
  if (body.kind !== 'json' || overrides === undefined) return body;
  const patched = applyMergePatch(body.json, overrides);
  return isJsonObject(patched) ? { kind: 'json', json: patched } : body;
}

/** A rerank body with its documents as `texts`, for an upstream that said it reads them there (TEI). */
function sendAsTexts(body: EndpointBody): EndpointBody {
  return body.kind === 'json' ? { kind: 'json', json: moveDocumentsToTexts(body.json) } : body;
}

/**
 * The first bytes read inside the try, then the rest. `settle` runs exactly once, when the body ends,
 * fails, or is left with `return()` — also when it was never read (a generator's `finally` would not
 * run then, and the channel's slot would stay taken).
 */
class ResumedBody implements AsyncIterableIterator<Uint8Array> {
  #first: IteratorResult<Uint8Array> | undefined;
  readonly #rest: AsyncIterator<Uint8Array>;
  #settle: (() => void) | undefined;

  constructor(first: IteratorResult<Uint8Array>, rest: AsyncIterator<Uint8Array>, settle: () => void) {
    this.#first = first;
    this.#rest = rest;
    this.#settle = settle;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    const first = this.#first;
    this.#first = undefined;
    try {
      const result = first ?? (this.#settle === undefined ? { done: true as const, value: undefined } : await this.#rest.next());
      if (result.done === true) this.#end();
      return result;
    } catch (error) {
      this.#end();
      throw error;
    }
  }

  async return(): Promise<IteratorResult<Uint8Array>> {
    this.#first = undefined;
    if (this.#settle !== undefined) {
      this.#end();
      await this.#rest.return?.();
    }
    return { done: true, value: undefined };
  }

  #end(): void {
    const settle = this.#settle;
    this.#settle = undefined;
    settle?.();
  }
}

export async function relayEndpoint(call: EndpointCall, context: RelayContext, dependencies: RelayDependencies): Promise<EndpointAnswer> {
  const serving = planAttempts(dependencies.channels.snapshot().channels, dependencies.fallbacks, call.model, dependencies.random, dependencies.channelStats).filter(
    (candidate) => providerFor(dependencies, candidate.channel).endpoints?.serves(call.endpoint, candidate.channel) === true,
  );
  // Channels whose upstream said it has no such endpoint (a 404 for its path, learned) are left out until the lesson expires.
  const lacksEndpoint = (candidate: Candidate): boolean => isLearnedUnsupported(dependencies.learned.hintsFor(candidate.channel.name), candidate.upstreamModel, call.endpoint);
  const candidates = serving.filter((candidate) => !lacksEndpoint(candidate));
  if (candidates.length === 0) {
    const learned = serving.length === 0 ? '' : ` (${serving.map((candidate) => candidate.channel.name).join(', ')} answered that they have none; re-checked later)`;
    throw new GatewayError('endpoint_not_served', `No channel serving the model '${call.model}' has the ${call.endpoint} endpoint${learned}.`, { param: 'model' });
  }
  const streamed = call.answer === 'streamed';
  return runAttemptLoop<EndpointAnswer>({
    model: call.model,
    candidates,
    context,
    dependencies,
    prepare(candidate, provider, apiKey) {
      const { channel, upstreamModel } = candidate;
      const dialect = provider.endpoints;
      if (dialect === undefined) return new GatewayError('internal_error', `channel ${channel.name} has no ${call.endpoint} endpoint`);
      // Read once a try: a 404 learned in this request (just now) leaves this channel out, and a rerank
      // upstream's learned `texts` decides the body.
      const hints = dependencies.learned.hintsFor(channel.name);
      if (isLearnedUnsupported(hints, upstreamModel, call.endpoint)) return new GatewayError('endpoint_not_served', `${channel.name} has no ${call.endpoint} endpoint for '${upstreamModel}' (its upstream answered so).`, { param: 'model', upstream: { channel: channel.name } });
      const located = dialect.locate(call.endpoint, { channel, upstreamModel, apiKey });
      const attemptCapture = captureFor(channel, context, dependencies);
      const patched = patchBody(call.body, channel.overrides);
      const texts = call.endpoint === 'rerank' && wantsRerankTexts(hints, upstreamModel);
      const encoded = encodeEndpointBody(texts ? sendAsTexts(patched) : patched, upstreamModel, attemptCapture !== undefined);
      const upstreamRequest: UpstreamRequest = {
        url: located.url,
        // content-length: a form sent in pieces would otherwise go chunked, which not every upstream takes.
        headers: { ...located.headers, 'content-type': encoded.contentType, 'content-length': String(encoded.byteLength), ...channel.headers },
        body: encoded.summary,
        raw: encoded.bytes,
      };
      return {
        body: encoded.summary,
        upstreamStream: streamed,
        async run(signal, onSettled) {
          const capture = attemptCapture === undefined ? undefined : startExchangeCapture(upstreamRequest, attemptCapture);
          let handedOn = false;
          try {
            const response = await openUpstream(provider, upstreamRequest, {
              channel: channel.name,
              signal,
              timeouts: channel.timeouts,
              limits: channel.limits,
              stream: streamed,
              send: dependencies.send,
              ...(capture === undefined ? {} : { observe: capture.observe }),
            });
            const answer = { status: response.status, headers: response.headers, channel: channel.name, clientModel: candidate.clientModel };
            if (!streamed) return { ...answer, bytes: await readBodyBytes(response.body), stream: undefined };
            const rest = response.body[Symbol.asyncIterator]();
            const first = await rest.next();
            handedOn = true;
            const settle = (): void => {
              capture?.finish();
              onSettled();
            };
            return { ...answer, bytes: undefined, stream: new ResumedBody(first, rest, settle) };
          } finally {
            if (!handedOn) {
              capture?.finish();
              onSettled();
            }
          }
        },
        // Usage is the route's to read from the answer (rerank and images report it, audio does not).
        succeeded: () => undefined,
        // A rerank upstream asking for `texts` is learned only while they were not sent (the next try sends them).
        learnFrom: (error) => learnEndpointSupport(error, call.endpoint) ?? (call.endpoint === 'rerank' && !texts ? learnRerankTexts(error) : undefined),
        keepsRunning: () => streamed,
      };
    },
  });
}

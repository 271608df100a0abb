// A chat request in any client protocol (POST /v1/chat/completions, and the ingress codecs of
// issue 14): parse and validate at the edge into the internal chat request, relay, then write the
// answer in the client's protocol, as JSON or SSE.
import { estimateChatParts } from '../adapt/estimate-reservation.ts';
import { estimatorOf } from '../adapt/estimate-usage.ts';
import type { ChatRequest } from '../core/chat.ts';
import type { AnswerContext, IngressCodec } from '../core/ingress-codec.ts';
import type { RequestRecord } from '../relay/request-record.ts';
import { parseJsonText } from '../ingress/parse-json-text.ts';
import { droppedToolsAdaptation, relayChat } from '../relay/relay-chat.ts';
import { authorizeModel } from './authenticate.ts';
import { createRelayedHandler, sendJson, type RouteOptions } from './relayed-route.ts';
import { writeCommittedStream } from './write-committed-stream.ts';
import { replayCachedCompletion, replayCachedStream } from '../relay/replay-cached.ts';
import { cacheHeader, noCacheUse, planCacheUse, withRecordedUsage } from './plan-cache-use.ts';
import { collectCommittedStream } from '../relay/collect-committed-stream.ts';

/**
 * What a codec's answer and stream encoder know of the request. Made here, not in the handler: a
 * closure made there would keep the handler's whole scope (the parsed request, the raw body's
 * parse, the codec's state) as long as a stream encoder holds it; this keeps the prompt's text
 * for its token count (docs/benchmarks.md "Held stream, round seven").
 */
export function createAnswerContext(requestId: string, chatRequest: ChatRequest, record: RequestRecord): AnswerContext {
  const estimate = estimatorOf(chatRequest);
  let promptTokens: number | undefined;
  return {
    requestId,
    createdAt: Math.floor(Date.now() / 1000),
    promptTokens: () => (promptTokens ??= estimate('').prompt_tokens),
    noteAdaptation: (name: string) => {
      if (!record.adaptations.includes(name)) record.adaptations.push(name);
    },
  };
}

export function createChatHandler<State>(options: RouteOptions, codec: IngressCodec<State>) {
  return createRelayedHandler(
    options,
    async (exchange) => {
      const { request, reply, record, caller, signal } = exchange;
      const { chat: chatRequest, state, headers, sameDialect, untranslatable } = codec.parseRequest(parseJsonText(typeof request.body === 'string' ? request.body : ''), request.headers, request.query);
      if (headers !== undefined) reply.headers(headers);
      const answerContext = createAnswerContext(request.id, chatRequest, record);
      Object.assign(record, { clientModel: chatRequest.model, clientStream: chatRequest.stream === true });
      if (caller !== undefined) authorizeModel(caller, chatRequest.model);
      let reservation: { prompt: number; completion: number } | undefined;
      const estimate = () => (reservation ??= estimateChatParts(chatRequest, options.admission.defaultCompletionTokens));
      const admitting = exchange.admit(
        () => estimate().prompt + estimate().completion,
        () => options.pricing.quote(chatRequest.model, estimate().prompt, estimate().completion),
      );
      if (admitting !== undefined) await admitting;
      const { createStreamEncoder } = codec;
      const createEncoder = createStreamEncoder === undefined ? undefined : () => createStreamEncoder(state, answerContext);
      // The cache comes after the key's model check and its admission: a hit counts against rpm like any request (docs/caching.md).
      // No await (one more turn of the microtask queue) when the cache is off.
      const cacheUse = options.responseCache === undefined ? noCacheUse : await planCacheUse(options.responseCache, codec.protocol, chatRequest, request.headers, record, caller?.cache);
      if (cacheUse.hit !== undefined) {
        const hitHeaders = { ...headers, [cacheHeader]: 'hit' };
        const cached = replayCachedCompletion(cacheUse.hit, chatRequest, answerContext.createdAt);
        if (chatRequest.stream === true) {
          writeCommittedStream(exchange, options, replayCachedStream(cached, chatRequest, createEncoder?.()), hitHeaders);
          return;
        }
        reply.headers(hitHeaders);
        sendJson(exchange, codec.encodeCompletion(cached, state, answerContext));
        return;
      }
      const outcome = await relayChat(chatRequest, { signal, record, captureAll: options.captureAll(caller), createEncoder, sameDialect, untranslatable }, options.relay);
      // A translated try answered without the hosted tools: the answer says which.
      const answerHeaders = untranslatable !== undefined && record.adaptations.includes(droppedToolsAdaptation) ? { ...headers, ...untranslatable.headers } : headers;
      if (answerHeaders !== undefined) reply.headers(answerHeaders);
      if (outcome.kind !== 'stream') {
        // `stores` first: no await (a turn of the microtask queue) when nothing can be stored.
        if (outcome.kind === 'completion' && cacheUse.stores && (await cacheUse.store(outcome.completion))) reply.header(cacheHeader, 'miss');
        // A pass-through answer is already in the client's protocol.
        sendJson(exchange, outcome.kind === 'answer' ? outcome.body : codec.encodeCompletion(outcome.completion, state, answerContext));
        return;
      }
      if (!cacheUse.stores) {
        writeCommittedStream(exchange, options, outcome.stream, answerHeaders);
        return;
      }
      // Stored only once the client got all of it: no header can say so any more.
      const collected = collectCommittedStream(outcome.stream);
      writeCommittedStream(exchange, options, collected.stream, answerHeaders, async () => {
        const completion = record.status === 200 && !exchange.clientSignal.aborted ? collected.result() : undefined;
        if (completion !== undefined) await cacheUse.store(withRecordedUsage(completion, record));
      });
    },
    codec,
  );
}

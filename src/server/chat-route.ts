// POST /v1/chat/completions: parse and validate at the edge, relay, then write JSON or SSE.
import { estimateChatReservation } from '../adapt/estimate-reservation.ts';
import { parseChatRequest } from '../ingress/chat-completions/parse-chat-request.ts';
import { parseJsonText } from '../ingress/parse-json-text.ts';
import { CappedText } from '../relay/capture.ts';
import { relayChat } from '../relay/relay-chat.ts';
import { authorizeModel } from './authenticate.ts';
import { createRelayedHandler, describeRouting, recordFailure, sendJson, type RouteOptions } from './relayed-route.ts';
import { writeSse } from './write-sse.ts';

export function createChatHandler(options: RouteOptions) {
  return createRelayedHandler(options, async (exchange) => {
    const { request, reply, record, caller, signal, clientSignal, started } = exchange;
    const chatRequest = parseChatRequest(parseJsonText(typeof request.body === 'string' ? request.body : ''));
    Object.assign(record, { clientModel: chatRequest.model, clientStream: chatRequest.stream === true });
    if (caller !== undefined) authorizeModel(caller, chatRequest.model);
    await exchange.admit(() => estimateChatReservation(chatRequest, options.admission.defaultCompletionTokens));
    const outcome = await relayChat(chatRequest, { signal, record, captureAll: options.captureAll(caller) }, options.relay);
    if (outcome.kind === 'completion') {
      await sendJson(exchange, outcome.completion);
      return;
    }
    reply.hijack();
    options.onStreamStart();
    const transcript = record.capture === undefined ? undefined : new CappedText(options.relay.captureCapBytes);
    try {
      const failure = await writeSse(reply.raw, outcome.stream, {
        requestId: request.id,
        keepaliveMs: options.keepaliveMs,
        // The writer stops only when the client is gone: a shutdown still gets its error event and [DONE].
        signal: clientSignal,
        headers: describeRouting(record, started),
        ...(transcript === undefined ? {} : { transcript }),
      });
      if (failure !== undefined) recordFailure(record, failure);
    } finally {
      options.onStreamEnd();
      if (record.capture !== undefined && transcript !== undefined) record.capture.clientResponse = transcript.text;
    }
  });
}

// POST /v1/chat/completions: parse and validate at the edge, relay, then write JSON or SSE.
import { parseChatRequest } from '../ingress/chat-completions/parse-chat-request.ts';
import { parseJsonText } from '../ingress/parse-json-text.ts';
import { CappedText } from '../relay/capture.ts';
import { relayChat } from '../relay/relay-chat.ts';
import { authorizeModel } from './authenticate.ts';
import { createRelayedHandler, describeRouting, recordFailure, sendJson, type RouteOptions } from './relayed-route.ts';
import { writeSse } from './write-sse.ts';

export function createChatHandler(options: RouteOptions) {
  return createRelayedHandler(options, async (exchange) => {
    const { request, reply, record, caller, signal, started } = exchange;
    const chatRequest = parseChatRequest(parseJsonText(typeof request.body === 'string' ? request.body : ''));
    Object.assign(record, { clientModel: chatRequest.model, clientStream: chatRequest.stream === true });
    if (caller !== undefined) authorizeModel(caller, chatRequest.model);
    const outcome = await relayChat(chatRequest, { signal, record, captureAll: options.captureAll(caller) }, options.relay);
    if (outcome.kind === 'completion') {
      await sendJson(exchange, outcome.completion);
      return;
    }
    reply.hijack();
    options.onStreamStart();
    const transcript = record.capture === undefined ? undefined : new CappedText(options.relay.captureCapBytes);
    try {
      const failure = await writeSse(reply.raw, outcome.chunks, {
        requestId: request.id,
        keepaliveMs: options.keepaliveMs,
        signal,
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

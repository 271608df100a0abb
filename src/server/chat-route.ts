// POST /v1/chat/completions: parse and validate at the edge, relay, then write JSON or SSE.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ChatRequest } from '../core/chat.ts';
import { GatewayError } from '../core/errors.ts';
import { capText, CappedText, maskSecrets, type Capture } from '../relay/capture.ts';
import type { RelayDependencies } from '../relay/relay-dependencies.ts';
import { relayChat } from '../relay/relay-chat.ts';
import { createRequestRecord, upstreamTimeMs, type RequestRecord } from '../relay/request-record.ts';
import { authorizeModel, type Caller } from './authenticate.ts';
import { renderError, toGatewayError } from './render-error.ts';
import { parseJsonText, validateChatRequest } from './validate-chat-request.ts';
import { writeSse } from './write-sse.ts';

export interface ChatRouteOptions {
  relay: RelayDependencies;
  keepaliveMs: number;
  /** Called once per request, when it is over: the log line and the metrics. */
  finishRequest: (record: RequestRecord, caller: Caller | undefined) => void;
  onStreamStart: () => void;
  onStreamEnd: () => void;
  /** Debug capture for every request of this caller (SLUICE_DEBUG=1, or the key's switch). */
  captureAll: (caller: Caller | undefined) => boolean;
}

function recordFailure(record: RequestRecord, error: GatewayError): void {
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
  return headers;
}

/** The client's side of a captured exchange, capped and with every secret masked. */
function finishCapture(capture: Capture, body: unknown, relay: RelayDependencies): void {
  capture.clientRequest = maskSecrets(capText(typeof body === 'string' ? body : '', relay.captureCapBytes), relay.secrets);
  capture.clientResponse = maskSecrets(capText(capture.clientResponse, relay.captureCapBytes), relay.secrets);
}

function readChatRequest(body: unknown): ChatRequest {
  return validateChatRequest(parseJsonText(typeof body === 'string' ? body : ''));
}

/** Aborts the upstream call the moment the client goes away. */
function abortOnClientClose(request: FastifyRequest, reply: FastifyReply): AbortController {
  const controller = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) controller.abort(new GatewayError('client_closed', 'The client closed the connection.'));

  });
  request.raw.on('aborted', () => {
    controller.abort(new GatewayError('client_closed', 'The client aborted the request.'));
  });
  return controller;
}

export function createChatHandler(options: ChatRouteOptions) {
  return async function handleChat(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const started = performance.now();
    const caller = request.caller;
    const record = createRequestRecord(request.id, '', false);
    const controller = abortOnClientClose(request, reply);
    try {
      const chatRequest = readChatRequest(request.body);
      Object.assign(record, { clientModel: chatRequest.model, clientStream: chatRequest.stream === true });
      if (caller !== undefined) authorizeModel(caller, chatRequest.model);
      const outcome = await relayChat(chatRequest, { signal: controller.signal, record, captureAll: options.captureAll(caller) }, options.relay);
      if (outcome.kind === 'completion') {
        if (record.capture !== undefined) record.capture.clientResponse = JSON.stringify(outcome.completion);
        await reply.code(200).headers(describeRouting(record, started)).send(outcome.completion);
        return;
      }
      reply.hijack();
      options.onStreamStart();
      const transcript = record.capture === undefined ? undefined : new CappedText(options.relay.captureCapBytes);
      try {
        const failure = await writeSse(reply.raw, outcome.chunks, {
          requestId: request.id,
          keepaliveMs: options.keepaliveMs,
          signal: controller.signal,
          headers: describeRouting(record, started),
          ...(transcript === undefined ? {} : { transcript }),
        });
        if (failure !== undefined) recordFailure(record, failure);
      } finally {
        options.onStreamEnd();
        if (record.capture !== undefined && transcript !== undefined) record.capture.clientResponse = transcript.text;
      }
    } catch (error) {
      const failure = toGatewayError(controller.signal.aborted ? controller.signal.reason : error);
      recordFailure(record, failure);
      const rendered = renderError(failure, request.id);
      if (!reply.sent && !controller.signal.aborted) await reply.code(rendered.status).headers({ ...rendered.headers, ...describeRouting(record, started) }).send(rendered.body);
    } finally {
      record.durationMs = performance.now() - started;
      if (record.capture !== undefined) finishCapture(record.capture, request.body, options.relay);
      options.finishRequest(record, caller);
    }
  };
}

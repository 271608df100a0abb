// The routes of issue 18's endpoints (images, audio, moderations, rerank; docs/endpoints.md), one
// shape: the route's own parser turns the client's request into a call (or a 400), then the key's
// model allow-list, admission (rpm, and the request's units against tpm/quota), the endpoint relay
// (src/relay/relay-endpoint.ts: retries and failover before the first byte), and the upstream's answer
// sent as it came — its content type, its bytes; a streamed answer (audio, SSE) written as it arrives.
import { once } from 'node:events';
import type { FastifyRequest } from 'fastify';
import { isJsonObject, type JsonObject } from '../core/chat.ts';
import type { AnswerMode, EndpointBody, EndpointName } from '../core/endpoint.ts';
import { GatewayError } from '../core/errors.ts';
import { relayEndpoint, type EndpointAnswer } from '../relay/relay-endpoint.ts';
import { authorizeModel } from './authenticate.ts';
import { createRelayedHandler, describeRouting, recordFailure, type Exchange, type RouteOptions } from './relayed-route.ts';
import { toGatewayError } from './render-error.ts';
import { watchStreamUsage, type StreamUsageWatch } from './watch-stream-usage.ts';

/** What a route's parser makes of one client request. */
export interface EndpointRequest {
  model: string;
  body: EndpointBody;
  answer: AnswerMode;
  /** The client asked for a stream (`stream: true`, `stream_format: sse`), for the log row. */
  clientStream: boolean;
  /** Reserved against the key's tpm and quota until the answer says what was used (docs/endpoints.md). */
  units: number;
  /** The whole answer in the shape the client gets (rerank's normalized results); absent: as it came. */
  reshape?: (answer: EndpointAnswer & { bytes: Uint8Array }) => Uint8Array;
  /** The answer's content type when the upstream sends none (absent: application/json). */
  defaultContentType?: string;
  /** The client's body as debug capture keeps it (a form: fields, and files by size, type and hash); absent: the body text. */
  describe?: () => string;
}

export interface EndpointRoute {
  endpoint: EndpointName;
  /** The client's request → the call; throws a GatewayError (400) for a body the upstream would refuse. */
  parse(request: FastifyRequest): EndpointRequest;
  /** Tokens or units an answer's `usage` object counts, for the log row and the key's settlement; absent: `countJsonUsage`. */
  countUsage?: (usage: JsonObject) => UsageCount;
  /** The route's answers may be text (transcriptions' `text`, `srt`, `vtt`): one without a content type is not read as JSON. */
  textAnswers?: boolean;
}

export interface UsageCount {
  prompt: number;
  completion: number;
}

/** Response headers of the upstream's that describe its body to the client (not its transport). */
const passedHeaders: readonly string[] = ['content-type', 'content-disposition'];

function answerHeaders(answer: EndpointAnswer, defaultContentType = 'application/json'): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of passedHeaders) {
    const value = answer.headers[name];
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) headers[name] = first;
  }
  headers['content-type'] ??= defaultContentType;
  return headers;
}

/** A count in a `usage` object: a finite number ≥ 0, else 0. */
export function readCount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

/** The `usage` object of a whole JSON answer; `untypedIsJson`: an answer without a content type is read as JSON. */
export function readUsageObject(answer: EndpointAnswer, untypedIsJson: boolean): JsonObject | undefined {
  const contentType = answer.headers['content-type'] ?? (untypedIsJson ? 'application/json' : '');
  if (answer.bytes === undefined || !String(contentType).includes('json')) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(answer.bytes));
  } catch {
    return undefined;
  }
  const usage = isJsonObject(body) ? body.usage : undefined;
  return isJsonObject(usage) ? usage : undefined;
}

/** A `usage` object in either naming (OpenAI's prompt/completion, or input/output tokens). */
export function countJsonUsage(usage: JsonObject): UsageCount {
  return { prompt: readCount(usage.prompt_tokens ?? usage.input_tokens ?? usage.total_tokens), completion: readCount(usage.completion_tokens ?? usage.output_tokens) };
}

/** The upstream's count, recorded on the log row and settled against the key; no count: the units reserved. */
function settleUsage(record: Exchange['record'], usage: JsonObject | undefined, route: EndpointRoute, units: number): void {
  if (usage === undefined) {
    settleUnits(record, units);
    return;
  }
  const counted = (route.countUsage ?? countJsonUsage)(usage);
  Object.assign(record, { promptTokens: counted.prompt, completionTokens: counted.completion, usageSource: 'upstream' });
}

/** No tokens reported: the units reserved are what the request used (src/core/endpoint-units.ts), settled and logged as `units`. */
function settleUnits(record: Exchange['record'], units: number): void {
  Object.assign(record, { promptTokens: units, completionTokens: 0, usageSource: 'units' });
}

/** Writes a streamed answer as it arrives, waiting for 'drain' on a full client buffer; leaves the upstream when the client goes. */
async function writeStreamed(exchange: Exchange, stream: AsyncIterableIterator<Uint8Array>, headers: Record<string, string>, options: RouteOptions, usage: StreamUsageWatch | undefined): Promise<void> {
  const { reply, record, clientSignal } = exchange;
  reply.hijack();
  options.onStreamStart();
  const response = reply.raw;
  try {
    response.writeHead(200, { ...headers, 'x-request-id': record.requestId });
    record.responseBytes = 0;
    for await (const piece of stream) {
      if (response.destroyed || clientSignal.aborted) break;
      record.responseBytes += piece.byteLength;
      usage?.push(piece);
      if (!response.write(piece)) await once(response, 'drain', { signal: clientSignal });
    }
    if (!response.destroyed) response.end();
  } catch (error) {
    // After the first byte the status is sent: the client sees the body end early; the row says why.
    if (!clientSignal.aborted) recordFailure(record, toGatewayError(error));
    response.destroy();
  } finally {
    await stream.return?.();
    options.onStreamEnd();
  }
}

export function createEndpointHandler(options: RouteOptions, route: EndpointRoute) {
  return createRelayedHandler(
    options,
    async (exchange) => {
      const { request, record, caller, signal } = exchange;
      const call = route.parse(request);
      Object.assign(record, { clientModel: call.model, clientStream: call.clientStream });
      if (caller !== undefined) authorizeModel(caller, call.model);
      await exchange.admit(() => call.units);
      let answer: EndpointAnswer;
      try {
        answer = await relayEndpoint({ endpoint: route.endpoint, model: call.model, body: call.body, answer: call.answer }, { signal, record, captureAll: options.captureAll(caller) }, options.relay);
      } finally {
        if (record.capture !== undefined && call.describe !== undefined) record.capture.clientRequest = call.describe();
      }
      const headers = { ...answerHeaders(answer, call.defaultContentType), ...describeRouting(record, exchange.started) };
      if (answer.stream !== undefined) {
        // What the stream's own events report settles it once it is over (a stream cut short: the units).
        const usage = watchStreamUsage(headers['content-type']);
        try {
          await writeStreamed(exchange, answer.stream, headers, options, usage);
        } finally {
          settleUsage(record, usage?.end(), route, call.units);
        }
        return;
      }
      if (answer.bytes === undefined) throw new GatewayError('internal_error', `${answer.channel} gave no answer body`);
      const bytes = call.reshape === undefined ? answer.bytes : call.reshape({ ...answer, bytes: answer.bytes });
      settleUsage(record, readUsageObject({ ...answer, bytes }, route.textAnswers !== true), route, call.units);
      record.responseBytes = bytes.byteLength;
      if (record.capture !== undefined) record.capture.clientResponse = `[${bytes.byteLength} bytes, ${headers['content-type'] ?? ''}]`;
      await exchange.reply.code(200).headers(headers).send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
    { protocol: route.endpoint },
  );
}

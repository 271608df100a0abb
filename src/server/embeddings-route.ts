// POST /v1/embeddings: relayed to channels whose dialect has embeddings, with the same routing,
// retries, keys and logging as chat.
import { estimateEmbeddingsReservation } from '../adapt/estimate-reservation.ts';
import type { EmbeddingsRequest } from '../core/embeddings.ts';
import { isJsonObject } from '../core/chat.ts';
import { GatewayError } from '../core/errors.ts';
import { relayEmbeddings } from '../relay/relay-embeddings.ts';
import { authorizeModel } from './authenticate.ts';
import { createRelayedHandler, sendJson, type RouteOptions } from './relayed-route.ts';
import { parseJsonText } from './validate-chat-request.ts';

function isInput(value: unknown): boolean {
  if (typeof value === 'string') return true;
  if (!Array.isArray(value) || value.length === 0) return false;
  return value.every((item) => typeof item === 'string' || typeof item === 'number' || (Array.isArray(item) && item.every((token) => typeof token === 'number')));
}

export function validateEmbeddingsRequest(body: unknown): EmbeddingsRequest {
  if (!isJsonObject(body)) throw new GatewayError('invalid_json', 'The request body must be a JSON object.');
  if (typeof body.model !== 'string' || body.model === '') throw new GatewayError('invalid_request', "'model' is required and must be a non-empty string.", { param: 'model' });
  if (!isInput(body.input)) {
    throw new GatewayError('invalid_request', "'input' must be a string, a non-empty array of strings, or token arrays.", { param: 'input' });
  }
  return body as EmbeddingsRequest;
}

export function createEmbeddingsHandler(options: RouteOptions) {
  return createRelayedHandler(options, async (exchange) => {
    const { request, record, caller, signal } = exchange;
    const embeddingsRequest = validateEmbeddingsRequest(parseJsonText(typeof request.body === 'string' ? request.body : ''));
    record.clientModel = embeddingsRequest.model;
    if (caller !== undefined) authorizeModel(caller, embeddingsRequest.model);
    await exchange.admit(estimateEmbeddingsReservation(embeddingsRequest));
    const response = await relayEmbeddings(embeddingsRequest, { signal, record, captureAll: options.captureAll(caller) }, options.relay);
    await sendJson(exchange, response);
  });
}

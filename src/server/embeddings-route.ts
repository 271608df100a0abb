// POST /v1/embeddings: relayed to channels whose dialect has embeddings, with the same routing,
// retries, keys and logging as chat.
import { estimateEmbeddingsReservation } from '../adapt/estimate-reservation.ts';
import { parseEmbeddingsRequest } from '../ingress/embeddings/parse-embeddings-request.ts';
import { parseJsonText } from '../ingress/parse-json-text.ts';
import { relayEmbeddings } from '../relay/relay-embeddings.ts';
import { authorizeModel } from './authenticate.ts';
import { createRelayedHandler, sendJson, type RouteOptions } from './relayed-route.ts';

export function createEmbeddingsHandler(options: RouteOptions) {
  return createRelayedHandler(options, async (exchange) => {
    const { request, record, caller, signal } = exchange;
    const embeddingsRequest = parseEmbeddingsRequest(parseJsonText(typeof request.body === 'string' ? request.body : ''));
    record.clientModel = embeddingsRequest.model;
    if (caller !== undefined) authorizeModel(caller, embeddingsRequest.model);
    let tokens: number | undefined;
    const estimate = () => (tokens ??= estimateEmbeddingsReservation(embeddingsRequest));
    await exchange.admit(estimate, () => options.pricing.quote(embeddingsRequest.model, estimate(), 0));
    const response = await relayEmbeddings(embeddingsRequest, { signal, record, captureAll: options.captureAll(caller) }, options.relay);
    sendJson(exchange, response);
  }, { protocol: 'embeddings' });
}

// POST /v1/completions (issue 18): the legacy endpoint, relayed to channels whose upstream serves it,
// with the same keys, limits, routing, retries, logging and stream guarantees as chat.
import { estimateCompletionsParts } from '../adapt/estimate-completions.ts';
import { parseCompletionsRequest } from '../ingress/completions/parse-completions-request.ts';
import { parseJsonText } from '../ingress/parse-json-text.ts';
import { relayCompletions } from '../relay/relay-completions.ts';
import { authorizeModel } from './authenticate.ts';
import { createRelayedHandler, sendJson, type RouteOptions } from './relayed-route.ts';
import { writeCommittedStream } from './write-committed-stream.ts';

/** The client protocol's name in the log row and the `sluice_ingress_requests_total` label. */
export const completionsProtocol = 'completions';

export function createCompletionsHandler(options: RouteOptions) {
  return createRelayedHandler(
    options,
    async (exchange) => {
      const { request, record, caller, signal } = exchange;
      const completionsRequest = parseCompletionsRequest(parseJsonText(typeof request.body === 'string' ? request.body : ''));
      Object.assign(record, { clientModel: completionsRequest.model, clientStream: completionsRequest.stream === true });
      if (caller !== undefined) authorizeModel(caller, completionsRequest.model);
      let reservation: { prompt: number; completion: number } | undefined;
      const estimate = () => (reservation ??= estimateCompletionsParts(completionsRequest, options.admission.defaultCompletionTokens));
      await exchange.admit(
        () => estimate().prompt + estimate().completion,
        () => options.pricing.quote(completionsRequest.model, estimate().prompt, estimate().completion),
      );
      const outcome = await relayCompletions(completionsRequest, { signal, record, captureAll: options.captureAll(caller) }, options.relay);
      if (outcome.kind === 'answer') sendJson(exchange, outcome.body);
      else writeCommittedStream(exchange, options, outcome.stream);
    },
    { protocol: completionsProtocol },
  );
}

// POST /v1/moderations, /v1/rerank and /v1/images/generations (issue 18, docs/endpoints.md): each
// route's parser over src/server/endpoint-route.ts, with the request's units from the config's
// `units` (src/core/endpoint-units.ts). All three take JSON and answer whole.
import type { FastifyRequest } from 'fastify';
import { unitsOfImages, unitsOfRequest, type EndpointUnits } from '../core/endpoint-units.ts';
import { GatewayError } from '../core/errors.ts';
import { parseImageGenerationRequest } from '../ingress/images/parse-image-generation-request.ts';
import { parseModerationsRequest } from '../ingress/moderations/parse-moderations-request.ts';
import { parseJsonText } from '../ingress/parse-json-text.ts';
import { normalizeRerankAnswer } from '../ingress/rerank/normalize-rerank-answer.ts';
import { parseRerankRequest } from '../ingress/rerank/parse-rerank-request.ts';
import type { EndpointRoute } from './endpoint-route.ts';

function readJsonBody(request: FastifyRequest): unknown {
  return parseJsonText(typeof request.body === 'string' ? request.body : '');
}

export function moderationsRoute(units: EndpointUnits): EndpointRoute {
  return {
    endpoint: 'moderations',
    parse(request) {
      const parsed = parseModerationsRequest(readJsonBody(request));
      return { model: parsed.model, body: { kind: 'json', json: parsed.body }, answer: 'whole', clientStream: false, units: unitsOfRequest(units) };
    },
  };
}

export function imageGenerationsRoute(units: EndpointUnits): EndpointRoute {
  return {
    endpoint: 'images.generations',
    parse(request) {
      const parsed = parseImageGenerationRequest(readJsonBody(request));
      return { model: parsed.model, body: { kind: 'json', json: parsed.body }, answer: parsed.stream ? 'streamed' : 'whole', clientStream: parsed.stream, units: unitsOfImages(units, parsed.count) };
    },
  };
}

export function rerankRoute(units: EndpointUnits): EndpointRoute {
  return {
    endpoint: 'rerank',
    parse(request) {
      const parsed = parseRerankRequest(readJsonBody(request));
      return {
        model: parsed.model,
        body: { kind: 'json', json: parsed.body },
        answer: 'whole',
        clientStream: false,
        units: unitsOfRequest(units),
        reshape(answer) {
          let json: unknown;
          try {
            json = JSON.parse(new TextDecoder().decode(answer.bytes));
          } catch {
            throw new GatewayError('upstream_bad_response', `${answer.channel} answered the rerank call with a body that is not JSON.`, { upstream: { channel: answer.channel } });
          }
          return new TextEncoder().encode(JSON.stringify(normalizeRerankAnswer(json, parsed, answer.channel)));
        },
      };
    },
  };
}

// The Responses API routes (issue 14): POST /v1/responses through the chat handler with the
// Responses codec, and the stateful routes of the same API answered 404 with a hint, since Sluice
// stores no response (docs/ingress-protocols.md §D2).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, RawServerDefault } from 'fastify';
import { GatewayError } from '../core/errors.ts';
import type { IngressCodec } from '../core/ingress-codec.ts';
import type { ResponsesState } from '../ingress/responses/parse-responses-request.ts';
import { createChatHandler } from './chat-route.ts';
import type { RouteOptions } from './relayed-route.ts';
import { allow } from './route-access.ts';

const statelessHint = 'Sluice is stateless: it stores no responses. Keep what you need from the answer and resend the full history in `input`.';

function refuseStored(what: string): () => never {
  return () => {
    throw new GatewayError('not_found', `${what} is not available: Sluice stores no responses.`, { hint: statelessHint });
  };
}

export interface ResponsesRouteOptions {
  /** The Responses codec (src/server/ingress-codecs.ts). */
  codec: IngressCodec<ResponsesState>;
}

type Routes = Pick<FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse>, 'get' | 'post' | 'delete'>;

export function registerResponsesRoutes(app: Routes, routeOptions: RouteOptions, options: ResponsesRouteOptions): void {
  app.post('/v1/responses', allow('client', options.codec.protocol), createChatHandler(routeOptions, options.codec));
  app.get('/v1/responses/:id', allow('client'), refuseStored('Retrieving a stored response'));
  app.delete('/v1/responses/:id', allow('client'), refuseStored('Deleting a stored response'));
  app.get('/v1/responses/:id/input_items', allow('client'), refuseStored("A stored response's input items"));
  app.post('/v1/responses/:id/cancel', allow('client'), refuseStored('Cancelling a background response'));
  app.post('/v1/responses/compact', allow('client'), refuseStored('Compacting a stored conversation'));
}

// The Anthropic Messages routes (issue 14): POST /v1/messages through the one chat handler with the
// messages codec, POST /v1/messages/count_tokens (Sluice's count, marked), and every other path or
// method under /v1/messages a 404, all answering errors in Anthropic's shape, the ones raised before
// a handler too (the route's `renderError`). `?beta=true`, as Claude Code sends it, is a query: the
// same routes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, RawServerDefault } from 'fastify';
import { estimateUsage } from '../adapt/estimate-usage.ts';
import { GatewayError } from '../core/errors.ts';
import type { IngressCodec } from '../core/ingress-codec.ts';
import { readSameDialect } from '../ingress/messages/messages-codec.ts';
import { parseMessagesRequest, type MessagesState } from '../ingress/messages/parse-messages-request.ts';
import { renderMessagesError } from '../ingress/messages/render-messages-error.ts';
import { parseJsonText } from '../ingress/parse-json-text.ts';
import { authorizeModel } from './authenticate.ts';
import { createChatHandler } from './chat-route.ts';
import { countOnUpstream } from './count-on-upstream.ts';
import type { RouteOptions } from './relayed-route.ts';
import type { RouteAccess } from './route-access.ts';

export interface MessagesRouteOptions {
  dropUnsupportedTools: boolean;
  /** The Messages codec (src/server/ingress-codecs.ts). */
  codec: IngressCodec<MessagesState>;
}

/** The header that marks a count as Sluice's own estimate, not the upstream's (docs/ingress-protocols.md §D3). */
export const estimatedHeader = 'x-sluice-estimated';

const messagesRoute = (access: RouteAccess) => ({ config: { access, renderError: renderMessagesError, protocol: 'messages' } });

export function registerMessagesRoutes(app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse>, routeOptions: RouteOptions, options: MessagesRouteOptions): void {
  app.post('/v1/messages', messagesRoute('client'), createChatHandler(routeOptions, options.codec));
  app.post('/v1/messages/count_tokens', messagesRoute('client'), async (request, reply) => {
    const body = parseJsonText(typeof request.body === 'string' ? request.body : '');
    const { chat, untranslatable } = parseMessagesRequest(body, { dropUnsupportedTools: options.dropUnsupportedTools, requireMaxTokens: false });
    if (request.caller !== undefined) authorizeModel(request.caller, chat.model);
    // An Anthropic channel counts itself, server tools included (pass-through, docs/ingress-protocols.md §D1); elsewhere Sluice estimates.
    const sameDialect = readSameDialect(body, request.headers, request.query);
    const counted = sameDialect === undefined ? undefined : await countOnUpstream(request, reply, sameDialect, chat.model, routeOptions.relay);
    if (counted !== undefined) return reply.send(counted);
    // Sluice's count is the translated request's: without the server tools, or refused for them.
    if (untranslatable?.refusal !== undefined) throw untranslatable.refusal;
    // The same count the admission reserves for the prompt (src/adapt/estimate-reservation.ts).
    return reply.headers(untranslatable?.headers ?? {}).header(estimatedHeader, 'true').send({ input_tokens: estimateUsage(chat, '').prompt_tokens });
  });
  const unknownRoute = (request: { method: string; url: string }): never => {
    throw new GatewayError('route_not_found', `Unknown route: ${request.method} ${request.url}`);
  };
  // Batches, files and the rest of Anthropic's API are not served: a 404 in the client's own shape.
  app.all('/v1/messages/*', messagesRoute('public'), unknownRoute);
  app.route({ method: ['GET', 'PUT', 'PATCH', 'DELETE'], url: '/v1/messages', ...messagesRoute('public'), handler: unknownRoute });
}

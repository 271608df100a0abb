// POST /logs/:request_id/replay: the captured request sent through the relay again (optionally to
// one channel), logged like any request (its id is this answer's x-request-id), and compared.
import * as z from 'zod';
import { GatewayError } from '../../core/errors.ts';
import { replayLoggedRequest } from '../replay/replay-logged-request.ts';
import type { AdminApp, AdminContext } from './admin-context.ts';
import { findLogRow } from './logs-routes.ts';
import { jsonResponse, jsonSchemaOf, operation, pathParameter, type OpenApiPaths } from './openapi-parts.ts';
import { readBody } from './read-input.ts';

const replayBody = z.strictObject({ channel: z.string().min(1).optional() });

export function registerReplayRoute(app: AdminApp, context: AdminContext): void {
  app.post<{ Params: { request_id: string } }>('/logs/:request_id/replay', async (request, reply) => {
    const body = readBody(replayBody, request, { emptyIsObject: true });
    const row = await findLogRow(context, request.params.request_id);
    const controller = new AbortController();
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) controller.abort(new GatewayError('client_closed', 'The admin client left during the replay.'));
    });
    const result = await replayLoggedRequest({ row, relay: context.relay, codecs: context.codecs, requestId: request.id, channel: body.channel, signal: controller.signal });
    context.finishReplay(result.record, request);
    return { request_id: row.requestId, replay_request_id: request.id, ...result.report };
  });
}

const outcomeSchema = {
  type: 'object',
  properties: {
    request_id: { type: 'string' },
    status: { type: 'integer' },
    content: { type: 'string', description: 'The answer text (for streams: the content of every chunk, joined).' },
    finish_reason: { type: ['string', 'null'] },
    usage: { type: 'object', properties: { prompt_tokens: { type: ['integer', 'null'] }, completion_tokens: { type: ['integer', 'null'] }, source: { type: ['string', 'null'] } } },
    channel: { type: ['string', 'null'] },
    attempts: { type: 'array', items: { type: 'object' } },
    error: { anyOf: [{ type: 'null' }, { type: 'object', properties: { code: { type: ['string', 'null'] }, message: { type: 'string' } } }] },
  },
};

export const replayPaths: OpenApiPaths = {
  '/logs/{request_id}/replay': {
    post: operation({
      summary: 'Send a captured request again and compare the outcomes (status, answer text, channel, finish reason).',
      parameters: [pathParameter('request_id', 'The `x-request-id` of a captured request.')],
      body: jsonSchemaOf(replayBody),
      bodyOptional: true,
      responses: {
        '200': jsonResponse('Both outcomes and what differs.', {
          type: 'object',
          properties: {
            request_id: { type: 'string' },
            replay_request_id: { type: 'string' },
            pinned_channel: { type: ['string', 'null'] },
            original: outcomeSchema,
            replay: outcomeSchema,
            same: { type: 'boolean' },
            differences: { type: 'array', items: { type: 'object', properties: { field: { enum: ['status', 'content', 'channel', 'finish_reason'] }, original: {}, replay: {} } } },
          },
        }),
      },
      errors: { '400': 'The body is not valid.', '409': 'The request was not captured, or came in by a protocol that cannot be replayed (embeddings).' },
    }),
  },
};

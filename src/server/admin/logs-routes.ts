// /logs: the request log, newest first, filtered and paged by cursor; one row in full with its
// attempts, adaptations and parsed debug capture.
import * as z from 'zod';
import { GatewayError } from '../../core/errors.ts';
import { InvalidCursorError, maxPageSize, type RequestLogRow } from '../../store/index.ts';
import { describeCapture, readCapture } from '../replay/read-capture.ts';
import type { AdminApp, AdminContext } from './admin-context.ts';
import { jsonResponse, operation, pathParameter, type OpenApiPaths } from './openapi-parts.ts';
import { readQuery, showTime, timeText } from './read-input.ts';

const flagText = z.enum(['true', 'false', '1', '0']).transform((text) => text === 'true' || text === '1');

const logQuery = z.strictObject({
  since: timeText.optional(),
  until: timeText.optional(),
  key: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  channel: z.string().min(1).optional(),
  status: z.coerce.number().int().min(100).max(599).optional(),
  errors_only: flagText.optional(),
  limit: z.coerce.number().int().min(1).max(maxPageSize).optional(),
  cursor: z.string().min(1).optional(),
});

export function describeLogRow(row: RequestLogRow) {
  return {
    time: showTime(row.time),
    request_id: row.requestId,
    key: row.keyName ?? null,
    client_model: row.clientModel,
    answered_model: row.answeredModel ?? null,
    client_stream: row.clientStream,
    ingress: row.ingress ?? null,
    channel: row.channel ?? null,
    upstream_model: row.upstreamModel ?? null,
    upstream_stream: row.upstreamStream ?? null,
    adaptations: row.adaptations,
    attempts: row.attempts.map((attempt) => ({
      channel: attempt.channel,
      upstream_model: attempt.upstreamModel,
      upstream_stream: attempt.upstreamStream,
      status: attempt.status ?? null,
      error_code: attempt.errorCode ?? null,
      duration_ms: attempt.durationMs,
      counts_against_channel: attempt.countsAgainstChannel,
    })),
    status: row.status,
    error_code: row.errorCode ?? null,
    error_message: row.errorMessage ?? null,
    first_token_ms: row.firstTokenMs ?? null,
    duration_ms: row.durationMs,
    overhead_ms: row.overheadMs ?? null,
    prompt_tokens: row.promptTokens ?? null,
    completion_tokens: row.completionTokens ?? null,
    usage_source: row.usageSource ?? null,
    cached_prompt_tokens: row.cachedPromptTokens ?? null,
    cost_usd: row.costUsd ?? null,
    request_bytes: row.requestBytes ?? null,
    response_bytes: row.responseBytes ?? null,
    client_ip: row.clientIp ?? null,
    user_agent: row.userAgent ?? null,
    captured: row.capture !== undefined,
  };
}

/** The row of a request id; the log is written in batches, so pending rows are flushed first. */
export async function findLogRow(context: AdminContext, requestId: string): Promise<RequestLogRow> {
  await context.services.logWriter.flush();
  const row = await context.services.store.requestLogs.get(requestId);
  if (row === undefined) throw new GatewayError('not_found', `No request with the id '${requestId}' is in the log.`);
  return row;
}

export function registerLogRoutes(app: AdminApp, context: AdminContext): void {
  app.get('/logs', async (request) => {
    const query = readQuery(logQuery, request);
    // Rows are written in batches (up to a second later): what just happened belongs in the answer.
    await context.services.logWriter.flush();
    const filter = { since: query.since, until: query.until, keyName: query.key, model: query.model, channel: query.channel, status: query.status, errorsOnly: query.errors_only };
    try {
      const page = await context.services.store.requestLogs.list(filter, { limit: query.limit, cursor: query.cursor });
      return { data: page.rows.map(describeLogRow), next_cursor: page.nextCursor ?? null };
    } catch (error) {
      if (error instanceof InvalidCursorError) throw new GatewayError('invalid_request', error.message, { param: 'cursor' });
      throw error;
    }
  });

  app.get<{ Params: { request_id: string } }>('/logs/:request_id', async (request) => {
    const row = await findLogRow(context, request.params.request_id);
    const capture = readCapture(row.capture);
    return { ...describeLogRow(row), capture: capture === undefined ? null : describeCapture(capture) };
  });
}

const logRowRef = { $ref: '#/components/schemas/LogRow' };

export const logPaths: OpenApiPaths = {
  '/logs': {
    get: operation({
      summary: 'The request log, newest first. Times are ISO 8601 or epoch milliseconds; `until` is exclusive.',
      query: logQuery,
      responses: {
        '200': jsonResponse('One page; pass `next_cursor` as `cursor` for the next (null on the last page).', {
          type: 'object',
          properties: { data: { type: 'array', items: logRowRef }, next_cursor: { type: ['string', 'null'] } },
        }),
      },
      errors: { '400': 'A filter or the cursor is not valid.' },
    }),
  },
  '/logs/{request_id}': {
    get: operation({
      summary: 'One request (by its `x-request-id`) with its attempts, adaptations and debug capture.',
      parameters: [pathParameter('request_id', 'The `x-request-id` of the request.')],
      responses: {
        '200': jsonResponse('The row; `capture` is null unless capture was on.', { allOf: [logRowRef, { type: 'object', properties: { capture: { anyOf: [{ $ref: '#/components/schemas/Capture' }, { type: 'null' }] } } }] }),
      },
    }),
  },
};

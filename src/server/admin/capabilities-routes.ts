// /capabilities: what Sluice learned about upstream models (from their errors, or a probe), with the
// evidence and when it is checked again; forgetting one makes Sluice learn it afresh if still true.
import { GatewayError } from '../../core/errors.ts';
import type { AdminApp, AdminContext } from './admin-context.ts';
import { describeHints } from './channel-view.ts';
import { jsonResponse, operation, pathParameter, type OpenApiPaths } from './openapi-parts.ts';
import { showTime } from './read-input.ts';

export function registerCapabilityRoutes(app: AdminApp, context: AdminContext): void {
  const { relay, services } = context;

  app.get('/capabilities', () => {
    const now = Date.now();
    const entries = relay.learned.list().filter((entry) => entry.recheckAt > now);
    return {
      data: entries.map((entry) => ({
        channel: entry.channel,
        model: entry.model,
        ...describeHints(entry.hints),
        evidence: entry.evidence,
        learned_at: showTime(entry.learnedAt),
        recheck_at: showTime(entry.recheckAt),
      })),
    };
  });

  // Model names may hold a slash (`meta-llama/Llama-3.3-70B`): send it URL-encoded (%2F).
  app.delete<{ Params: { channel: string; model: string } }>('/capabilities/:channel/:model', async (request) => {
    const { channel, model } = request.params;
    const inMemory = relay.learned.forget(channel, model);
    const stored = await services.store.capabilities.delete(channel, model);
    if (!inMemory && stored === 0) throw new GatewayError('not_found', `Nothing was learned about ${channel}/${model}.`);
    return { channel, model, forgotten: true };
  });
}

export const capabilityPaths: OpenApiPaths = {
  '/capabilities': {
    get: operation({
      summary: 'Learned capabilities per channel and upstream model, with the evidence and when each is re-checked.',
      responses: {
        '200': jsonResponse('The capabilities in force.', {
          type: 'object',
          properties: {
            data: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  channel: { type: 'string' },
                  model: { type: 'string' },
                  stream: { enum: ['required', 'unsupported', 'supported'] },
                  stream_options: { type: 'boolean' },
                  drop_fields: { type: 'array', items: { type: 'string' } },
                  responses_api: { enum: ['supported', 'unsupported'] },
                  completions: { enum: ['supported', 'unsupported'] },
                  unsupported_endpoints: { type: 'array', items: { type: 'string' }, description: 'Endpoints the upstream answered 404/405/501 for (docs/endpoints.md).' },
                  rerank_texts: { type: 'boolean', description: "The upstream's rerank reads the documents from `texts` (TEI; docs/endpoints.md)." },
                  evidence: { type: 'string', description: "The upstream's words, or the probe, that showed it." },
                  learned_at: { type: 'string', format: 'date-time' },
                  recheck_at: { type: 'string', format: 'date-time' },
                },
              },
            },
          },
        }),
      },
    }),
  },
  '/capabilities/{channel}/{model}': {
    delete: operation({
      summary: 'Forget what was learned about one channel and model, in memory and in the store.',
      parameters: [pathParameter('channel', 'The channel name.'), pathParameter('model', 'The upstream model name, URL-encoded.')],
      responses: { '200': jsonResponse('Forgotten.', { type: 'object', properties: { channel: { type: 'string' }, model: { type: 'string' }, forgotten: { const: true } } }) },
    }),
  },
};

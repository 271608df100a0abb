// GET /models: every model a client may ask for, as GET /v1/models lists it for a key allowed every
// model. The console's playground lists models from here, so an admin sees them before holding a
// client key (issue 16).
import { listModels } from '../list-models.ts';
import type { Caller } from '../authenticate.ts';
import type { AdminApp, AdminContext } from './admin-context.ts';
import { jsonResponse, operation, type OpenApiPaths } from './openapi-parts.ts';

/** The admin sees the catalog as a key allowed every model would. */
const everyModel: Caller = { keyId: undefined, keyName: undefined, models: ['*'], rpm: undefined, tpm: undefined, remainingTokens: undefined, debug: false };

export function registerModelsRoute(app: AdminApp, context: AdminContext): void {
  app.get('/models', () => {
    const catalog = { channels: context.relay.channels.snapshot().channels, findProvider: context.relay.findProvider, learned: context.relay.learned };
    return { object: 'list', data: listModels(catalog, everyModel) };
  });
}

export const modelsPaths: OpenApiPaths = {
  '/models': {
    get: operation({
      summary: 'Every model clients may ask for (channel models and aliases), in the shape of GET /v1/models, with what Sluice knows about streaming.',
      responses: {
        '200': jsonResponse('The models.', {
          type: 'object',
          properties: {
            object: { const: 'list' },
            data: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  id: { type: 'string' },
                  owned_by: { type: 'string', description: 'The channel that answers first.' },
                  capabilities: {
                    type: 'object',
                    properties: { stream: { enum: ['native', 'adapted'] }, non_stream: { enum: ['native', 'adapted'] }, stream_options: { type: 'boolean' } },
                  },
                },
              },
            },
          },
        }),
      },
    }),
  },
};

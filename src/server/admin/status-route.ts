// GET /status: whether the admin API is on, and nothing else — public, so the console's sign-in page
// can say "the admin API is off, here is how to turn it on" before anyone types a key (issue 16).
// It tells no more than any admin route already does to a caller without a key (404
// admin_api_disabled vs 401 admin_key_required), and is registered whether the API is on or off.
import { allow } from '../route-access.ts';
import type { AdminApp } from './admin-context.ts';
import { jsonResponse, type OpenApiPaths } from './openapi-parts.ts';

export function registerStatusRoute(app: AdminApp, adminKey: string | undefined): void {
  const answer = { admin_api: adminKey === undefined ? 'off' : 'on' } as const;
  app.get('/status', allow('public'), () => answer);
}

export const statusPaths: OpenApiPaths = {
  '/status': {
    get: {
      summary: 'Whether the admin API is on. Needs no key: the console reads it before sign-in.',
      security: [],
      responses: {
        '200': jsonResponse('On or off.', { type: 'object', properties: { admin_api: { enum: ['on', 'off'] } }, required: ['admin_api'] }),
      },
    },
  },
};

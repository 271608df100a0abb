// GET /instances: the instances sharing this PostgreSQL store, from the instance registry
// (instance-registry.ts, docs/deploy.md "Instance registry"). With SQLite (one instance) there is
// no registry: `registry: false` and no rows.
import type { AdminApp, AdminContext } from './admin-context.ts';
import { jsonResponse, operation, type OpenApiPaths } from './openapi-parts.ts';

export function registerInstancesRoute(app: AdminApp, context: AdminContext): void {
  app.get('/instances', async () => {
    const registry = context.services.instances;
    if (registry === undefined) return { registry: false, live: null, data: [] };
    const rows = await registry.listLive();
    return {
      registry: true,
      live: rows.length,
      data: rows.map((row) => ({
        id: row.id,
        host: row.host,
        pid: row.pid,
        started_at: new Date(row.startedAt).toISOString(),
        last_seen: new Date(row.lastSeen).toISOString(),
        self: row.id === registry.id,
      })),
    };
  });
}

export const instancesPaths: OpenApiPaths = {
  '/instances': {
    get: operation({
      summary: 'The live instances sharing this PostgreSQL store (rows rewritten by a heartbeat within the live window); with SQLite, `registry: false` and none.',
      responses: {
        '200': jsonResponse('The live instances, oldest start first.', {
          type: 'object',
          properties: {
            registry: { type: 'boolean', description: 'false: the store is SQLite, one instance, no registry.' },
            live: { type: ['integer', 'null'] },
            data: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  id: { type: 'string' },
                  host: { type: 'string' },
                  pid: { type: 'integer' },
                  started_at: { type: 'string', format: 'date-time' },
                  last_seen: { type: 'string', format: 'date-time', description: "The last heartbeat, on the database's clock." },
                  self: { type: 'boolean', description: 'The instance that answered.' },
                },
              },
            },
          },
        }),
      },
    }),
  },
};

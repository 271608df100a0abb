// The admin API under /admin/api/: off (404 saying so) without an `admin_key`; otherwise every route
// needs `Authorization: Bearer <admin_key>`. Registered from build-app.ts as one fastify plugin, so
// its auth hook covers its own routes and nothing else. Every answer, errors included, carries the
// browser hardening headers (security-headers.ts); wrong keys are slowed per address.
import { GatewayError } from '../../core/errors.ts';
import { apiSecurityHeaders, setSecurityHeaders } from '../security-headers.ts';
import type { AdminApp, AdminOptions } from './admin-context.ts';
import { AdminFailures } from './admin-failures.ts';
import { authorizeAdmin } from './authorize-admin.ts';
import { registerCapabilityRoutes } from './capabilities-routes.ts';
import { registerChannelRoutes } from './channels-routes.ts';
import { registerKeyRoutes } from './keys-routes.ts';
import { registerLogRoutes } from './logs-routes.ts';
import { adminOpenApiDocument } from './openapi.ts';
import { registerProbeRoute } from './probe-route.ts';
import { registerReplayRoute } from './replay-route.ts';
import { registerStatsRoute } from './stats-route.ts';

export const adminApiPrefix = '/admin/api';

export function adminApi(app: AdminApp, options: AdminOptions, done: (error?: Error) => void): void {
  const { adminKey } = options;
  app.addHook('onRequest', (_request, reply, next) => {
    setSecurityHeaders(reply, apiSecurityHeaders);
    next();
  });
  // Unknown admin paths are answered here, under this plugin's hooks, not by the app's 404.
  app.setNotFoundHandler(() => {
    throw new GatewayError('route_not_found', 'There is no such admin API route; GET /admin/api/openapi.json lists them.');
  });
  if (adminKey === undefined) {
    app.all('/*', () => {
      throw new GatewayError('admin_api_disabled', 'The admin API is off because no `admin_key` is set in the Sluice config.');
    });
    done();
    return;
  }
  const failures = new AdminFailures(() => Date.now(), options.failurePolicy);
  app.addHook('onRequest', (request, _reply, next) => {
    // A throw here is caught by fastify's hook runner and rendered by the app's error handler.
    authorizeAdmin({ authorization: request.headers.authorization, client: request.ip }, adminKey, failures);
    next();
  });
  app.get('/openapi.json', () => adminOpenApiDocument);
  registerChannelRoutes(app, options);
  registerProbeRoute(app, options);
  registerKeyRoutes(app, options);
  registerLogRoutes(app, options);
  registerReplayRoute(app, options);
  registerCapabilityRoutes(app, options);
  registerStatsRoute(app, options);
  done();
}

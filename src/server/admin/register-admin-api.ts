// The admin API under /admin/api/: off (404 saying so) without an `admin_key`; otherwise every route
// needs `Authorization: Bearer <admin_key>`, but GET /status (public: only whether the API is on).
// Registered from build-app.ts as one fastify plugin that declares `admin` access for each of its
// routes (GET /status declares its own); the app's one access hook (route-access.ts) checks
// it on the matched route, slowing wrong keys per address (admin-failures.ts). Every answer, errors
// included, carries the browser hardening headers (security-headers.ts).
import { GatewayError } from '../../core/errors.ts';
import { declareAccess } from '../route-access.ts';
import { apiSecurityHeaders, setSecurityHeaders } from '../security-headers.ts';
import type { AdminApp, AdminOptions } from './admin-context.ts';
import { registerAlertsRoute } from './alerts-route.ts';
import { registerCacheRoute } from './cache-route.ts';
import { registerCapabilityRoutes } from './capabilities-routes.ts';
import { registerChannelRoutes } from './channels-routes.ts';
import { registerInstancesRoute } from './instances-route.ts';
import { registerKeyRoutes } from './keys-routes.ts';
import { registerLogRoutes } from './logs-routes.ts';
import { registerModelsRoute } from './models-route.ts';
import { adminOpenApiDocument } from './openapi.ts';
import { registerProbeRoute } from './probe-route.ts';
import { registerReplayRoute } from './replay-route.ts';
import { registerStatsRoute } from './stats-route.ts';
import { registerStatusRoute } from './status-route.ts';

export const adminApiPrefix = '/admin/api';

export function adminApi(app: AdminApp, options: AdminOptions, done: (error?: Error) => void): void {
  declareAccess(app, 'admin');
  app.addHook('onRequest', (_request, reply, next) => {
    setSecurityHeaders(reply, apiSecurityHeaders);
    next();
  });
  // Unknown admin paths are answered here, under this plugin's hooks, not by the app's 404.
  app.setNotFoundHandler(() => {
    throw new GatewayError('route_not_found', 'There is no such admin API route; GET /admin/api/openapi.json lists them.');
  });
  registerStatusRoute(app, options.adminKey);
  if (options.adminKey === undefined) {
    app.all('/*', () => {
      throw new GatewayError('admin_api_disabled', 'The admin API is off because no `admin_key` is set in the Sluice config.');
    });
    done();
    return;
  }
  app.get('/openapi.json', () => adminOpenApiDocument);
  registerChannelRoutes(app, options);
  registerProbeRoute(app, options);
  registerKeyRoutes(app, options);
  registerLogRoutes(app, options);
  registerReplayRoute(app, options);
  registerCapabilityRoutes(app, options);
  registerStatsRoute(app, options);
  registerInstancesRoute(app, options);
  registerAlertsRoute(app, options);
  registerModelsRoute(app, options);
  registerCacheRoute(app, options);
  done();
}

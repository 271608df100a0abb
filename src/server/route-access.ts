// Deny by default: every route says who may call it, in its own options (`config: { access }`),
// and one onRequest hook checks that on the route the router *matched*, after it decoded the path.
// So `/v%31/chat/completions` is the chat route and needs a client key like `/v1/chat/completions`,
// and a path that matches no route is a 404 before anything else runs. A route that declares no
// access stops start-up; were one ever to slip through, it is refused like an unknown route.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest, RawServerDefault, RouteOptions } from 'fastify';
import { GatewayError } from '../core/errors.ts';
import type { RenderedError } from '../core/ingress-codec.ts';
import type { AdminFailures } from './admin/admin-failures.ts';
import { authorizeAdmin } from './admin/authorize-admin.ts';
import { presentedKeyOf, type KeyAccess } from './authenticate.ts';
import { checkLoopbackRequest } from './check-loopback-request.ts';

/**
 * `client`: a client key (or none while Sluice is keyless); `admin`: the `admin_key`; `metrics`: the
 * `metrics_key` when one is configured, else anyone; `public`: anyone.
 */
export type RouteAccess = 'client' | 'admin' | 'metrics' | 'public';

type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse>;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
    /** The route's client protocol renders its errors, even those raised before its handler (absent: OpenAI's shape). */
    renderError?: (error: GatewayError, requestId: string) => RenderedError;
    /** The route's client protocol (issue 14), for the log row of a request refused before its handler. */
    protocol?: string;
    /** The setting that bounds this route's body, named in its 413 (absent: `limits.body_bytes`). */
    bodyLimitSetting?: string;
  }
}

/**
 * Route options that declare who may call the route: `app.get(path, allow('public'), handler)`, and
 * for a relayed route its client protocol (`allow('client', 'chat')`).
 */
export function allow(access: RouteAccess, protocol?: string): { config: { access: RouteAccess; protocol?: string } } {
  return { config: protocol === undefined ? { access } : { access, protocol } };
}

/** The access the matched route declared; undefined for an unknown route or an undeclared one. */
export function accessOf(request: FastifyRequest): RouteAccess | undefined {
  return request.is404 ? undefined : request.routeOptions.config.access;
}

export interface AccessOptions {
  keyAccess: KeyAccess;
  adminKey: string | undefined;
  /** Wrong admin keys counted per client address; past the limit the address is refused. */
  adminFailures: AdminFailures;
  metricsKey: string | undefined;
}

/**
 * A client key as `Authorization: Bearer <key>`, or as `x-api-key: <key>`, the header the Anthropic
 * SDKs and Claude Code send for an API key (docs/ingress-protocols.md §A5). Accepted on every client
 * route: a key is a key whichever header carries it; Bearer wins when both are sent.
 */
export function clientCredentialOf(headers: FastifyRequest['headers']): string | undefined {
  const apiKey = headers['x-api-key'];
  if (headers.authorization !== undefined || typeof apiKey !== 'string' || apiKey.trim() === '') return headers.authorization;
  return `Bearer ${apiKey.trim()}`;
}

/** Compared as digests of the same length, so the time taken says nothing about the secret. */
function isSameSecret(presented: string, secret: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(secret));
}

function authorizeMetrics(request: FastifyRequest, metricsKey: string | undefined): void {
  if (metricsKey === undefined) return;
  const presented = presentedKeyOf(request.headers.authorization);
  if (presented === undefined || !isSameSecret(presented, metricsKey)) {
    throw new GatewayError('metrics_key_required', 'GET /metrics needs `Authorization: Bearer <metrics_key>`.');
  }
}

/**
 * Throws the refusal for this request on its matched route; sets `request.caller` on client routes.
 * Synchronous unless a client key has to be looked up: the returned promise then settles the same way.
 */
export function authorizeRoute(request: FastifyRequest, options: AccessOptions): Promise<void> | undefined {
  if (request.is404) return;
  // Decided once at start: a keyless Sluice answers only this machine's own clients.
  if (options.keyAccess.startedKeyless) checkLoopbackRequest(request.headers);
  switch (accessOf(request)) {
    case 'public':
      return undefined;
    case 'metrics':
      authorizeMetrics(request, options.metricsKey);
      return undefined;
    case 'admin':
      if (options.adminKey === undefined) throw new GatewayError('admin_api_disabled', 'The admin API is off because no `admin_key` is set in the Sluice config.');
      authorizeAdmin({ authorization: request.headers.authorization, client: request.ip }, options.adminKey, options.adminFailures);
      return undefined;
    case 'client': {
      // Limits and quota are taken by the route, once the model and the body are accepted
      // (account-request.ts): a refused request spends nothing.
      const credential = clientCredentialOf(request.headers);
      const known = options.keyAccess.knownCaller(credential);
      if (known !== undefined) {
        request.caller = known;
        return undefined;
      }
      return options.keyAccess.authenticate(credential).then((caller) => {
        request.caller = caller;
      });
    }
    case undefined:
      throw new GatewayError('route_not_found', `Unknown route: ${request.method} ${request.url}`);
  }
}

/** Stops start-up (at `ready`) when any route was registered without declaring its access. */
export function requireDeclaredAccess(app: App): void {
  const routes: RouteOptions[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    // Checked at `ready`, not here: a plugin's own onRoute hook (the admin API's) runs after this one.
    routes.push(route);
  });
  app.addHook('onReady', (done) => {
    const undeclared = routes.filter((route) => route.config?.access === undefined).map((route) => `${String(route.method)} ${route.url}`);
    done(undeclared.length > 0 ? new Error(`Routes without a declared access (config.access): ${undeclared.join(', ')}`) : undefined);
  });
}

/**
 * Declares `access` for every route registered in this plugin scope that does not declare its own
 * (the admin API: all `admin`; the console's static files: all `public`).
 */
export function declareAccess(scope: App, access: RouteAccess): void {
  scope.addHook('onRoute', (route) => {
    route.config = { ...route.config, access: route.config?.access ?? access };
  });
}

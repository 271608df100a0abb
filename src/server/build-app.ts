// The HTTP edge: the only importer of the web framework. Routes, auth, request ids, body limits,
// and every error rendered by render-error.ts.
import { createRequestIds } from './create-request-ids.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { LogController, type FastifyReply, type FastifyRequest, type FastifyError, type FastifyInstance, type RawServerDefault } from 'fastify';
import type { Logger } from 'pino';
import type { ServerSettings } from '../config/server-settings.ts';
import type { Channel } from '../core/channel.ts';
import { GatewayError } from '../core/errors.ts';
import type { Metrics } from '../metrics/create-metrics.ts';
import type { AnswerCache } from '../relay/answer-cache.ts';
import type { Provider } from '../providers/types.ts';
import type { RelayDependencies } from '../relay/relay-dependencies.ts';
import type { AdminOptions } from './admin/admin-context.ts';
import { AdminFailures } from './admin/admin-failures.ts';
import { adminApi, adminApiPrefix } from './admin/register-admin-api.ts';
import type { Caller } from './authenticate.ts';
import { recordRequest } from './account-request.ts';
import type { Services } from './open-services.ts';
import { createChatHandler } from './chat-route.ts';
import { encodeAnthropicModel, encodeAnthropicModelList } from '../ingress/messages/encode-model-list.ts';
import { createIngressCodecs } from './ingress-codecs.ts';
import { registerMessagesRoutes } from './messages-routes.ts';
import { createEmbeddingsHandler } from './embeddings-route.ts';
import { completionsProtocol, createCompletionsHandler } from './completions-route.ts';
import { createEndpointHandler } from './endpoint-route.ts';
import { imageGenerationsRoute, moderationsRoute, rerankRoute } from './endpoint-routes.ts';
import { defaultEndpointUnits, type EndpointUnits } from '../core/endpoint-units.ts';
import { registerMediaRoutes } from './media-routes.ts';
import { registerResponsesRoutes } from './responses-routes.ts';
import { recordFailure, type RouteOptions } from './relayed-route.ts';
import { createRequestRecord } from '../relay/request-record.ts';
import { answerClientError } from './answer-client-error.ts';
import { checkReadiness } from './check-readiness.ts';
import { isRefusedBeforeAuthentication } from './limit-refusal-rows.ts';
import { compileTrustedProxies, limitConnections, serverTimeoutOptions } from './limit-connections.ts';
import { findModel, listModels } from './list-models.ts';
import { renderError, toGatewayError } from './render-error.ts';
import { accessOf, allow, authorizeRoute, requireDeclaredAccess } from './route-access.ts';
import { apiSecurityHeaders, setSecurityHeaders } from './security-headers.ts';
import { serveConsole } from './serve-console.ts';
import { createRequestLineWriter } from './write-request-line.ts';
import { createRequestLoggerFactory } from './request-logger.ts';

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | undefined;
  }
}

export interface AppOptions {
  logger: Logger;
  services: Services;
  channels: readonly Channel[];
  findProvider: (type: string) => Provider | undefined;
  relay: RelayDependencies;
  bodyLimitBytes: number;
  keepaliveMs: number;
  metrics: Metrics;
  /** SLUICE_DEBUG=1: capture every exchange. */
  debug: boolean;
  /** Aborted when the shutdown deadline passes (start-sluice.ts): open streams end in-band then. */
  shutdownSignal: AbortSignal;
  /** The admin API's settings; how a replay is logged is added here. */
  admin: Omit<AdminOptions, 'finishReplay' | 'services' | 'relay' | 'codecs'>;
  /** When set, GET /metrics needs it as a bearer token. */
  metricsKey: string | undefined;
  /** Timeouts, connection caps, trusted proxies. */
  server: ServerSettings;
  /** Config `limits.upload_bytes`: the largest multipart upload (docs/endpoints.md "Uploads"). */
  uploadLimitBytes: number;
  /** Config `drop_unsupported_tools`: hosted/server tools are dropped with a warning header instead of a 400. */
  dropUnsupportedTools: boolean;
  /** Config `cache`: the exact response cache of chat answers (docs/caching.md); absent: off. */
  responseCache?: AnswerCache | undefined;
  /** Config `units`: request units of issue 18's endpoints (src/core/endpoint-units.ts); absent: the defaults. */
  units?: EndpointUnits | undefined;
}

/** Fastify's own errors (body too large, unreadable body) in the catalog's terms; a 413 names the route's own limit and its setting. */
function fromFrameworkError(error: FastifyError, bodyLimitBytes: number, bodyLimitSetting = 'limits.body_bytes'): GatewayError {
  if (error.statusCode === 413) {
    return new GatewayError('body_too_large', `The request body is larger than the limit of ${bodyLimitBytes} bytes (${bodyLimitSetting}).`);
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new GatewayError('invalid_request', error.message);
  }
  return toGatewayError(error);
}

/** A path that cannot be decoded (`%C0%AF`, overlong UTF-8) names no route: 404, like any unknown path. */
function answerUnreadablePath(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const rendered = renderError(new GatewayError('route_not_found', `Unknown route: ${request.method} ${request.url}`), request.id);
  request.log.warn({ status: rendered.status, url: request.url, code: error.code }, 'unreadable route');
  void reply.code(rendered.status).header('x-request-id', request.id).send(rendered.body);
}

export type SluiceApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse>;

/** The refusal of a compiler that is never meant to run. */
function refuseSchemaCompiler(): never {
  throw new Error('Sluice declares no fastify route schemas (bodies and queries are parsed with zod: src/ingress/, src/server/admin/read-input.ts)');
}

/**
 * Sluice gives fastify no route schemas, so fastify's own compilers (ajv with fast-uri and
 * ajv-formats, fast-json-stringify: ~110 modules, ~1.5 MB of heap at rest) are never loaded: these
 * stand in for them and refuse, should a route ever declare a schema (docs/benchmarks.md "Idle RSS, round six").
 */
const noSchemaCompilers = { buildValidator: () => refuseSchemaCompiler, buildSerializer: () => refuseSchemaCompiler };

export function buildApp(options: AppOptions): SluiceApp {
  const isTrustedProxy = compileTrustedProxies(options.server.trustedProxies);
  const app = Fastify({
    // Sluice writes one line per request itself, with what was adapted and why; fastify gets no
    // logger of its own (no per-request child, no response listeners), and `request.log` is a child
    // of Sluice's logger made when a request first logs (request-logger.ts).
    childLoggerFactory: createRequestLoggerFactory(options.logger),
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
    bodyLimit: options.bodyLimitBytes,
    genReqId: createRequestIds(),
    ...serverTimeoutOptions(options.server),
    // The client's address comes from X-Forwarded-For only when the peer is a trusted proxy.
    trustProxy: (address: string) => isTrustedProxy(address),
    frameworkErrors: answerUnreadablePath,
    clientErrorHandler: answerClientError,
    schemaController: { compilersFactory: noSchemaCompilers },
  });
  limitConnections(app.server, options.server, isTrustedProxy);
  requireDeclaredAccess(app);

  // Every body is read as text and parsed by Sluice, so malformed JSON gets Sluice's error shape.
  app.removeAllContentTypeParsers();
  const readText = (_request: FastifyRequest, body: string | Buffer, done: (error: null, body: string | Buffer) => void): void => {
    done(null, body);
  };
  app.addContentTypeParser('*', { parseAs: 'string' }, readText);
  // The same parser under application/json's own name: fastify remembers a parser it found by media
  // type, but looks the catch-all up again, parsing the Content-Type header anew, on every request
  // (fastify/lib/content-type-parser.js getParser; docs/benchmarks.md "Non-stream CPU, round five").
  app.addContentTypeParser('application/json', { parseAs: 'string' }, readText);
  // Uploads (audio, image edits) are read once into one Buffer, up to the route's limit
  // (limits.upload_bytes), and parsed by the route (src/ingress/multipart/); files stay views into it.
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });
  app.decorateRequest('caller', undefined);

  const access = {
    keyAccess: options.services.keyAccess,
    adminKey: options.admin.adminKey,
    adminFailures: new AdminFailures(() => Date.now(), options.admin.failurePolicy),
    metricsKey: options.metricsKey,
  };
  // A callback hook, not an async one: a key accepted lately is checked without a promise (route-access.ts).
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    // The admin API's browser headers go on before its key is checked, so its refusals carry them too.
    if (accessOf(request) === 'admin') setSecurityHeaders(reply, apiSecurityHeaders);
    let pending: Promise<void> | undefined;
    try {
      pending = authorizeRoute(request, access);
    } catch (error) {
      done(error as FastifyError);
      return;
    }
    if (pending === undefined) done();
    else pending.then(() => { done(); }, (error: unknown) => { done(error as FastifyError); });
  });

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const routeConfig = request.is404 ? undefined : request.routeOptions;
    const gatewayError = error instanceof GatewayError ? error : fromFrameworkError(error, routeConfig?.bodyLimit ?? options.bodyLimitBytes, routeConfig?.config.bodyLimitSetting);
    // Refused before authentication: one client address gets a bounded number of log lines and rows.
    // The matched route's protocol renders it (Anthropic's shape on /v1/messages), else OpenAI's.
    const render = (request.is404 ? undefined : request.routeOptions.config.renderError) ?? renderError;
    if (isRefusedBeforeAuthentication(gatewayError.code) && !options.services.refusalRows.admit(request.ip)) {
      const rendered = render(gatewayError, request.id);
      return reply.code(rendered.status).headers(rendered.headers).send(rendered.body);
    }
    if (gatewayError.code === 'internal_error') request.log.error({ err: error }, 'unhandled error');
    else request.log.warn({ status: gatewayError.status, code: gatewayError.code, url: request.url }, gatewayError.message);
    // Refused before a route ran (key, limits, body size): still one log row, as every request.
    if (request.method === 'POST' && accessOf(request) === 'client') logRefusal(request, gatewayError);
    const rendered = render(gatewayError, request.id);
    return reply.code(rendered.status).headers(rendered.headers).send(rendered.body);
  });
  const logRefusal = (request: FastifyRequest, error: GatewayError): void => {
    const record = createRequestRecord(request.id, '', false);
    record.ingress = request.routeOptions.config.protocol;
    recordFailure(record, error);
    routeOptions.finishRequest(record, request.caller, request);
  };

  app.setNotFoundHandler(async (request, reply) => {
    const rendered = renderError(new GatewayError('route_not_found', `Unknown route: ${request.method} ${request.url}`), request.id);
    request.log.warn({ status: rendered.status, url: request.url }, 'unknown route');
    return reply.code(rendered.status).send(rendered.body);
  });

  app.get('/healthz', allow('public'), () => ({ status: 'ok' }));
  app.get('/readyz', allow('public'), async (_request, reply) => {
    const readiness = checkReadiness(options.relay.channels.snapshot().channels, options.relay, await options.services.storeHealth.read(), options.services.sharedState?.describe(), options.services.instances?.liveCount);
    return reply.code(readiness.ready ? 200 : 503).send(readiness);
  });
  app.get('/metrics', allow('metrics'), async (_request, reply) => reply.type(options.metrics.contentType).send(await options.metrics.render()));
  // Only the models the calling key may use (issue 12, item 6).
  const modelCatalog = () => ({ channels: options.relay.channels.snapshot().channels, findProvider: options.findProvider, learned: options.relay.learned });
  const callerOf = (request: FastifyRequest): Caller => {
    if (request.caller === undefined) throw new GatewayError('missing_api_key', 'No API key was given: send `Authorization: Bearer <key>`.');
    return request.caller;
  };
  // With `anthropic-version` (Anthropic's SDKs, Claude Code's model discovery): Anthropic's list shape.
  app.get('/v1/models', allow('client'), (request) => {
    const models = listModels(modelCatalog(), callerOf(request));
    return request.headers['anthropic-version'] === undefined ? { object: 'list', data: models } : encodeAnthropicModelList(models);
  });
  // `*`, not `:id`: model ids may hold a slash (`meta-llama/Llama-3.1-8B-Instruct`).
  app.get('/v1/models/*', allow('client'), (request) => {
    const model = findModel(modelCatalog(), callerOf(request), (request.params as { '*': string })['*']);
    return request.headers['anthropic-version'] === undefined ? model : encodeAnthropicModel(model);
  });
  const writeRequestLine = createRequestLineWriter(options.logger);
  const routeOptions: RouteOptions = {
    relay: options.relay,
    keepaliveMs: options.keepaliveMs,
    admission: options.services.admission,
    pricing: options.services.pricing,
    finishRequest: (record, caller, request) => {
      // Relayed routes priced it before settling; a replay or a refusal is priced here (idempotent).
      options.services.pricing.price(record);
      writeRequestLine(record, caller?.keyName);
      options.metrics.observeRequest(record, caller?.keyName);
      options.admin.alerts?.observeAttempts(record.attempts, record.clientModel);
      recordRequest(record, caller, request, options.services.logWriter);
    },
    onStreamStart: () => {
      options.metrics.streamStarted();
    },
    onStreamEnd: () => {
      options.metrics.streamEnded();
    },
    captureAll: (caller) => options.debug || caller?.debug === true,
    shutdownSignal: options.shutdownSignal,
    responseCache: options.responseCache,
  };
  const codecs = createIngressCodecs({ dropUnsupportedTools: options.dropUnsupportedTools });
  app.post('/v1/chat/completions', allow('client', codecs.chat.protocol), createChatHandler(routeOptions, codecs.chat));
  app.post('/v1/embeddings', allow('client', 'embeddings'), createEmbeddingsHandler(routeOptions));
  app.post('/v1/completions', allow('client', completionsProtocol), createCompletionsHandler(routeOptions));
  // Issue 18: moderations, rerank, image generation (docs/endpoints.md); units per config `units`.
  const units = options.units ?? defaultEndpointUnits;
  app.post('/v1/moderations', allow('client', 'moderations'), createEndpointHandler(routeOptions, moderationsRoute(units)));
  app.post('/v1/rerank', allow('client', 'rerank'), createEndpointHandler(routeOptions, rerankRoute(units)));
  app.post('/v1/images/generations', allow('client', 'images.generations'), createEndpointHandler(routeOptions, imageGenerationsRoute(units)));
  registerMediaRoutes(app, routeOptions, options.uploadLimitBytes, units);
  registerResponsesRoutes(app, routeOptions, { codec: codecs.responses });
  registerMessagesRoutes(app, routeOptions, { dropUnsupportedTools: options.dropUnsupportedTools, codec: codecs.messages });
  void app.register(adminApi, { prefix: adminApiPrefix, ...options.admin, services: options.services, relay: options.relay, codecs, finishReplay: (record, request) => { routeOptions.finishRequest(record, undefined, request); } });
  serveConsole(app);
  return app;
}

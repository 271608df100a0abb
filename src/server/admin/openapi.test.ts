import Fastify, { type RouteOptions } from 'fastify';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/index.ts';
import { Metrics } from '../../metrics/create-metrics.ts';
import { createIngressCodecs } from '../ingress-codecs.ts';
import { loadLiveChannels } from '../live-channels.ts';
import { openServices } from '../open-services.ts';
import { UpstreamClient } from '../../upstream/upstream-client.ts';
import { createRelayDependencies } from '../start-sluice.ts';
import { adminOpenApiDocument } from './openapi.ts';
import { adminApi, adminApiPrefix } from './register-admin-api.ts';

/** `/admin/api/keys/:id` → `/keys/{id}`: the spelling of an OpenAPI path. */
function toOpenApiPath(url: string): string {
  return url.slice(adminApiPrefix.length).replace(/:([A-Za-z_]+)/g, '{$1}');
}

describe('the admin OpenAPI document', () => {
  it('describes every registered admin route, and no route that is not registered', async () => {
    const config = parseConfig(`admin_key: admin-key-for-openapi-test\nchannels: [{ name: echo, type: echo, models: [echo] }]`, { file: 'test.yaml', env: {} });
    const logger = pino({ level: 'silent' });
    const relay = createRelayDependencies(config, logger, new Metrics({ processMetrics: false }), new UpstreamClient());
    const services = await openServices({ ...config, store: 'sqlite::memory:' }, relay, logger);
    const channels = await loadLiveChannels(config, relay, services.store.channels, logger);
    const app = Fastify({ loggerInstance: logger });
    const registered: string[] = [];
    app.addHook('onRoute', (route: RouteOptions) => {
      for (const method of [route.method].flat()) if (method !== 'HEAD') registered.push(`${method.toLowerCase()} ${toOpenApiPath(route.url)}`);
    });
    await app.register(adminApi, { prefix: adminApiPrefix, adminKey: 'k', services, relay, channels, configKeyNames: new Set<string>(), codecs: createIngressCodecs({ dropUnsupportedTools: false }), finishReplay: () => undefined });
    await app.ready();
    const documented = Object.entries(adminOpenApiDocument.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method} ${path}`));
    expect(registered.length).toBeGreaterThan(10);
    expect(documented.sort()).toEqual(registered.sort());
    await app.close();
    await services.close();
  });

  it('is OpenAPI 3.1 with a bearer scheme and the error shape', () => {
    expect(adminOpenApiDocument.openapi).toBe('3.1.0');
    expect(adminOpenApiDocument.components.securitySchemes.adminKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(JSON.parse(JSON.stringify(adminOpenApiDocument))).toEqual(adminOpenApiDocument);
  });
});

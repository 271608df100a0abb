// The admin API's OpenAPI 3.1 document, assembled from the paths each resource file declares next
// to its routes. A test checks that every registered admin route is in it.
import { alertsPaths } from './alerts-route.ts';
import { cachePaths } from './cache-route.ts';
import { capabilityPaths } from './capabilities-routes.ts';
import { channelPaths } from './channels-routes.ts';
import { keyPaths } from './keys-routes.ts';
import { instancesPaths } from './instances-route.ts';
import { modelsPaths } from './models-route.ts';
import { statusPaths } from './status-route.ts';
import { logPaths } from './logs-routes.ts';
import { jsonResponse, operation, type JsonSchema, type OpenApiPaths } from './openapi-parts.ts';
import { probePaths } from './probe-route.ts';
import { replayPaths } from './replay-route.ts';
import { statsPaths } from './stats-route.ts';

const nullable = (type: string): JsonSchema => ({ type: [type, 'null'] });
const string = { type: 'string' };
const integer = { type: 'integer' };
const boolean = { type: 'boolean' };
const time = { type: 'string', format: 'date-time' };

const schemas: Record<string, JsonSchema> = {
  Error: {
    type: 'object',
    description: 'The OpenAI error shape, plus what Sluice knows (docs/errors.md).',
    properties: {
      error: {
        type: 'object',
        properties: { message: string, type: string, param: nullable('string'), code: string, hint: string, request_id: string },
        required: ['message', 'type', 'param', 'code'],
      },
    },
  },
  Channel: {
    type: 'object',
    description: 'A channel as the config file spells it, upstream keys masked (`sk-…abcd`), with `health`. An API channel whose entry no longer validates shows `problems` instead of its settings.',
    properties: {
      name: string,
      source: { enum: ['config', 'api'] },
      enabled: boolean,
      type: string,
      base_url: nullable('string'),
      api_keys: { type: 'array', items: string, description: 'Masked.' },
      models: { type: 'array', items: string },
      model_map: { type: 'object', additionalProperties: string },
      priority: integer,
      weight: { type: 'number' },
      capabilities: { type: 'object', description: 'Configured hints per upstream model or glob.' },
      health: {
        type: 'object',
        properties: {
          circuits: { type: 'array', items: { type: 'object', properties: { model: string, state: { enum: ['closed', 'open', 'half-open'] }, failures: integer } } },
          refused_keys: { type: 'array', items: { type: 'object', properties: { key: string, model: { ...nullable('string'), description: 'Set aside for this upstream model only; null: for the whole channel.' }, reason: string, since: time, recheck_at: time } } },
          learned: { type: 'array', items: { type: 'object' } },
        },
      },
      problems: { type: 'array', items: string },
      created_at: time,
      updated_at: time,
    },
  },
  Key: {
    type: 'object',
    properties: {
      id: string,
      name: string,
      prefix: { type: 'string', description: 'The first characters of the key; never the key.' },
      source: { enum: ['config', 'api'] },
      models: { type: 'array', items: string },
      rpm: nullable('integer'),
      tpm: nullable('integer'),
      max_concurrency: nullable('integer'),
      queue_ms: nullable('integer'),
      quota_tokens: nullable('integer'),
      remaining_tokens: { ...nullable('integer'), description: 'Below 0 when requests used more than they reserved (recorded, never clamped).' },
      expires_at: { anyOf: [time, { type: 'null' }] },
      enabled: boolean,
      debug: boolean,
      budget: { anyOf: [{ type: 'object', properties: { usd: { type: 'number' }, period: { enum: ['day', 'month'] } } }, { type: 'null' }], description: 'USD per UTC day or month at the configured prices (docs/cost.md).' },
      budget_spent_usd: { ...nullable('number'), description: 'What the current period spent, in-flight reservations included; above the budget after an overrun (recorded, never clamped).' },
      budget_period_start: { anyOf: [time, { type: 'null' }], description: 'The start of the period `budget_spent_usd` counts; an older one means nothing was spent since.' },
      cache: { anyOf: [{ type: 'object', properties: { enabled: boolean, ttl_s: nullable('number'), models: { anyOf: [{ type: 'array', items: string }, { type: 'null' }] } } }, { type: 'null' }], description: 'This key\'s response-cache settings (docs/caching.md "Per key"); null: the global ones.' },
      created_at: time,
      updated_at: time,
    },
  },
  LogRow: {
    type: 'object',
    properties: {
      time,
      request_id: string,
      key: nullable('string'),
      client_model: string,
      answered_model: nullable('string'),
      client_stream: boolean,
      ingress: nullable('string'),
      channel: nullable('string'),
      upstream_model: nullable('string'),
      upstream_stream: nullable('boolean'),
      adaptations: { type: 'array', items: string },
      attempts: {
        type: 'array',
        items: { type: 'object', properties: { channel: string, upstream_model: string, upstream_stream: boolean, status: nullable('integer'), error_code: nullable('string'), duration_ms: { type: 'number' }, counts_against_channel: { type: 'boolean', description: 'The upstream was at fault, as the circuit breaker judged (docs/alerts.md).' } } },
      },
      status: integer,
      error_code: nullable('string'),
      error_message: nullable('string'),
      first_token_ms: nullable('number'),
      duration_ms: { type: 'number' },
      overhead_ms: nullable('number'),
      prompt_tokens: nullable('integer'),
      completion_tokens: nullable('integer'),
      cached_prompt_tokens: { ...nullable('integer'), description: 'Of `prompt_tokens`: read from a prompt cache, where the upstream said.' },
      cost_usd: { ...nullable('number'), description: 'USD at the configured prices (docs/cost.md); null: no usage, or no price for the model (unknown, not 0).' },
      usage_source: { enum: ['upstream', 'estimated', null] },
      request_bytes: { ...nullable('integer'), description: "The client request's body, in bytes." },
      response_bytes: { ...nullable('integer'), description: 'The answer sent to the client, in bytes; null where not measured (chat answers).' },
      client_ip: nullable('string'),
      user_agent: nullable('string'),
      captured: boolean,
    },
  },
  Capture: {
    type: 'object',
    description: 'Debug capture: each part capped, every secret masked.',
    properties: {
      client_request: string,
      client_response: { type: 'string', description: 'JSON, or the SSE transcript written to the client.' },
      attempts: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            url: string,
            request_headers: { type: 'object', additionalProperties: string },
            request_body: { type: 'string', description: 'The exact body sent upstream.' },
            status: nullable('integer'),
            response_headers: { type: 'object', additionalProperties: string },
            response_body: { type: 'string', description: 'The raw response (the SSE transcript for streams).' },
            truncated: boolean,
          },
        },
      },
    },
  },
};

const documentPaths: OpenApiPaths = {
  '/openapi.json': { get: operation({ summary: 'This document.', responses: { '200': jsonResponse('OpenAPI 3.1.', { type: 'object' }) } }) },
  ...channelPaths,
  ...probePaths,
  ...keyPaths,
  ...logPaths,
  ...replayPaths,
  ...capabilityPaths,
  ...statsPaths,
  ...instancesPaths,
  ...alertsPaths,
  ...modelsPaths,
  ...statusPaths,
  ...cachePaths,
};

export const adminOpenApiDocument = {
  openapi: '3.1.0',
  info: { title: 'Sluice admin API', version: '1', description: 'Channels, client keys, request logs, learned capabilities, stats and replay. See docs/admin-api.md.' },
  servers: [{ url: '/admin/api' }],
  security: [{ adminKey: [] }],
  paths: documentPaths,
  components: { securitySchemes: { adminKey: { type: 'http', scheme: 'bearer', description: 'The `admin_key` of the Sluice config.' } }, schemas },
};

// /keys: client API keys. Only a hash and a short prefix are stored; the full key is in the answer
// to POST once and never again. Every change refreshes the key cache, so auth sees it at once.
import * as z from 'zod';
import type { KeyCacheSettings } from '../../core/cache-policy.ts';
import { GatewayError } from '../../core/errors.ts';
import { isStoreConflictError, type KeyChanges, type KeyRecord } from '../../store/index.ts';
import type { AdminApp, AdminContext } from './admin-context.ts';
import { jsonResponse, jsonSchemaOf, operation, pathParameter, type OpenApiPaths } from './openapi-parts.ts';
import { readBody, showTime } from './read-input.ts';

const limit = z.int().positive().nullable();
const expiry = z.iso.datetime({ offset: true }).nullable();
/** docs/cost.md: USD per UTC day or month at the configured prices; `null` removes it. */
const budget = z.strictObject({ usd: z.number().nonnegative(), period: z.enum(['day', 'month']) }).nullable();

/** docs/caching.md "Per key": this key's own response-cache settings; `null` (or absent at creation) follows the global ones. */
const cache = z
  .strictObject({ enabled: z.boolean().optional(), ttl_s: z.number().positive().optional(), models: z.array(z.string().min(1)).min(1).optional() })
  .nullable();

const keyFields = {
  models: z.array(z.string().min(1)).min(1),
  rpm: limit,
  tpm: limit,
  max_concurrency: limit,
  queue_ms: z.int().nonnegative().nullable(),
  quota_tokens: z.int().nonnegative().nullable(),
  expires_at: expiry,
  enabled: z.boolean(),
  debug: z.boolean(),
  budget,
  cache,
};

function toKeyCache(body: z.output<typeof cache>): KeyCacheSettings | null {
  if (body === null) return null;
  return { enabled: body.enabled ?? true, ttlMs: body.ttl_s === undefined ? undefined : body.ttl_s * 1000, models: body.models };
}

function describeKeyCache(settings: KeyCacheSettings | undefined) {
  if (settings === undefined) return null;
  return { enabled: settings.enabled, ttl_s: settings.ttlMs === undefined ? null : settings.ttlMs / 1000, models: settings.models ?? null };
}

const createKeyBody = z.strictObject({ name: z.string().min(1), ...z.object(keyFields).partial().shape });
const changeKeyBody = z.strictObject({ name: z.string().min(1), remaining_tokens: z.int().nonnegative().nullable(), budget_spent_usd: z.number().nonnegative(), ...keyFields }).partial();

type IdParams = { Params: { id: string } };

function describeKey(record: KeyRecord, context: AdminContext) {
  return {
    id: record.id,
    name: record.name,
    prefix: record.prefix,
    source: context.configKeyNames.has(record.name) ? 'config' : 'api',
    models: record.models,
    rpm: record.rpm ?? null,
    tpm: record.tpm ?? null,
    max_concurrency: record.maxConcurrency ?? null,
    queue_ms: record.queueMs ?? null,
    quota_tokens: record.quotaTokens ?? null,
    remaining_tokens: record.remainingTokens ?? null,
    expires_at: showTime(record.expiresAt),
    enabled: record.enabled,
    debug: record.debug,
    budget: record.budget ?? null,
    budget_spent_usd: record.budget === undefined ? null : (record.budgetSpentUsd ?? 0),
    budget_period_start: showTime(record.budgetPeriodStart),
    cache: describeKeyCache(record.cache),
    created_at: showTime(record.createdAt),
    updated_at: showTime(record.updatedAt),
  };
}

function toChanges(body: z.output<typeof changeKeyBody>): KeyChanges {
  const changes: KeyChanges = {};
  if (body.name !== undefined) changes.name = body.name;
  if (body.models !== undefined) changes.models = body.models;
  if (body.rpm !== undefined) changes.rpm = body.rpm;
  if (body.tpm !== undefined) changes.tpm = body.tpm;
  if (body.max_concurrency !== undefined) changes.maxConcurrency = body.max_concurrency;
  if (body.queue_ms !== undefined) changes.queueMs = body.queue_ms;
  if (body.quota_tokens !== undefined) changes.quotaTokens = body.quota_tokens;
  if (body.remaining_tokens !== undefined) changes.remainingTokens = body.remaining_tokens;
  if (body.expires_at !== undefined) changes.expiresAt = body.expires_at === null ? null : Date.parse(body.expires_at);
  if (body.enabled !== undefined) changes.enabled = body.enabled;
  if (body.debug !== undefined) changes.debug = body.debug;
  if (body.budget !== undefined) changes.budget = body.budget;
  if (body.budget_spent_usd !== undefined) changes.budgetSpentUsd = body.budget_spent_usd;
  if (body.cache !== undefined) changes.cache = toKeyCache(body.cache);
  return changes;
}

async function asConflict<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isStoreConflictError(error)) throw new GatewayError('conflict', error.message, { param: error.field });
    throw error;
  }
}

async function requireKey(context: AdminContext, id: string): Promise<KeyRecord> {
  const record = await context.services.store.keys.get(id);
  if (record === undefined) throw new GatewayError('not_found', `There is no key with the id '${id}'.`);
  return record;
}

export function registerKeyRoutes(app: AdminApp, context: AdminContext): void {
  const { store, keyAccess } = context.services;

  app.get('/keys', async () => ({ data: (await store.keys.list()).map((record) => describeKey(record, context)) }));

  app.post('/keys', async (request, reply) => {
    const body = readBody(createKeyBody, request);
    const created = await asConflict(() =>
      store.keys.create({
        name: body.name,
        models: body.models,
        rpm: body.rpm ?? undefined,
        tpm: body.tpm ?? undefined,
        maxConcurrency: body.max_concurrency ?? undefined,
        queueMs: body.queue_ms ?? undefined,
        quotaTokens: body.quota_tokens ?? undefined,
        expiresAt: body.expires_at == null ? undefined : Date.parse(body.expires_at),
        enabled: body.enabled,
        debug: body.debug,
        budget: body.budget ?? undefined,
        cache: body.cache == null ? undefined : toKeyCache(body.cache) ?? undefined,
      }),
    );
    // Only its hash is stored, so this is the one moment the key can join the masked secrets: a key
    // pasted into a prompt is then masked in every later capture (until a restart).
    context.channels.rememberSecret(created.key);
    await keyAccess.refresh();
    return reply.code(201).send({ ...describeKey(created.record, context), key: created.key });
  });

  app.patch<IdParams>('/keys/:id', async (request) => {
    const body = readBody(changeKeyBody, request);
    await requireKey(context, request.params.id);
    const changes = toChanges(body);
    const updated = await asConflict(() => store.keys.update(request.params.id, changes));
    await keyAccess.refresh();
    // A copy of the balance in Redis is read again from the store (peers do so on the change's notification too).
    if (changes.quotaTokens !== undefined || changes.remainingTokens !== undefined) await context.services.quota.keyChanged(request.params.id);
    if (updated === undefined) throw new GatewayError('not_found', `There is no key with the id '${request.params.id}'.`);
    return describeKey(updated, context);
  });

  app.delete<IdParams>('/keys/:id', async (request) => {
    const record = await requireKey(context, request.params.id);
    if (context.configKeyNames.has(record.name)) {
      throw new GatewayError('conflict', `The key '${record.name}' comes from the config file and would come back at the next start; remove it there, or PATCH it with {"enabled": false} to revoke it now.`);
    }
    await store.keys.delete(record.id);
    await keyAccess.refresh();
    await context.services.quota.keyChanged(record.id);
    return { id: record.id, deleted: true };
  });
}

const keyRef = { $ref: '#/components/schemas/Key' };
const idParameter = pathParameter('id', 'The key id (from GET /keys).');

export const keyPaths: OpenApiPaths = {
  '/keys': {
    get: operation({
      summary: 'List the client keys: prefix only, never the key.',
      responses: { '200': jsonResponse('The keys.', { type: 'object', properties: { data: { type: 'array', items: keyRef } } }) },
    }),
    post: operation({
      summary: 'Create a client key. The answer holds the full key, once.',
      body: jsonSchemaOf(createKeyBody),
      responses: { '201': jsonResponse('The key, with `key` in full.', { allOf: [keyRef, { type: 'object', properties: { key: { type: 'string' } } }] }) },
      errors: { '400': 'A field is not valid.', '409': 'A key of that name exists.' },
    }),
  },
  '/keys/{id}': {
    patch: operation({
      summary: 'Change a key: models, limits (`null` clears one), quota (a new quota refills the balance), budget (`null` removes it; a new one keeps the period\'s spend; `budget_spent_usd: 0` forgives it), expiry, enabled, debug, cache (`{enabled, ttl_s, models}`; `null`: the global cache settings).',
      parameters: [idParameter],
      body: jsonSchemaOf(changeKeyBody),
      responses: { '200': jsonResponse('The key after the change.', keyRef) },
      errors: { '400': 'A field is not valid.', '409': 'The new name is taken.' },
    }),
    delete: operation({
      summary: 'Delete a key; it stops working at once.',
      parameters: [idParameter],
      responses: { '200': jsonResponse('Deleted.', { type: 'object', properties: { id: { type: 'string' }, deleted: { const: true } } }) },
      errors: { '409': 'The key comes from the config file.' },
    }),
  },
};

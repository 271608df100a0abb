// /channels: the config file's channels (read-only) and those created here (kept in the store).
// A change reloads the relay's channel list, so it takes traffic at once.
import * as z from 'zod';
import { applyMergePatch } from '../../adapt/merge-patch.ts';
import { configSchemas } from '../../config/schema.ts';
import { GatewayError } from '../../core/errors.ts';
import { isStoreConflictError } from '../../store/index.ts';
import type { AdminApp, AdminContext } from './admin-context.ts';
import { describeApiChannel, describeConfigChannel } from './channel-view.ts';
import { isJsonObjectValue, type JsonObjectValue } from './json-value.ts';
import { jsonResponse, jsonSchemaOf, operation, pathParameter, type OpenApiPaths } from './openapi-parts.ts';
import { parseJsonText } from '../../ingress/parse-json-text.ts';

type NameParams = { Params: { name: string } };

function readEntry(body: unknown): { entry: JsonObjectValue; enabled: boolean | undefined } {
  const value = parseJsonText(typeof body === 'string' ? body : '');
  if (!isJsonObjectValue(value)) throw new GatewayError('invalid_request', 'Send the channel as a JSON object, spelled as in the config file.');
  const { enabled, ...entry } = value;
  if (enabled !== undefined && typeof enabled !== 'boolean') throw new GatewayError('invalid_request', 'enabled: expected true or false', { param: 'enabled' });
  return { entry, enabled };
}

export function listChannelViews(context: AdminContext) {
  const { channels, relay } = context;
  return [...channels.configChannels.map((channel) => describeConfigChannel(channel, relay)), ...channels.apiChannels().map((entry) => describeApiChannel(entry, relay))];
}

function findChannelView(context: AdminContext, name: string) {
  const entry = context.channels.findApiChannel(name);
  if (entry !== undefined) return describeApiChannel(entry, context.relay);
  const channel = context.channels.configChannels.find((candidate) => candidate.name === name);
  if (channel === undefined) throw new GatewayError('not_found', `There is no channel named '${name}'.`);
  return describeConfigChannel(channel, context.relay);
}

/** Config channels belong to the file: changing them here would be undone by the next start. */
function refuseConfigChannel(context: AdminContext, name: string, change: string): void {
  if (context.channels.isFromConfig(name)) {
    throw new GatewayError('conflict', `The channel '${name}' comes from the config file and is read-only here; ${change} it in the file and restart Sluice.`);
  }
}

function requireApiChannel(context: AdminContext, name: string) {
  const entry = context.channels.findApiChannel(name);
  if (entry === undefined) throw new GatewayError('not_found', `There is no channel named '${name}'.`);
  return entry;
}

/** What Sluice learned about a channel that is gone would mislead a new channel of the same name. */
async function forgetLearned(context: AdminContext, name: string): Promise<void> {
  for (const entry of context.relay.learned.list()) if (entry.channel === name) context.relay.learned.forget(name, entry.model);
  const stored = await context.services.store.capabilities.list(name);
  for (const model of new Set(stored.map((row) => row.model))) await context.services.store.capabilities.delete(name, model);
}

export function registerChannelRoutes(app: AdminApp, context: AdminContext): void {
  const { channels, services } = context;

  app.get('/channels', () => ({ data: listChannelViews(context) }));

  app.post('/channels', async (request, reply) => {
    const { entry, enabled } = readEntry(request.body);
    const channel = channels.resolve(entry);
    if (channels.isFromConfig(channel.name) || channels.findApiChannel(channel.name) !== undefined) {
      throw new GatewayError('conflict', `A channel named '${channel.name}' already exists; pick another name, or PATCH /channels/${channel.name}.`);
    }
    try {
      await services.store.channels.create({ name: channel.name, config: entry, enabled: enabled ?? true });
    } catch (error) {
      if (isStoreConflictError(error)) throw new GatewayError('conflict', error.message);
      throw error;
    }
    await channels.reload();
    return reply.code(201).send(findChannelView(context, channel.name));
  });

  app.patch<NameParams>('/channels/:name', async (request) => {
    const { name } = request.params;
    refuseConfigChannel(context, name, 'change');
    const current = requireApiChannel(context, name);
    const { entry: patch, enabled } = readEntry(request.body);
    if (patch.name !== undefined && patch.name !== name) {
      throw new GatewayError('invalid_request', 'A channel cannot be renamed; create one under the new name and delete this one.', { param: 'name' });
    }
    const merged = applyMergePatch(current.stored.config, patch);
    if (!isJsonObjectValue(merged)) throw new GatewayError('invalid_request', 'The patch must leave the channel a JSON object.');
    channels.resolve(merged);
    await services.store.channels.update(name, { config: merged, ...(enabled === undefined ? {} : { enabled }) });
    await channels.reload();
    return findChannelView(context, name);
  });

  app.delete<NameParams>('/channels/:name', async (request) => {
    const { name } = request.params;
    refuseConfigChannel(context, name, 'remove');
    requireApiChannel(context, name);
    await services.store.channels.delete(name);
    await forgetLearned(context, name);
    await channels.reload();
    return { name, deleted: true };
  });
}

const channelRef = { $ref: '#/components/schemas/Channel' };
const nameParameter = pathParameter('name', 'The channel name.');
/** The entry's JSON schemas for the API description; the config schemas they come from are not kept. */
function describeChannelBodies() {
  const { channel } = configSchemas();
  const enabled = { enabled: z.boolean().optional() };
  return { entry: jsonSchemaOf(channel.extend(enabled)), patch: jsonSchemaOf(channel.partial().extend(enabled)) };
}
const channelBodies = describeChannelBodies();

export const channelPaths: OpenApiPaths = {
  '/channels': {
    get: operation({
      summary: 'List every channel: the config file’s (`source: "config"`, read-only) and the API’s (`source: "api"`), keys masked, with health.',
      responses: { '200': jsonResponse('The channels.', { type: 'object', properties: { data: { type: 'array', items: channelRef } } }) },
    }),
    post: operation({
      summary: 'Create a channel, spelled as a channel entry of the config file (plus `enabled`). It takes traffic at once.',
      body: channelBodies.entry,
      responses: { '201': jsonResponse('The channel, as listed.', channelRef) },
      errors: { '400': 'The entry is not valid: each field and what is wrong.', '409': 'A channel of that name exists.' },
    }),
  },
  '/channels/{name}': {
    patch: operation({
      summary: 'Change an API channel: a JSON merge patch (RFC 7396; `null` deletes a field) on its entry, plus `enabled`.',
      parameters: [nameParameter],
      body: channelBodies.patch,
      responses: { '200': jsonResponse('The channel after the change.', channelRef) },
      errors: { '400': 'The entry after the patch is not valid.', '409': 'The channel comes from the config file.' },
    }),
    delete: operation({
      summary: 'Delete an API channel and forget what was learned about it.',
      parameters: [nameParameter],
      responses: { '200': jsonResponse('Deleted.', { type: 'object', properties: { name: { type: 'string' }, deleted: { const: true } } }) },
      errors: { '409': 'The channel comes from the config file.' },
    }),
  },
};

// GET /v1/models and GET /v1/models/{id}: each model the calling key may use, once, with OpenAI's
// fields plus what Sluice knows about streaming, so clients that label model limits in their pickers
// (as LibreChat users asked for) can show it. A model the key may not use is not there at all
// (issue 12, item 6): listed, it would only earn a 403.
import { resolveCapabilities } from '../adapt/resolve-capabilities.ts';
import { isLearnedUnsupported } from '../adapt/learn-endpoint-support.ts';
import type { Channel } from '../core/channel.ts';
import { endpointPaths, type EndpointName } from '../core/endpoint.ts';
import { GatewayError } from '../core/errors.ts';
import type { Provider } from '../providers/types.ts';
import { findRoutes, listClientModels, type Route } from '../relay/find-routes.ts';
import type { LearnedCapabilities } from '../relay/learned-capabilities.ts';
import { mayUseModel, type Caller } from './authenticate.ts';

export interface ModelEntry {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  capabilities: {
    /** `adapted`: the upstream refuses streaming; Sluice replays its answer as SSE. */
    stream: 'native' | 'adapted';
    /** `adapted`: the upstream only streams; Sluice folds the stream into one completion. */
    non_stream: 'native' | 'adapted';
    /** Whether the upstream is sent `stream_options`; usage is given to clients either way. */
    stream_options: boolean;
  };
  /**
   * The endpoints some channel of this model serves (docs/endpoints.md "/v1/models"): the chat
   * protocols always, `embeddings` and issue 18's endpoints where a channel's dialect has them and its
   * upstream has not answered 404 for them (learned). An extra field: the SDKs' `models.list()` keeps it.
   */
  endpoints: string[];
}

export interface ModelCatalog {
  channels: readonly Channel[];
  findProvider: (type: string) => Provider | undefined;
  learned: LearnedCapabilities;
}

/** Every client protocol a chat model is reachable by (chat itself, or translated: docs/ingress-protocols.md). */
const chatEndpoints: readonly string[] = ['chat.completions', 'responses', 'messages'];

/** What the channels of `model` serve, in a fixed order (the chat protocols, completions, embeddings, then issue 18's other endpoints). */
function listEndpoints(model: string, catalog: ModelCatalog): string[] {
  const served = new Set<string>();
  for (const { channel, upstreamModel } of findRoutes(catalog.channels, model)) {
    const provider = catalog.findProvider(channel.type);
    if (provider === undefined) continue;
    if (provider.embeddings !== undefined) served.add('embeddings');
    const learned = catalog.learned.hintsFor(channel.name);
    if (provider.completions !== undefined && resolveCapabilities(upstreamModel, [channel.capabilities, learned], provider.defaultCapabilities).completions !== 'unsupported') served.add('completions');
    for (const endpoint of Object.keys(endpointPaths) as EndpointName[]) {
      if (provider.endpoints?.serves(endpoint, channel) === true && !isLearnedUnsupported(learned, upstreamModel, endpoint)) served.add(endpoint);
    }
  }
  return [...chatEndpoints, ...['completions', 'embeddings', ...Object.keys(endpointPaths)].filter((endpoint) => served.has(endpoint))];
}

/** Capabilities from config, then what Sluice learned, then the dialect's defaults. */
function describeModel(model: string, route: Route, catalog: ModelCatalog): ModelEntry {
  const defaults = catalog.findProvider(route.channel.type)?.defaultCapabilities;
  const capabilities = resolveCapabilities(route.upstreamModel, [route.channel.capabilities, catalog.learned.hintsFor(route.channel.name)], defaults);
  return {
    id: model,
    object: 'model',
    created: 0,
    owned_by: route.channel.name,
    capabilities: {
      stream: capabilities.stream === 'unsupported' ? 'adapted' : 'native',
      non_stream: capabilities.stream === 'required' ? 'adapted' : 'native',
      stream_options: capabilities.streamOptions,
    },
    endpoints: listEndpoints(model, catalog),
  };
}

export function listModels(catalog: ModelCatalog, caller: Caller): ModelEntry[] {
  return listClientModels(catalog.channels)
    .filter(({ model }) => mayUseModel(caller, model))
    .map(({ model, route }) => describeModel(model, route, catalog));
}

/**
 * One model, as the list shows it; also one that a glob channel serves without listing it. A model
 * the key may not use is as unknown as one nobody serves: 404, so a key learns nothing about others.
 */
export function findModel(catalog: ModelCatalog, caller: Caller, model: string): ModelEntry {
  const byPriority = [...catalog.channels].sort((a, b) => a.priority - b.priority);
  const route = mayUseModel(caller, model) ? findRoutes(byPriority, model)[0] : undefined;
  if (route === undefined) {
    throw new GatewayError('model_not_found', `The model '${model}' does not exist or you do not have access to it.`, { param: 'model' });
  }
  return describeModel(model, route, catalog);
}

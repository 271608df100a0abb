// GET /v1/models: each model once, with OpenAI's fields plus what Sluice knows about streaming,
// so clients that label model limits in their pickers (as LibreChat users asked for) can show it.
import { resolveCapabilities } from '../adapt/resolve-capabilities.ts';
import type { Channel } from '../core/channel.ts';
import type { Provider } from '../providers/types.ts';
import { listClientModels } from '../relay/find-routes.ts';
import type { LearnedCapabilities } from '../relay/learned-capabilities.ts';

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
}

/** Capabilities from config, then what Sluice learned, then the dialect's defaults. */
export function listModels(channels: readonly Channel[], findProvider: (type: string) => Provider | undefined, learned: LearnedCapabilities): ModelEntry[] {
  return listClientModels(channels).map(({ model, route }) => {
    const defaults = findProvider(route.channel.type)?.defaultCapabilities;
    const capabilities = resolveCapabilities(route.upstreamModel, [route.channel.capabilities, learned.hintsFor(route.channel.name)], defaults);
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
    };
  });
}

// A cached answer (docs/caching.md) in the client's mode: the completion as it was stored for a
// non-streaming client, or replayed through the same client stream path as the replay adaptation.
import { replayAsStream } from '../adapt/replay-as-stream.ts';
import { estimateUsage } from '../adapt/estimate-usage.ts';
import type { ChatCompletion, ChatRequest } from '../core/chat.ts';
import type { StreamEncoder } from '../core/ingress-codec.ts';
import { ClientStreamPath } from './client-stream-path.ts';
import type { CommittedStream } from './committed-stream.ts';
import { createRequestRecord } from './request-record.ts';
import { replayStream } from './run-attempt.ts';

/** The channel name a cached answer's frames and errors carry. */
export const cacheChannelName = 'cache';

/**
 * The stored answer as the stream a streaming client gets. Its usage is counted on a record of its
 * own: a hit charges no tokens (docs/caching.md "What a hit costs").
 */
export function replayCachedStream(completion: ChatCompletion, request: ChatRequest, encoder: StreamEncoder | undefined): CommittedStream {
  const path = new ClientStreamPath({
    clientModel: request.model,
    clientWantsUsage: request.stream_options?.include_usage === true,
    channel: cacheChannelName,
    record: createRequestRecord('', request.model, true),
    estimate: (text) => estimateUsage(request, text),
    encoder,
  });
  return replayStream(path, replayAsStream(completion, { includeUsage: true }), cacheChannelName, () => undefined);
}

/** The stored answer for a non-streaming client: the client's model name, a fresh `created`. */
export function replayCachedCompletion(completion: ChatCompletion, request: ChatRequest, createdAt: number): ChatCompletion {
  return { ...completion, model: request.model, created: createdAt };
}

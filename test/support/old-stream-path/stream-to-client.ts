// Upstream chunks → the chunks a streaming client gets: its model name in every chunk, usage only
// when asked (counted locally when the upstream gave none), and never a silently truncated stream.
import { ClientStreamShaper } from './shape-client-stream.ts';
import type { ChatCompletionChunk, Usage } from '../../../src/core/chat.ts';
import { GatewayError } from '../../../src/core/errors.ts';
import type { RequestRecord } from '../../../src/relay/request-record.ts';

export interface ClientStreamOptions {
  clientModel: string;
  clientWantsUsage: boolean;
  channel: string;
  record: RequestRecord;
  estimate: (text: string) => Usage;
  /** Each upstream chunk as it arrives (the idle timer); folded in here to spare a stage per chunk. */
  onChunk: () => void;
  /** When the stream is over, however it ended. */
  onSettled: () => void;
}

export async function* streamToClient(
  upstream: AsyncIterable<ChatCompletionChunk>,
  options: ClientStreamOptions,
): AsyncGenerator<ChatCompletionChunk> {
  try {
    const shaper = new ClientStreamShaper({ clientModel: options.clientModel, clientWantsUsage: options.clientWantsUsage });
    for await (const chunk of upstream) {
      options.onChunk();
      yield* shaper.shape(chunk);
    }
    if (!shaper.sawFinishReason) {
      throw new GatewayError('upstream_bad_response', `${options.channel} ended its stream before a finish_reason`, {
        upstream: { channel: options.channel, status: 200 },
      });
    }
    let estimated: Usage | undefined;
    const estimate = (): Usage => (estimated ??= options.estimate(shaper.text));
    yield* shaper.finish(estimate);
    const usage = shaper.usage ?? estimate();
    options.record.promptTokens = usage.prompt_tokens;
    options.record.completionTokens = usage.completion_tokens;
    options.record.usageSource = shaper.usageSource ?? 'estimated';
  } finally {
    options.onSettled();
  }
}

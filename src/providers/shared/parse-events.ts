// A synchronous stream parser driven by an async stream of events: for callers that pull (the
// channel probe, tests). The relay's stream path calls the parser directly, event by event.
import type { StreamEvent } from '../../codec/sse/index.ts';
import type { ChatCompletionChunk } from '../../core/chat.ts';
import { GatewayError } from '../../core/errors.ts';
import type { ChatStreamParser, ParseContext } from '../types.ts';

export async function* parseEvents(parser: ChatStreamParser, events: AsyncIterable<StreamEvent>): AsyncGenerator<ChatCompletionChunk> {
  for await (const event of events) yield* parser.accept(event);
  yield* parser.finish();
}

/**
 * A stream event's JSON value; undefined for a blank text event (keep-alive noise). Any other text
 * is the upstream's fault: a 502-class error naming the channel and quoting the start of it.
 */
export function readEventValue(event: StreamEvent, context: ParseContext, unit = 'stream event'): unknown {
  if (event.kind === 'json') return event.value;
  if (event.data.trim() === '') return undefined;
  throw new GatewayError('upstream_bad_response', `${context.channel} sent an unreadable ${unit}: ${event.data.slice(0, 200)}`, {
    upstream: { channel: context.channel, status: 200 },
  });
}

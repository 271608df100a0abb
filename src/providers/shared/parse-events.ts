// A synchronous stream parser driven by an async stream of events: for callers that pull (the
// channel probe, tests). The relay's stream path calls the parser directly, event by event.
import type { StreamEvent } from '../../codec/sse/index.ts';
import type { ChatCompletionChunk } from '../../core/chat.ts';
import type { ChatStreamParser } from '../types.ts';

export async function* parseEvents(parser: ChatStreamParser, events: AsyncIterable<StreamEvent>): AsyncGenerator<ChatCompletionChunk> {
  for await (const event of events) yield* parser.accept(event);
  yield* parser.finish();
}

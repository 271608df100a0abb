// The stream path as it was before the push-based rewrite (issue 13), kept reachable from tests only:
// decodeStream → the provider's async parseChatStream → streamToClient → encodeDataEvent per chunk.
// The property test compares the new path's client bytes with these, read for read.
import type { ChatCompletionChunk, Usage } from '../../../src/core/chat.ts';
import { GatewayError } from '../../../src/core/errors.ts';
import type { StreamEvent } from '../../../src/codec/sse/index.ts';
import type { ParseContext } from '../../../src/providers/types.ts';
import { createRequestRecord, type RequestRecord } from '../../../src/relay/request-record.ts';
import { parseChatStream as parseAnthropicStream } from './anthropic-parse-stream.ts';
import { decodeStream } from './decode-stream.ts';
import { encodeDataEvent } from './encode-event.ts';
import { parseChatStream as parseOpenaiStream } from './openai-parse-stream.ts';
import { streamToClient } from './stream-to-client.ts';

export type OldDialect = 'openai' | 'anthropic';

export interface OldPathOptions {
  dialect: OldDialect;
  clientModel: string;
  clientWantsUsage: boolean;
  estimate: (text: string) => Usage;
}

export interface PathResult {
  /** Every client frame written, in order (no error frame, no [DONE]: the server adds those). */
  text: string;
  /** The error that ended the stream, if any. */
  failure: { code: string; message: string } | undefined;
  record: Pick<RequestRecord, 'promptTokens' | 'completionTokens' | 'usageSource'>;
}

async function* bodyOf(reads: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const read of reads) yield await Promise.resolve(read);
}

const parsers: Record<OldDialect, (events: AsyncIterable<StreamEvent>, context: ParseContext) => AsyncGenerator<ChatCompletionChunk>> = {
  openai: parseOpenaiStream,
  anthropic: parseAnthropicStream,
};

export async function runOldPath(reads: readonly Uint8Array[], options: OldPathOptions): Promise<PathResult> {
  const record = createRequestRecord('old', options.clientModel, true);
  const context = { channel: 'property', receivedAt: 1_700_000_000 };
  const chunks = streamToClient(parsers[options.dialect](decodeStream(bodyOf(reads)), context), {
    clientModel: options.clientModel,
    clientWantsUsage: options.clientWantsUsage,
    channel: 'property',
    record,
    estimate: options.estimate,
    onChunk: () => undefined,
    onSettled: () => undefined,
  });
  let text = '';
  let failure: PathResult['failure'];
  try {
    for await (const chunk of chunks) text += encodeDataEvent(chunk);
  } catch (error) {
    const gatewayError = error instanceof GatewayError ? error : new GatewayError('internal_error', String(error));
    failure = { code: gatewayError.code, message: gatewayError.message };
  }
  return { text, failure, record: { promptTokens: record.promptTokens, completionTokens: record.completionTokens, usageSource: record.usageSource } };
}

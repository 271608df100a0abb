// Issue 13 item 5: the push-based stream path gives a client the same bytes as the pipeline it
// replaced (async generators: decodeStream → parseChatStream → streamToClient → encodeDataEvent,
// kept in test/support/old-stream-path/), for random upstream framings and random read splits.
// Seeded: a failure prints its seed and the reads, so it can be replayed.
import { describe, expect, it } from 'vitest';
import type { Usage } from '../../src/core/chat.ts';
import { GatewayError } from '../../src/core/errors.ts';
import { createChatStreamParser as createAnthropicParser } from '../../src/providers/anthropic/parse-stream.ts';
import { createChatStreamParser as createOpenaiParser } from '../../src/providers/openai/parse-stream.ts';
import { scanPlainChunk } from '../../src/providers/openai/scan-plain-chunk.ts';
import { ClientStreamPath } from '../../src/relay/client-stream-path.ts';
import { commitStream, pipeToEnd, readToCommit } from '../../src/relay/committed-stream.ts';
import { UpstreamPump } from '../../src/relay/pump-upstream.ts';
import { createRequestRecord } from '../../src/relay/request-record.ts';
import { runOldPath, type OldDialect, type OldPathOptions, type PathResult } from '../support/old-stream-path/run-old-path.ts';
import { anthropicEvents, frameNdjson, frameSse, openaiEvents, pick, seededRandom, splitReads, type Random, type UpstreamEvent } from './generate-upstream-stream.ts';

const streamsPerSeed = 2000;

function estimate(text: string): Usage {
  return { prompt_tokens: 7, completion_tokens: text.length, total_tokens: 7 + text.length };
}

async function* bodyOf(reads: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const read of reads) yield await Promise.resolve(read);
}

function describeFailure(error: unknown): PathResult['failure'] {
  const gatewayError = error instanceof GatewayError ? error : new GatewayError('internal_error', String(error));
  return { code: gatewayError.code, message: gatewayError.message };
}

/** The new path as run-attempt drives it: read to the commit point, then pipe to a sink, one write per read. */
async function runNewPath(reads: readonly Uint8Array[], options: OldPathOptions): Promise<PathResult & { writes: number }> {
  const record = createRequestRecord('new', options.clientModel, true);
  const context = { channel: 'property', receivedAt: 1_700_000_000 };
  const parser = options.dialect === 'openai' ? createOpenaiParser(context) : createAnthropicParser(context);
  const path = new ClientStreamPath({ clientModel: options.clientModel, clientWantsUsage: options.clientWantsUsage, channel: 'property', record, estimate: options.estimate }, parser);
  const pump = new UpstreamPump(bodyOf(reads), path, () => undefined, 'property');
  let text = '';
  let writes = 0;
  let failure: PathResult['failure'];
  try {
    const rest = await readToCommit(path, pump, 'property');
    await pipeToEnd(commitStream(path, rest, () => undefined), {
      write(frames) {
        text += frames;
        writes += 1;
        return true;
      },
      whenDrained: (resume) => {
        resume();
      },
    });
  } catch (error) {
    failure = describeFailure(error);
  }
  return { text, failure, writes, record: { promptTokens: record.promptTokens, completionTokens: record.completionTokens, usageSource: record.usageSource } };
}

function generate(random: Random): { dialect: OldDialect; events: UpstreamEvent[]; body: string } {
  const dialect: OldDialect = random() < 0.8 ? 'openai' : 'anthropic';
  const events = dialect === 'openai' ? openaiEvents(random) : anthropicEvents(random);
  const body = dialect === 'openai' && random() < 0.08 ? frameNdjson(random, events) : frameSse(random, events, random() < 0.7);
  return { dialect, events, body };
}

describe('the push-based stream path', () => {
  it('writes the same client bytes as the async-generator pipeline, for random framings and read splits', async () => {
    const random = seededRandom(13);
    let plainEvents = 0;
    let failures = 0;
    for (let index = 0; index < streamsPerSeed; index += 1) {
      const { dialect, events, body } = generate(random);
      const reads = splitReads(random, body);
      const options: OldPathOptions = { dialect, clientModel: pick(random, ['gpt-4o', 'client "model"', 'm\u2028x', '模型']), clientWantsUsage: random() < 0.5, estimate };
      const before = await runOldPath(reads, options);
      const after = await runNewPath(reads, options);
      const label = `stream ${index}: ${JSON.stringify(body)} cut at ${reads.map((read) => read.length).join(',')}`;
      expect({ text: after.text, failure: after.failure, record: after.record }, label).toEqual(before);
      if (dialect === 'openai') plainEvents += events.filter((event) => event.event === undefined && scanPlainChunk(event.data) !== undefined).length;
      if (before.failure !== undefined) failures += 1;
    }
    // The cases really cover both halves: chunks that pass through unparsed, and streams that fail.
    expect(plainEvents).toBeGreaterThan(streamsPerSeed / 2);
    expect(failures).toBeGreaterThan(streamsPerSeed / 20);
  });

  it('writes every frame of one upstream read with one write', async () => {
    const data = (content: string): string => JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'up', choices: [{ index: 0, delta: { content }, finish_reason: null }] });
    const finish = JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'up', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
    const read = new TextEncoder().encode(`data: ${data('a')}\n\ndata: ${data('b')}\n\ndata: ${data('c')}\n\ndata: ${finish}\n\ndata: [DONE]\n\n`);
    const result = await runNewPath([read], { dialect: 'openai', clientModel: 'client', clientWantsUsage: false, estimate });
    expect(result.failure).toBeUndefined();
    expect(result.writes).toBe(1);
    expect(result.text.match(/^data: /gm)).toHaveLength(4);
    expect(result.text).toContain('"model":"client"');
  });
});

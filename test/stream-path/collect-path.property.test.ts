// The collect path adds chunks that repeat the last plain one but for their content without parsing
// them (src/relay/read-upstream-events.ts, CompletionCollector.addContent). It must fold every stream
// into the same completion, and fail the same way, as parsing every event does.
import { describe, expect, it } from 'vitest';
import { CompletionCollector } from '../../src/adapt/collect-stream.ts';
import type { ChatCompletion } from '../../src/core/chat.ts';
import { GatewayError } from '../../src/core/errors.ts';
import { createChatStreamParser } from '../../src/providers/openai/parse-stream.ts';
import { UpstreamPump } from '../../src/relay/pump-upstream.ts';
import { UpstreamEventReader } from '../../src/relay/read-upstream-events.ts';
import { collectStream } from '../../src/relay/run-attempt.ts';
import { frameNdjson, frameSse, openaiEvents, seededRandom, splitReads, type Random } from './generate-upstream-stream.ts';

const streams = 2000;

async function* bodyOf(reads: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const read of reads) yield await Promise.resolve(read);
}

type Outcome = { completion: ChatCompletion } | { failure: string };

function failureOf(error: unknown): Outcome {
  return { failure: error instanceof GatewayError ? `${error.code}: ${error.message}` : String(error) };
}

/** Every event parsed and added: the collect path before plain chunks skipped the parse. */
async function collectByParsing(reads: readonly Uint8Array[]): Promise<Outcome> {
  const collector = new CompletionCollector();
  const reader = new UpstreamEventReader(createChatStreamParser({ channel: 'property', receivedAt: 1_700_000_000 }), {
    chunk: (chunk) => {
      collector.add(chunk);
    },
  });
  const pump = new UpstreamPump(bodyOf(reads), reader, () => undefined, 'property');
  try {
    while (!pump.over) await pump.step();
    return { completion: collector.result() };
  } catch (error) {
    return failureOf(error);
  }
}

async function collectNow(reads: readonly Uint8Array[]): Promise<Outcome> {
  try {
    return { completion: await collectStream(bodyOf(reads), createChatStreamParser({ channel: 'property', receivedAt: 1_700_000_000 }), () => undefined, 'property') };
  } catch (error) {
    return failureOf(error);
  }
}

function generate(random: Random): string {
  const events = openaiEvents(random);
  // Long runs of content-only chunks, as real streams are: most of them are repeats but for their content.
  const repeats = Math.floor(random() * 6);
  const plain = events.find((event) => event.event === undefined && event.data.includes('"content":"') && !event.data.includes('tool_calls'));
  if (plain !== undefined) {
    const at = events.indexOf(plain) + 1;
    for (let index = 0; index < repeats; index += 1) events.splice(at, 0, { data: plain.data.replace(/"content":"/, `"content":"r${index} \\"`) });
  }
  return random() < 0.08 ? frameNdjson(random, events) : frameSse(random, events, random() < 0.7);
}

describe('the collect path', () => {
  it('folds random streams into the same completion as parsing every event', async () => {
    const random = seededRandom(29);
    let completions = 0;
    for (let index = 0; index < streams; index += 1) {
      const body = generate(random);
      const reads = splitReads(random, body);
      const expected = await collectByParsing(reads);
      const actual = await collectNow(reads);
      expect(actual, `stream ${index}: ${JSON.stringify(body)}`).toEqual(expected);
      if ('completion' in expected) completions += 1;
    }
    expect(completions).toBeGreaterThan(streams / 2);
  });
});

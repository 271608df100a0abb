// A committed stream's reads from an upstream body make no promise per read (issue 13,
// docs/benchmarks.md "Stream reads without promises, round six"): a held stream's per-read promises
// lived through a scavenge and were promoted. Counted with async_hooks over a real body.
import { createHook } from 'node:async_hooks';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createChatStreamParser } from '../providers/openai/parse-stream.ts';
import { readUpstreamBody } from '../upstream/read-upstream-body.ts';
import { ClientStreamPath } from './client-stream-path.ts';
import { commitStream, readToCommit, type StreamEnd } from './committed-stream.ts';
import { UpstreamPump } from './pump-upstream.ts';
import { createRequestRecord } from './request-record.ts';

const chunkCount = 50;

function sseChunk(index: number, finishReason: string | null = null): string {
  const chunk = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: `t${index} ` }, finish_reason: finishReason }] };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

const lastChunk = `${sseChunk(-1, 'stop')}data: [DONE]\n\n`;

interface Run {
  writes: string[];
  promises: number;
  end: StreamEnd;
}

/** Commits a stream over a real body, then counts the promises made while the rest is written. */
async function runCommitted(feed: (source: PassThrough) => void, chunkPerRead = false): Promise<Run> {
  // A byte stream's read() takes all it holds; one in object mode gives back each write as one read.
  const source = new PassThrough({ objectMode: chunkPerRead });
  const scope = { channel: 'up', signal: new AbortController().signal, status: 200, what: 'a stream', capBytes: 1 << 20, capSetting: 'limits.upstream_body_bytes', onEnd: () => undefined };
  const record = createRequestRecord('r', 'm', true);
  const path = new ClientStreamPath({ clientModel: 'm', clientWantsUsage: false, channel: 'up', record, estimate: () => ({ prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 }) }, createChatStreamParser({ channel: 'up', receivedAt: 1 }));
  const pump = new UpstreamPump(readUpstreamBody(source, [], scope), path, () => undefined, 'up');
  source.write(Buffer.from(sseChunk(0)));
  const rest = await readToCommit(path, pump, 'up');
  const writes: string[] = [path.take()];
  let promises = 0;
  const hook = createHook({
    init(_id, type) {
      if (type === 'PROMISE') promises += 1;
    },
  });
  const end = await new Promise<StreamEnd>((resolve) => {
    hook.enable();
    commitStream(path, rest, () => undefined).pipeTo(
      {
        write: (text) => {
          writes.push(text);
          return true;
        },
        whenDrained: (resume) => {
          resume();
        },
      },
      (ended) => {
        hook.disable();
        resolve(ended);
      },
    );
    feed(source);
  });
  return { writes, promises, end };
}

function trickle(source: PassThrough): void {
  let index = 1;
  const next = (): void => {
    if (index < chunkCount) {
      source.write(sseChunk(index));
      index += 1;
    } else {
      source.end(lastChunk);
      return;
    }
    setImmediate(next);
  };
  setImmediate(next);
}

describe('a committed stream over an upstream body', () => {
  it('writes each read once and makes a bounded number of promises, not some per read', async () => {
    const run = await runCommitted(trickle);
    expect(run.end).toBeUndefined();
    const text = run.writes.join('');
    for (let index = 0; index < chunkCount; index += 1) expect(text).toContain(`t${index} `);
    expect(text).toContain('"finish_reason":"stop"');
    // One write per upstream read: the first before the commit, one per chunk, one for the last.
    expect(run.writes.filter((write) => write.includes('"t')).length).toBe(chunkCount + 1);
    // The old path made three promises per read (~150 here); what is left is the release at the end.
    expect(run.promises).toBeLessThanOrEqual(25);
  });

  it('writes a burst of reads already buffered without recursing or a promise per read', async () => {
    const burst = 5000;
    const run = await runCommitted((source) => {
      for (let index = 1; index < burst; index += 1) source.write(Buffer.from(sseChunk(index)));
      source.end(Buffer.from(lastChunk));
    }, true);
    expect(run.end).toBeUndefined();
    const text = run.writes.join('');
    expect(text).toContain(`t${burst - 1} `);
    expect(run.writes.length).toBe(burst + 1);
    expect(text).toContain('"finish_reason":"stop"');
    expect(run.promises).toBeLessThanOrEqual(25);
  });

  it('ends in-band with the body error when the upstream breaks mid-stream', async () => {
    const run = await runCommitted((source) => {
      source.write(sseChunk(1));
      setImmediate(() => source.destroy(new Error('socket hang up')));
    });
    expect(run.end).toBeDefined();
    expect(run.writes.join('')).toContain('t1 ');
  });
});

// CPU and bytes allocated per committed stream, in this process: N streams over real upstream bodies
// (PassThrough → readUpstreamBody, or the body undici's dispatch handler feeds where the tree has it,
// → UpstreamPump → ClientStreamPath), read to their commit point,
// then piped to a fake sink while every stream gets one chunk per event-loop turn, 20 chunks each.
// Two source trees (this one and --sluice-dir <dir>) alternated round by round, so the pair sees the
// same machine (docs/benchmarks.md "Stream reads without promises, round six").
//   npx node --expose-gc bench/micro-committed-stream.ts --sluice-dir /tmp/base --rounds 12 --streams 500
import { existsSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { measureAlternatedRounds, median } from './lib/measure-in-process.ts';
import type * as ParseStream from '../src/providers/openai/parse-stream.ts';
import type * as ReadUpstreamBody from '../src/upstream/read-upstream-body.ts';
import type * as StreamedAnswerBodyModule from '../src/upstream/streamed-answer-body.ts';
import type * as ClientStreamPathModule from '../src/relay/client-stream-path.ts';
import type * as CommittedStream from '../src/relay/committed-stream.ts';
import type * as PumpUpstream from '../src/relay/pump-upstream.ts';
import type * as RequestRecordModule from '../src/relay/request-record.ts';

const { values } = parseArgs({
  options: {
    'sluice-dir': { type: 'string' },
    rounds: { type: 'string', default: '12' },
    streams: { type: 'string', default: '500' },
    chunks: { type: 'string', default: '20' },
    /** This tree reads a Readable as before even when it has the dispatched body. */
    readable: { type: 'boolean', default: false },
  },
});

interface Tree {
  name: string;
  run: (streams: number, chunks: number) => Promise<void>;
}

function sseChunk(index: number, finishReason: string | null = null): Buffer {
  const chunk = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: `token ${index} ` }, finish_reason: finishReason }] };
  return Buffer.from(`data: ${JSON.stringify(chunk)}\n\n`);
}

/** Where a stream's upstream bytes are fed: a Readable read by readUpstreamBody, or the body a dispatch handler feeds. */
interface Feed {
  write(chunk: Buffer): void;
  end(chunk: Buffer): void;
}

/** undici's controller as the dispatched body sees it: never paused here (the sink is never full). */
const idleController = { aborted: false, paused: false, reason: null, rawHeaders: null, rawTrailers: null, pause: () => undefined, resume: () => undefined, abort: () => undefined };

async function loadTree(name: string, dir: string): Promise<Tree> {
  const src = (file: string): string => resolve(dir, 'src', file);
  // A tree whose streamed calls go through dispatch() (docs/benchmarks.md "Streamed upstream calls,
  // round seven") reads a body fed by its handler; an older one, undici's Readable (a PassThrough here).
  const dispatched = existsSync(src('upstream/streamed-answer-body.ts')) && !values.readable ? ((await import(src('upstream/streamed-answer-body.ts'))) as typeof StreamedAnswerBodyModule) : undefined;
  const { createChatStreamParser } = (await import(src('providers/openai/parse-stream.ts'))) as typeof ParseStream;
  const { readUpstreamBody } = (await import(src('upstream/read-upstream-body.ts'))) as typeof ReadUpstreamBody;
  const { ClientStreamPath } = (await import(src('relay/client-stream-path.ts'))) as typeof ClientStreamPathModule;
  const { commitStream, readToCommit } = (await import(src('relay/committed-stream.ts'))) as typeof CommittedStream;
  const { UpstreamPump } = (await import(src('relay/pump-upstream.ts'))) as typeof PumpUpstream;
  const { createRequestRecord } = (await import(src('relay/request-record.ts'))) as typeof RequestRecordModule;
  const last = Buffer.concat([sseChunk(-1, 'stop'), Buffer.from('data: [DONE]\n\n')]);
  const sink = { write: (): boolean => true, whenDrained: (resume: () => void): void => {
    resume();
  } };

  function openBody(scope: ReadUpstreamBody.BodyScope): { source: Feed; body: AsyncIterable<Uint8Array> } {
    if (dispatched !== undefined) {
      const body = new dispatched.StreamedAnswerBody(idleController, scope, () => undefined);
      return {
        source: {
          write: (chunk) => {
            body.push(chunk);
          },
          end: (chunk) => {
            body.push(chunk);
            body.end();
          },
        },
        body,
      };
    }
    const source = new PassThrough();
    return { source: { write: (chunk) => source.write(chunk), end: (chunk) => source.end(chunk) }, body: readUpstreamBody(source, [], scope) };
  }

  async function openStream(): Promise<{ source: Feed; piped: Promise<void> }> {
    const scope = { channel: 'up', signal: new AbortController().signal, status: 200, what: 'a stream', capBytes: 1 << 24, capSetting: 'limits', onEnd: () => undefined };
    const record = createRequestRecord('r', 'm', true);
    const path = new ClientStreamPath({ clientModel: 'm', clientWantsUsage: false, channel: 'up', record, estimate: () => ({ prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 }) }, createChatStreamParser({ channel: 'up', receivedAt: 1 }));
    const { source, body } = openBody(scope);
    const pump = new UpstreamPump(body, path, () => undefined, 'up');
    source.write(sseChunk(0));
    const rest = await readToCommit(path, pump, 'up');
    path.take();
    const piped = new Promise<void>((done) => {
      commitStream(path, rest, () => undefined).pipeTo(sink, () => {
        done();
      });
    });
    return { source, piped };
  }

  return {
    name,
    async run(streams, chunks) {
      const opened = await Promise.all(Array.from({ length: streams }, openStream));
      for (let index = 1; index < chunks; index += 1) {
        for (const { source } of opened) source.write(sseChunk(index));
        await new Promise((turn) => setImmediate(turn));
      }
      for (const { source } of opened) source.end(last);
      await Promise.all(opened.map(({ piped }) => piped));
    },
  };
}

const trees = [await loadTree('this', process.cwd())];
if (values['sluice-dir'] !== undefined) trees.unshift(await loadTree('base', values['sluice-dir']));
const streams = Number(values.streams);
const chunks = Number(values.chunks);
for (const tree of trees) await tree.run(streams, chunks); // warm-up
const results = await measureAlternatedRounds(trees, Number(values.rounds), streams, (tree) => tree.run(streams, chunks));
for (const [name, { cpu, allocated }] of results) {
  console.log(JSON.stringify({ tree: name, streams, chunks, cpuUsPerStream: median(cpu).toFixed(1), allocatedBytesPerStream: Math.round(median(allocated)), cpuRounds: cpu.map((value) => Math.round(value)) }));
}

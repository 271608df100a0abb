// CPU, bytes allocated and bytes promoted per streamed upstream call, in this process: N streams of
// 20 chunks from the bench's mock upstream (in a child, so its work is not counted here), each sent
// through the tree's UpstreamClient (`stream: true`, as run-attempt.ts sends it), read through
// UpstreamPump and ClientStreamPath to the commit point and piped to a fake sink, `--concurrency` at
// a time. Unlike micro-committed-stream.ts (a PassThrough fed by hand) it includes the upstream
// call itself: undici's handler and the body it hands on (docs/benchmarks.md "Streamed upstream
// calls, round seven"). Two trees (this one and --sluice-dir <dir>) alternated round by round.
//   npx node --expose-gc bench/micro-streamed-call.ts --sluice-dir /tmp/base --rounds 12 --streams 2000
// With --held N: the heap each held stream keeps on this side (the upstream call, its body, the pump
// and the path; no client socket), N streams committed after their first chunk and held by the mock
// (its holdUntil), heap used after full GCs against before, alternated rounds.
//   npx node --expose-gc bench/micro-streamed-call.ts --sluice-dir /tmp/base --held 2000 --rounds 4
// With --heap-sample FILE.heapprofile: V8's sampling heap profile (every 256 bytes, objects that died
// young included) of one more run of this tree after the warm-up, for Chrome DevTools or a script.
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { measureAlternatedRounds, median } from './lib/measure-in-process.ts';
import type * as ParseStream from '../src/providers/openai/parse-stream.ts';
import type * as UpstreamClientModule from '../src/upstream/upstream-client.ts';
import type * as ClientStreamPathModule from '../src/relay/client-stream-path.ts';
import type * as CommittedStream from '../src/relay/committed-stream.ts';
import type * as PumpUpstream from '../src/relay/pump-upstream.ts';
import type * as RequestRecordModule from '../src/relay/request-record.ts';

const { values } = parseArgs({
  options: {
    'sluice-dir': { type: 'string' },
    rounds: { type: 'string', default: '10' },
    streams: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '64' },
    held: { type: 'string' },
    'heap-sample': { type: 'string' },
    'mock-child': { type: 'boolean', default: false },
  },
});

if (values['mock-child']) {
  const { startMockUpstream } = await import('./mock-upstream.ts');
  const mock = await startMockUpstream({ port: 0 });
  process.send?.(mock.url);
} else {
  await measure();
}

interface Tree {
  name: string;
  run: (streams: number, concurrency: number) => Promise<void>;
  /** Opens `streams` streams at once; resolves with their ends once all are committed (the mock holds them). */
  hold: (streams: number) => Promise<{ ends: Promise<void> }>;
  close: () => Promise<void>;
}

async function loadTree(name: string, dir: string, mockUrl: string): Promise<Tree> {
  const src = (file: string): string => resolve(dir, 'src', file);
  const { createChatStreamParser } = (await import(src('providers/openai/parse-stream.ts'))) as typeof ParseStream;
  const { UpstreamClient } = (await import(src('upstream/upstream-client.ts'))) as typeof UpstreamClientModule;
  const { ClientStreamPath } = (await import(src('relay/client-stream-path.ts'))) as typeof ClientStreamPathModule;
  const { commitStream, readToCommit } = (await import(src('relay/committed-stream.ts'))) as typeof CommittedStream;
  const { UpstreamPump } = (await import(src('relay/pump-upstream.ts'))) as typeof PumpUpstream;
  const { createRequestRecord } = (await import(src('relay/request-record.ts'))) as typeof RequestRecordModule;
  const client = new UpstreamClient();
  const timeouts = { connectMs: 5000, firstByteMs: 30_000, firstChunkMs: 30_000, idleMs: 30_000, totalMs: 60_000 };
  const limits = { bodyBytes: 1 << 20, streamBytes: 1 << 24 };
  const url = `${mockUrl}/v1/chat/completions?chunks=20`;
  let written = 0;
  const sink = {
    write: (text: string): boolean => {
      written += text.length;
      return true;
    },
    whenDrained: (resume: () => void): void => {
      resume();
    },
  };

  async function oneStream(committed?: () => void): Promise<void> {
    const controller = new AbortController();
    const response = await client.send(
      { url, headers: { 'content-type': 'application/json' }, body: { model: 'gpt-bench', messages: [{ role: 'user', content: 'hi' }], stream: true } },
      { channel: 'up', signal: controller.signal, timeouts, limits, stream: true, deadlineHeld: true },
    );
    const record = createRequestRecord('r', 'm', true);
    const path = new ClientStreamPath({ clientModel: 'm', clientWantsUsage: false, channel: 'up', record, estimate: () => ({ prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 }) }, createChatStreamParser({ channel: 'up', receivedAt: 1 }));
    const pump = new UpstreamPump(response.body, path, () => undefined, 'up');
    const rest = await readToCommit(path, pump, 'up');
    committed?.();
    await new Promise<void>((done, fail) => {
      commitStream(path, rest, () => undefined).pipeTo(sink, (end) => {
        if (end === undefined) done();
        else fail(end.failure instanceof Error ? end.failure : new Error(String(end.failure)));
      });
    });
  }

  return {
    name,
    async run(streams, concurrency) {
      let left = streams;
      const loop = async (): Promise<void> => {
        while (left > 0) {
          left -= 1;
          await oneStream();
        }
      };
      written = 0;
      await Promise.all(Array.from({ length: concurrency }, loop));
      if (written === 0) throw new Error('nothing written');
    },
    async hold(streams) {
      let left = streams;
      const { promise: allCommitted, resolve } = Promise.withResolvers<undefined>();
      const ends = Promise.all(
        Array.from({ length: streams }, () =>
          oneStream(() => {
            left -= 1;
            if (left === 0) resolve(undefined);
          }),
        ),
      ).then(() => undefined);
      await allCommitted;
      return { ends };
    },
    close: () => client.close(),
  };
}

async function measure(): Promise<void> {
  const child = fork(fileURLToPath(import.meta.url), ['--mock-child'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const mockUrl = await new Promise<string>((done) => child.once('message', (message) => {
    done(message as string);
  }));
  const trees = [await loadTree('this', process.cwd(), mockUrl)];
  if (values['sluice-dir'] !== undefined) trees.unshift(await loadTree('base', values['sluice-dir'], mockUrl));
  const streams = Number(values.streams);
  const concurrency = Number(values.concurrency);
  for (const tree of trees) await tree.run(streams, concurrency); // warm-up
  const heapSample = values['heap-sample'];
  if (heapSample !== undefined) {
    const session = new Session();
    session.connect();
    await session.post('HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    await trees[trees.length - 1]?.run(streams, concurrency);
    const { profile } = await session.post('HeapProfiler.stopSampling');
    writeFileSync(heapSample, JSON.stringify(profile));
    session.disconnect();
  }
  if (values.held !== undefined) {
    await measureHeld(trees, Number(values.held), mockUrl);
    for (const tree of trees) await tree.close();
    child.kill();
    return;
  }
  const results = await measureAlternatedRounds(trees, Number(values.rounds), streams, (tree) => tree.run(streams, concurrency));
  const byName = (name: string): { cpu: number[] } | undefined => results.get(name);
  for (const [name, { cpu, allocated, promoted, gcMs }] of results) {
    console.log(JSON.stringify({ tree: name, streams, concurrency, cpuUsPerStream: median(cpu).toFixed(1), allocatedBytesPerStream: Math.round(median(allocated)), promotedBytesPerStream: Math.round(median(promoted)), gcUsPerStream: (median(gcMs) * 1000).toFixed(1), cpuRounds: cpu.map((value) => Math.round(value)) }));
  }
  const base = byName('base');
  const head = byName('this');
  if (base !== undefined && head !== undefined) {
    const lower = head.cpu.filter((value, index) => value < (base.cpu[index] ?? 0)).length;
    console.log(JSON.stringify({ thisLowerInRounds: `${String(lower)} of ${String(head.cpu.length)}` }));
  }
  for (const tree of trees) await tree.close();
  child.kill();
}

async function setMock(mockUrl: string, settings: object): Promise<void> {
  const response = await fetch(`${mockUrl}/__mock/settings`, { method: 'POST', body: JSON.stringify(settings) });
  await response.text();
}

async function measureHeld(trees: Tree[], held: number, mockUrl: string): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  const perStream = new Map<string, number[]>(trees.map((tree) => [tree.name, []]));
  for (let round = 0; round < Number(values.rounds); round += 1) {
    const order = round % 2 === 0 ? trees : [...trees].reverse();
    for (const tree of order) {
      await setMock(mockUrl, { holdUntil: held, holdTimeoutMs: 60_000, holdAfterFullMs: 3000 });
      gc();
      gc();
      const before = getHeapStatistics().used_heap_size;
      const { ends } = await tree.hold(held);
      gc();
      gc();
      const during = getHeapStatistics().used_heap_size;
      await ends;
      perStream.get(tree.name)?.push((during - before) / held);
    }
  }
  await setMock(mockUrl, { holdUntil: 0 });
  for (const [name, list] of perStream) console.log(JSON.stringify({ tree: name, held, heapBytesPerHeldStream: Math.round(median(list)), rounds: list.map((value) => Math.round(value)) }));
}

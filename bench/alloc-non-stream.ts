// Bytes allocated and CPU per non-stream chat request, Sluice in this process (as the bench runs it:
// auth on, one OpenAI channel, log level info to /dev/null-able stdout, the request log row written),
// the mock upstream and the load client in a child process so none of their work is counted here.
// Allocation is read from V8's GC profiler (heap used at the end − at the start + what each GC freed),
// so it does not depend on the machine's speed; CPU is this process's (every thread: main, the log
// thread, V8's GC helpers) per request, and the main thread's; promoted bytes are what the scavenges moved to
// the old generation. docs/benchmarks.md, "Non-stream allocations, round four" and "Promoted upstream calls, round five".
// Read the promoted bytes with care: in this process (the server and the bench's code in one isolate) V8's
// allocation-site pretenuring moves the request-log rows' hand-over to old space, ~5 KB a request promoted with the
// log thread on against ~200 B with `node --no-allocation-site-pretenuring bench/alloc-non-stream.ts …`, which the
// server run on its own does not show (docs/benchmarks.md "Round twenty-two"). Hundreds of requests a round give
// only a few collections: use --requests 30000 for figures that hold from one run to the next.
//
// Usage: node bench/alloc-non-stream.ts [--sluice-dir DIR] [--built] [--rounds 5] [--requests 4000]
//          [--concurrency 16] [--heap-sample FILE.heapprofile]   (stdout: the server's log, send it to /dev/null)
//          [--stream]   (20-chunk streams instead of non-stream requests: the same figures per stream)
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { GCProfiler, getHeapStatistics, writeHeapSnapshot } from 'node:v8';
import { parseArgs } from 'node:util';
import { benchModels, sluiceClientKey, sluiceConfig } from './lib/targets.ts';
import { requestBody } from './lib/scenarios.ts';
import type { parseConfig as ParseConfig } from '../src/config/index.ts';
import type { startSluice as StartSluice } from '../src/server/start-sluice.ts';

interface LoadCommand {
  url: string;
  requests: number;
  concurrency: number;
}

/** `--stream`: the load child asks for 20-chunk streams instead (its argv carries the flag on). */
const streamMode = process.argv.includes('--stream');

/** The child: the mock upstream, then load on each command. */
async function runLoadChild(): Promise<void> {
  const { startMockUpstream } = await import('./mock-upstream.ts');
  const mock = await startMockUpstream({ port: 0 });
  const body = requestBody({ model: benchModels.plain, clientStream: streamMode, clientWantsUsage: false });
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const send = (url: URL): Promise<void> =>
    new Promise((done, fail) => {
      const outgoing = httpRequest(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${sluiceClientKey}`, 'content-length': Buffer.byteLength(body) } }, (response) => {
        let length = 0;
        response.on('data', (chunk: Buffer) => {
          length += chunk.length;
        });
        response.on('end', () => {
          if (response.statusCode === 200 && length > 0) done();
          else fail(new Error(`status ${String(response.statusCode)}`));
        });
      });
      outgoing.on('error', fail);
      outgoing.end(body);
    });
  process.on('message', (command: LoadCommand) => {
    const url = new URL('/v1/chat/completions', command.url);
    let left = command.requests;
    const loop = async (): Promise<void> => {
      while (left > 0) {
        left -= 1;
        await send(url);
      }
    };
    Promise.all(Array.from({ length: command.concurrency }, loop)).then(
      () => process.send?.('done'),
      (error: unknown) => process.send?.(`failed: ${String(error)}`),
    );
  });
  process.send?.(mock.url);
}

/** CPU ticks of this process's threads by thread name (utime + stime of each /proc/self/task entry). */
function readThreadTicks(): Map<string, number> {
  const ticks = new Map<string, number>();
  for (const task of readdirSync('/proc/self/task')) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
    } catch {
      continue;
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/\d+$/, '#');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks.set(name, (ticks.get(name) ?? 0) + Number(fields[11]) + Number(fields[12]));
  }
  return ticks;
}

function subtractTicks(after: Map<string, number>, before: Map<string, number>): Record<string, number> {
  const shares: Record<string, number> = {};
  for (const [name, value] of after) shares[name] = value - (before.get(name) ?? 0);
  return shares;
}

/** Bytes used outside the young generation (old, code, large-object spaces…). */
function usedOutsideNewSpace(spaces: readonly { spaceName: string; spaceUsedSize: number }[]): number {
  let used = 0;
  for (const space of spaces) if (space.spaceName !== 'new_space' && space.spaceName !== 'new_large_object_space') used += space.spaceUsedSize;
  return used;
}

async function runServer(): Promise<void> {
  const { values } = parseArgs({ options: { 'sluice-dir': { type: 'string' }, built: { type: 'boolean', default: false }, rounds: { type: 'string', default: '5' }, requests: { type: 'string', default: '4000' }, concurrency: { type: 'string', default: '16' }, 'heap-sample': { type: 'string' }, stream: { type: 'boolean', default: false }, 'promoted-sample': { type: 'string' }, snapshot: { type: 'string' } } });
  const sluiceDir = resolve(values['sluice-dir'] ?? join(fileURLToPath(import.meta.url), '..', '..'));
  // `--built`: the compiled server in dist/ (what `npm start` and `npm run bench` run; build it first), else src/.
  const [root, extension] = values.built ? ['dist', 'js'] : ['src', 'ts'];
  const { parseConfig } = (await import(pathToFileURL(join(sluiceDir, root, 'config', `index.${extension}`)).href)) as { parseConfig: typeof ParseConfig };
  const { startSluice } = (await import(pathToFileURL(join(sluiceDir, root, 'server', `start-sluice.${extension}`)).href)) as { startSluice: typeof StartSluice };
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--load-child', ...(streamMode ? ['--stream'] : [])], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const next = (): Promise<string> =>
    new Promise((done) => {
      child.once('message', (message: unknown) => {
        done(typeof message === 'string' ? message : JSON.stringify(message));
      });
    });
  const mockUrl = await next();
  const directory = mkdtempSync(join(tmpdir(), 'sluice-alloc-'));
  const configFile = join(directory, 'sluice.yaml');
  const yaml = sluiceConfig(0, mockUrl, join(directory, 'sluice.db'));
  writeFileSync(configFile, yaml);
  const sluice = await startSluice(parseConfig(yaml, { file: configFile, env: {} }), { port: 0 });
  const requests = Number(values.requests);
  const concurrency = Number(values.concurrency);
  const load = async (count: number): Promise<void> => {
    child.send({ url: sluice.url, requests: count, concurrency } satisfies LoadCommand);
    const answer = await next();
    if (answer !== 'done') throw new Error(answer);
  };
  await load(requests); // JIT warm-up, pools and caches filled
  await load(requests);
  if (values['heap-sample'] !== undefined) {
    const session = new Session();
    session.connect();
    await session.post('HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    await load(requests);
    const { profile } = await session.post('HeapProfiler.stopSampling');
    writeFileSync(values['heap-sample'], JSON.stringify(profile));
    session.disconnect();
  }
  if (values['promoted-sample'] !== undefined) {
    // What outlives the young generation: sampled objects still there after a young-generation GC
    // (needs --expose-gc); old-space garbage is only freed by a full GC, so this is what got promoted.
    const session = new Session();
    session.connect();
    const gc = (globalThis as { gc?: (options: { type: string }) => void }).gc;
    await session.post('HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMajorGC: true });
    await load(requests);
    gc?.({ type: 'minor' });
    gc?.({ type: 'minor' });
    const { profile } = await session.post('HeapProfiler.stopSampling');
    writeFileSync(values['promoted-sample'], JSON.stringify(profile));
    session.disconnect();
  }
  if (values.snapshot !== undefined) {
    await load(requests);
    writeHeapSnapshot(values.snapshot);
  }
  for (let round = 0; round < Number(values.rounds); round += 1) {
    const profiler = new GCProfiler();
    const usedBefore = getHeapStatistics().used_heap_size;
    const ticks = readThreadTicks();
    profiler.start();
    const cpu = process.cpuUsage();
    const main = process.threadCpuUsage();
    await load(requests);
    const mainAfter = process.threadCpuUsage(main);
    const cpuAfter = process.cpuUsage(cpu);
    const stats = profiler.stop();
    const usedAfter = getHeapStatistics().used_heap_size;
    const threads = subtractTicks(readThreadTicks(), ticks);
    let freed = 0;
    let gcMs = 0;
    let scavenges = 0;
    let promoted = 0;
    for (const gc of stats?.statistics ?? []) {
      freed += gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize;
      gcMs += gc.cost / 1000;
      if (gc.gcType === 'Scavenge') {
        scavenges += 1;
        // What a young-generation collection moved out of it: the growth of every other space.
        promoted += usedOutsideNewSpace(gc.afterGC.heapSpaceStatistics) - usedOutsideNewSpace(gc.beforeGC.heapSpaceStatistics);
      }
    }
    const allocated = usedAfter - usedBefore + freed;
    const perRequest = (micros: number): string => (micros / requests).toFixed(1);
    console.error(
      JSON.stringify({
        dir: sluiceDir,
        round,
        allocatedBytesPerRequest: Math.round(allocated / requests),
        cpuUsPerRequest: perRequest(cpuAfter.user + cpuAfter.system),
        mainUsPerRequest: perRequest(mainAfter.user + mainAfter.system),
        gcPauseUsPerRequest: ((gcMs * 1000) / requests).toFixed(1),
        promotedBytesPerRequest: Math.round(promoted / requests),
        gcs: stats?.statistics.length,
        scavenges,
        threadTicks: threads,
      }),
    );
  }
  child.kill();
  await sluice.close();
  rmSync(directory, { recursive: true, force: true });
}

if (process.argv.includes('--load-child')) await runLoadChild();
else await runServer();

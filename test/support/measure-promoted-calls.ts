// Run with --expose-gc (src/upstream/detach-call-controller.test.ts): sends non-stream calls one at a
// time through UpstreamClient, as the relay does (the attempt holds the deadline, the answer read
// whole), to an upstream in a child process, then runs two young-generation collections and prints,
// as one JSON line, how many bytes per call they moved out of the young generation. A finished call
// that nothing live reaches leaves next to nothing there; one reachable from the old generation
// moves its whole object graph, several KB (docs/benchmarks.md, "Promoted upstream calls, round five").
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GCProfiler, getHeapSpaceStatistics } from 'node:v8';
import { readBodyBytes } from '../../src/lib/describe-body-text.ts';
import { UpstreamClient } from '../../src/upstream/upstream-client.ts';

const answer = JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }] });

/** The upstream, in its own process so that none of its objects are counted. */
function serveUpstream(): void {
  const server = createServer((request, response) => {
    request.resume();
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
    response.end(answer);
  });
  server.listen(0, '127.0.0.1', () => {
    process.send?.((server.address() as AddressInfo).port);
  });
  process.on('disconnect', () => {
    server.close();
    server.closeAllConnections();
  });
}

/** Where young-generation collections move what survives them (compiled code goes elsewhere). */
function usedInOldSpace(): number {
  let used = 0;
  for (const space of getHeapSpaceStatistics()) if (space.space_name === 'old_space' || space.space_name === 'large_object_space') used += space.space_used_size;
  return used;
}

type Mode = 'whole' | 'streamed' | 'requested';

async function measure(calls: number, mode: Mode, watched: boolean): Promise<void> {
  const gc = (globalThis as { gc?: (options: { type: 'minor' | 'major' }) => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  const upstream = fork(import.meta.filename, ['--upstream'], { execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve) => {
    upstream.once('message', (message) => {
      resolve(Number(message));
    });
  });
  const url = `http://127.0.0.1:${String(port)}/v1/chat/completions`;
  const client = new UpstreamClient();
  const timeouts = { connectMs: 1000, firstByteMs: 5000, firstChunkMs: 5000, idleMs: 5000, totalMs: 30_000 };
  const limits = { bodyBytes: 1_000_000, streamBytes: 1_000_000 };
  const body = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
  // Raw bytes go through request() and its Readable body (upstream-client.ts #sendRequested).
  const raw = mode === 'requested' ? { raw: Buffer.from(JSON.stringify(body)) } : {};
  // `--watched`: a watchdog times the call, as an attempt's does (undici then sets no timers of its own).
  const watchdog = watched ? { watchdog: { bodyRead: () => undefined } } : {};
  const sendCalls = async (count: number): Promise<void> => {
    for (let index = 0; index < count; index += 1) {
      const response = await client.send({ url, headers: { 'content-type': 'application/json' }, body, ...raw }, { channel: 'up', signal: new AbortController().signal, timeouts, limits, stream: false, deadlineHeld: true, whole: mode === 'whole', ...watchdog });
      await readBodyBytes(response.body);
    }
  };
  await sendCalls(4 * calls); // pools, caches and compiled code in place
  let promotedPerCall = Number.NaN;
  // A full collection inside the window frees old-generation garbage and spoils the difference: again.
  for (let attempt = 0; attempt < 3 && Number.isNaN(promotedPerCall); attempt += 1) {
    gc({ type: 'major' });
    gc({ type: 'minor' });
    gc({ type: 'minor' });
    const profiler = new GCProfiler();
    profiler.start();
    const before = usedInOldSpace();
    await sendCalls(calls);
    gc({ type: 'minor' });
    gc({ type: 'minor' });
    const after = usedInOldSpace();
    const full = profiler.stop()?.statistics.some((entry) => entry.gcType !== 'Scavenge' && entry.gcType !== 'MinorMarkSweep') ?? true;
    if (!full) promotedPerCall = Math.round((after - before) / calls);
  }
  console.log(JSON.stringify({ promotedPerCall }));
  await client.close();
  upstream.disconnect();
}

if (process.argv[2] === '--upstream') serveUpstream();
// `--whole`: the answers read whole through dispatch() (src/upstream/whole-answer-call.ts);
// `--requested`: through request() (raw bytes sent); else handed on as they come through dispatch()
// (src/upstream/streamed-answer-call.ts). `--watched` (after the mode): with an attempt's watchdog.
else await measure(Number(process.argv[2] ?? '400'), process.argv[3] === '--whole' ? 'whole' : process.argv[3] === '--requested' ? 'requested' : 'streamed', process.argv.includes('--watched'));

// What each non-stream request holds while it waits for its upstream: Sluice in this process (as the bench
// runs it: auth on, one OpenAI channel, the request log), an upstream and a load client in a child
// process. After a warm-up, a heap snapshot at rest; then `--requests` requests that the upstream holds
// unanswered, and a second snapshot; the objects the second has and the first had not
// (bench/lib/heap-snapshot-diff.ts), per request. A young-generation collection copies what is in
// flight, so this is what each request in flight costs every scavenge (docs/benchmarks.md "Round seventeen").
//
// Usage: node bench/inflight-heap.ts [--requests 64] [--top 25]   (stdout: the server's log, send it to /dev/null)
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request as httpRequest, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';
import { diffHeapSnapshots, type HeapSnapshot } from './lib/heap-snapshot-diff.ts';
import { sendCompletion } from './mock-upstream.ts';
import { requestBody } from './lib/scenarios.ts';
import { benchModels, sluiceClientKey, sluiceConfig } from './lib/targets.ts';
import { parseConfig } from '../src/config/index.ts';
import { startSluice } from '../src/server/start-sluice.ts';

type Command = { what: 'warm'; url: string; requests: number; concurrency: number } | { what: 'hold'; url: string; requests: number } | { what: 'release' };

/** The upstream's answer: the bench mock's own non-stream completion, 20 markers. */
function answer(response: ServerResponse): void {
  sendCompletion(response, benchModels.plain, 20);
}

/** The child: an upstream that answers at once or holds every request until told, and the load. */
async function runChild(): Promise<void> {
  let holding = 0;
  let held: ServerResponse[] = [];
  const upstream = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (holding === 0) {
        answer(response);
        return;
      }
      held.push(response);
      if (held.length === holding) process.send?.('held');
    });
  });
  await new Promise<void>((done) => upstream.listen(0, '127.0.0.1', done));
  const body = requestBody({ model: benchModels.plain, clientStream: false, clientWantsUsage: false });
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const send = (url: URL): Promise<void> =>
    new Promise((done, fail) => {
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${sluiceClientKey}`, 'content-length': Buffer.byteLength(body) };
      const outgoing = httpRequest(url, { method: 'POST', agent, headers }, (response) => {
        response.resume();
        response.on('end', () => {
          if (response.statusCode === 200) done();
          else fail(new Error(`status ${String(response.statusCode)}`));
        });
      });
      outgoing.on('error', fail);
      outgoing.end(body);
    });
  const report = (work: Promise<unknown>, message: string): void => {
    work.then(
      () => process.send?.(message),
      (error: unknown) => process.send?.(`failed: ${String(error)}`),
    );
  };
  process.on('message', (command: Command) => {
    if (command.what === 'release') {
      holding = 0;
      for (const response of held) answer(response);
      held = [];
      return;
    }
    const url = new URL('/v1/chat/completions', command.url);
    if (command.what === 'hold') {
      holding = command.requests;
      report(Promise.all(Array.from({ length: command.requests }, () => send(url))), 'released');
      return;
    }
    let left = command.requests;
    const loop = async (): Promise<void> => {
      for (; left > 0; left -= 1) await send(url);
    };
    report(Promise.all(Array.from({ length: command.concurrency }, loop)), 'warm');
  });
  const { port } = upstream.address() as { port: number };
  process.send?.(`http://127.0.0.1:${String(port)}`);
}

async function runServer(): Promise<void> {
  const { values } = parseArgs({ options: { requests: { type: 'string', default: '64' }, top: { type: 'string', default: '25' } } });
  const requests = Number(values.requests);
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--child'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const next = (): Promise<string> =>
    new Promise((done) => {
      child.once('message', (message: unknown) => {
        done(String(message));
      });
    });
  const awaitMessage = async (wanted: string): Promise<void> => {
    const message = await next();
    if (message !== wanted) throw new Error(message);
  };
  const upstreamUrl = await next();
  const directory = mkdtempSync(join(tmpdir(), 'sluice-inflight-'));
  try {
    const configFile = join(directory, 'sluice.yaml');
    const yaml = sluiceConfig(0, upstreamUrl, join(directory, 'sluice.db'));
    writeFileSync(configFile, yaml);
    const sluice = await startSluice(parseConfig(yaml, { file: configFile, env: {} }), { port: 0 });
    for (let round = 0; round < 2; round++) {
      child.send({ what: 'warm', url: sluice.url, requests: 4000, concurrency: requests } satisfies Command);
      await awaitMessage('warm');
    }
    await new Promise((done) => setTimeout(done, 500)); // the log's batches written
    const before = writeHeapSnapshot(join(directory, 'before.heapsnapshot'));
    child.send({ what: 'hold', url: sluice.url, requests } satisfies Command);
    await awaitMessage('held');
    const after = writeHeapSnapshot(join(directory, 'after.heapsnapshot'));
    child.send({ what: 'release' } satisfies Command);
    await awaitMessage('released');
    child.kill();
    await sluice.close();
    const read = (file: string): HeapSnapshot => JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshot;
    const growth = diffHeapSnapshots(read(before), read(after));
    const lines = [`${String(requests)} non-stream requests held by the upstream: ${(growth.bytes / requests).toFixed(0)} B each`, '', '| what | count a request | bytes a request |', '| --- | --- | --- |'];
    for (const group of growth.groups.slice(0, Number(values.top))) lines.push(`| ${group.kind} | ${(group.count / requests).toFixed(2)} | ${(group.bytes / requests).toFixed(0)} |`);
    lines.push('', `async functions suspended a request: ${[...growth.suspended].map(([name, count]) => `${name} ${(count / requests).toFixed(2)}`).join(', ')}`);
    process.stderr.write(`${lines.join('\n')}\n`);
  } finally {
    child.kill();
    rmSync(directory, { recursive: true, force: true });
  }
}

if (process.argv.includes('--child')) await runChild();
else await runServer();

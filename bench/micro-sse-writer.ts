// CPU and bytes allocated per SSE stream written to a client, in this process: the tree's writeSse
// (src/server/write-sse.ts) behind a node:http server, 20 content frames, a finish frame and [DONE]
// per stream, one frame per event-loop turn (as the bench's mock sends them), read by a keep-alive
// client in a child process (its work not counted here), `--concurrency` streams at a time. Two trees
// (this one and --sluice-dir <dir>) alternated round by round (docs/benchmarks.md "Stream CPU, round
// eight").
//   npx node --expose-gc bench/micro-sse-writer.ts --sluice-dir /tmp/base --rounds 12 --streams 2000
import { fork } from 'node:child_process';
import { Agent, createServer, get, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measureAlternatedRounds, median } from './lib/measure-in-process.ts';
import type * as CommittedStreamModule from '../src/relay/committed-stream.ts';
import type * as WriteSse from '../src/server/write-sse.ts';

const { values } = parseArgs({
  options: {
    'sluice-dir': { type: 'string' },
    rounds: { type: 'string', default: '10' },
    streams: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '64' },
    'client-child': { type: 'string' },
  },
});

/** The child: on each message `n`, reads n streams, `concurrency` at a time, and answers when done. */
function runClient(port: number, concurrency: number): void {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const one = (): Promise<void> =>
    new Promise((done, fail) => {
      get({ host: '127.0.0.1', port, path: '/', agent }, (response) => {
        response.on('data', () => undefined);
        response.on('end', done);
        response.on('error', fail);
      }).on('error', fail);
    });
  process.on('message', (streams: number) => {
    let left = streams;
    const loop = async (): Promise<void> => {
      while (left > 0) {
        left -= 1;
        await one();
      }
    };
    void Promise.all(Array.from({ length: concurrency }, loop)).then(() => process.send?.('done'));
  });
  process.send?.('ready');
}

type WriteSseFunction = typeof WriteSse.writeSse;

interface Tree {
  name: string;
  writeSse: WriteSseFunction;
}

async function loadTree(name: string, dir: string): Promise<Tree> {
  const module = (await import(resolve(dir, 'src/server/write-sse.ts'))) as typeof WriteSse;
  return { name, writeSse: module.writeSse };
}

const prefix = 'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1764670000,"model":"gpt-bench","choices":[';

/** 20 content frames and the finish frame, one per event-loop turn, then the end. */
function benchStream(): CommittedStreamModule.CommittedStream {
  return {
    encoder: undefined,
    pipeTo(sink, done) {
      let index = 0;
      const step = (): void => {
        const frame = index < 20 ? `${prefix}{"index":0,"delta":{"content":"word${String(index)} "},"finish_reason":null}]}\n\n` : `${prefix}{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n`;
        index += 1;
        const more = sink.write(frame);
        if (index > 20) done(undefined);
        else if (more) setImmediate(step);
        else sink.whenDrained(() => setImmediate(step));
      };
      setImmediate(step);
    },
  };
}

async function measure(): Promise<void> {
  const trees = [await loadTree('this', process.cwd())];
  if (values['sluice-dir'] !== undefined) trees.unshift(await loadTree('base', values['sluice-dir']));
  let current: Tree = trees[0] as Tree;
  const server = createServer((request, response: ServerResponse) => {
    request.resume();
    const options = { requestId: 'req-bench', keepaliveMs: 60_000, signal: new AbortController().signal, headers: { 'x-sluice-channel': 'up' } };
    current.writeSse(response, benchStream(), options, () => undefined);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  const concurrency = values.concurrency;
  const child = fork(fileURLToPath(import.meta.url), ['--client-child', String(port), '--concurrency', concurrency], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = (): Promise<void> =>
    new Promise((done) => {
      child.once('message', () => {
        done();
      });
    });
  await next();
  const streams = Number(values.streams);
  const run = async (tree: Tree): Promise<void> => {
    current = tree;
    const finished = next();
    child.send(streams);
    await finished;
  };
  for (const tree of trees) await run(tree); // warm-up
  const results = await measureAlternatedRounds(trees, Number(values.rounds), streams, run);
  for (const [name, { cpu, allocated, gcMs }] of results) {
    console.log(JSON.stringify({ tree: name, streams, concurrency: Number(concurrency), cpuUsPerStream: median(cpu).toFixed(1), allocatedBytesPerStream: Math.round(median(allocated)), gcUsPerStream: (median(gcMs) * 1000).toFixed(1), cpuRounds: cpu.map((value) => Math.round(value)) }));
  }
  const base = results.get('base');
  const head = results.get('this');
  if (base !== undefined && head !== undefined) {
    const lower = head.cpu.filter((value, index) => value < (base.cpu[index] ?? 0)).length;
    console.log(JSON.stringify({ thisLowerInRounds: `${String(lower)} of ${String(head.cpu.length)}` }));
  }
  child.kill();
  server.closeAllConnections();
  server.close();
}

if (values['client-child'] !== undefined) runClient(Number(values['client-child']), Number(values.concurrency));
else await measure();

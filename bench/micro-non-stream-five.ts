// In-process pairs for the pieces issue 13's fifth non-stream round changed (docs/benchmarks.md,
// "Non-stream CPU, round five"): the base's modules (a `git archive` of it, `--base-dir`) against this
// tree's, alternated round by round, JIT-warm medians, so a busy machine slows both sides alike.
// Usage: node bench/micro-non-stream-five.ts --base-dir <dir> [--rounds 41]
//   (<dir>: git archive 417d936 | tar -x -C <dir>, with node_modules linked into it)
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type * as Authenticate from '../src/server/authenticate.ts';
import type * as CreateMetrics from '../src/metrics/create-metrics.ts';
import type * as OpenUpstream from '../src/relay/open-upstream.ts';
import type * as StartLogThread from '../src/store/start-log-thread.ts';
import { openStore, type RequestLogRow } from '../src/store/index.ts';

const { values } = parseArgs({ options: { 'base-dir': { type: 'string' }, rounds: { type: 'string', default: '41' } } });
if (values['base-dir'] === undefined) throw new Error('--base-dir <git archive of the base> is required');
const baseDir = resolve(values['base-dir']);
const rounds = Number(values.rounds);
const loadBase = <Module>(path: string): Promise<Module> => import(pathToFileURL(join(baseDir, path)).href) as Promise<Module>;
const loadHead = <Module>(path: string): Promise<Module> => import(new URL(`../${path}`, import.meta.url).href) as Promise<Module>;

function median(numbers: readonly number[]): number {
  return [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)] ?? Number.NaN;
}

/** ns per call of each side, `count` calls a round, sides alternated (the first of each round swapped). */
async function pair(label: string, base: () => unknown, head: () => unknown, count: number): Promise<void> {
  const times = { base: [] as number[], head: [] as number[] };
  for (let round = 0; round < rounds; round += 1) {
    for (const side of round % 2 === 0 ? (['base', 'head'] as const) : (['head', 'base'] as const)) {
      const run = side === 'base' ? base : head;
      const started = process.hrtime.bigint();
      for (let index = 0; index < count; index += 1) await run();
      times[side].push(Number(process.hrtime.bigint() - started) / count);
    }
  }
  console.log(`${label}: base ${median(times.base).toFixed(0)} ns, head ${median(times.head).toFixed(0)} ns (${String(rounds)} rounds of ${String(count)})`);
}

// fastify's parser lookup for `Content-Type: application/json`: the catch-all alone (base) or named too (head).
const require = createRequire(import.meta.url);
const ContentTypeParser = require('fastify/lib/content-type-parser.js') as new (bodyLimit: number, proto: string, constructor: string) => { removeAll(): void; add(type: string, options: object, parse: () => void): void; getParser(type: string): unknown };
const parserOf = (named: boolean) => {
  const parser = new ContentTypeParser(1_000_000, 'error', 'error');
  parser.removeAll();
  parser.add('*', { parseAs: 'string' }, () => undefined);
  parser.add('multipart/form-data', { parseAs: 'buffer' }, () => undefined);
  if (named) parser.add('application/json', { parseAs: 'string' }, () => undefined);
  return parser;
};
const [baseParser, headParser] = [parserOf(false), parserOf(true)];
// A header value is a new string on every request.
await pair('fastify getParser(application/json)', () => baseParser.getParser('application/json '.trimEnd()), () => headParser.getParser('application/json '.trimEnd()), 20_000);

// authenticate() of one valid key.
const store = await openStore('sqlite::memory:');
const { key } = await store.keys.create({ name: 'app', key: 'sk-sluice-bench-0123456789abcdefghijklmnopqrstuvwxyz0123' });
const [baseAuth, headAuth] = [await loadBase<typeof Authenticate>('src/server/authenticate.ts'), await loadHead<typeof Authenticate>('src/server/authenticate.ts')];
const [baseAccess, headAccess] = [await baseAuth.createKeyAccess(store.keys), await headAuth.createKeyAccess(store.keys)];
await pair('authenticate', () => baseAccess.authenticate(`Bearer ${key} `.trimEnd()), () => headAccess.authenticate(`Bearer ${key} `.trimEnd()), 2_000);

// observeRequest of the bench's request.
const record = { clientModel: 'bench-model', channel: 'mock', status: 200, clientStream: false, attempts: [{ channel: 'mock', status: 200, errorCode: undefined }], adaptations: [], durationMs: 2.3, firstTokenMs: undefined, overheadMs: 0.4, promptTokens: 20, completionTokens: 40, usageSource: 'upstream', ingress: 'chat', upstreamModel: 'bench-model' };
const metricsOptions = { processMetrics: false, labelModel: (model: string) => model, labelChannel: (channel: string) => channel };
const [baseMetrics, headMetrics] = [new (await loadBase<typeof CreateMetrics>('src/metrics/create-metrics.ts')).Metrics(metricsOptions), new (await loadHead<typeof CreateMetrics>('src/metrics/create-metrics.ts')).Metrics(metricsOptions)];
await pair('observeRequest', () => { baseMetrics.observeRequest(record, 'app'); }, () => { headMetrics.observeRequest(record, 'app'); }, 20_000);
console.log(`  /metrics text ${(await baseMetrics.render()) === (await headMetrics.render()) ? 'identical' : 'DIFFERENT'}`);

// readJsonBody of the mock's 397-byte answer, read at once.
const answer = Buffer.from(JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion', created: 1_700_000_000, model: 'bench-model', choices: [{ index: 0, message: { role: 'assistant', content: 'Rivers run, bend, carve, flow, rush, meander, swell, ebb, glisten, murmur, wind, spill, roar, drift, pool, gather, trickle, surge, widen, rest.' }, finish_reason: 'stop' }], usage: { prompt_tokens: 20, completion_tokens: 40, total_tokens: 60 } }));
const response = () => ({ status: 200, headers: {}, body: { readAll: () => Promise.resolve(answer), [Symbol.asyncIterator]: () => [][Symbol.iterator]() } }) as never;
const [baseOpen, headOpen] = [await loadBase<typeof OpenUpstream>('src/relay/open-upstream.ts'), await loadHead<typeof OpenUpstream>('src/relay/open-upstream.ts')];
await pair('readJsonBody', () => baseOpen.readJsonBody(response(), 'mock'), () => headOpen.readJsonBody(response(), 'mock'), 20_000);

// Log batches of 200 rows through each side's log thread to its own file: the main thread's CPU and the log thread's (schedstat).
const folder = mkdtempSync(join(tmpdir(), 'sluice-micro-five-'));
const files = { base: join(folder, 'base.db'), head: join(folder, 'head.db') };
for (const file of Object.values(files)) await (await openStore(`sqlite:${file}`)).close();
const workerTids = (): string[] => readdirSync('/proc/self/task').filter((tid) => readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() === 'WorkerThread');
const onCpuUs = (tid: string): number => Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1000;
const threads = { base: (await loadBase<typeof StartLogThread>('src/store/start-log-thread.ts')).startLogThread({ path: files.base, readOnly: false }), head: (await loadHead<typeof StartLogThread>('src/store/start-log-thread.ts')).startLogThread({ path: files.head, readOnly: false }) };
let sequence = 0;
const batchOf = (): RequestLogRow[] => Array.from({ length: 200 }, (_, index) => ({ time: 1_700_000_000_000 + sequence, requestId: `req_5f2c9a0b1d3e4f5a6b7c${String(sequence++).padStart(12, '0')}`, keyName: 'bench', clientModel: 'bench-model', clientStream: false, channel: 'mock', upstreamModel: 'bench-model', upstreamStream: false, adaptations: [], attempts: [{ channel: 'mock', upstreamModel: 'bench-model', upstreamStream: false, status: 200, errorCode: undefined, durationMs: 1.2 + index, countsAgainstChannel: true }], status: 200, errorCode: undefined, errorMessage: undefined, firstTokenMs: undefined, durationMs: 2.3 + index, promptTokens: 20, completionTokens: 40, usageSource: 'upstream', clientIp: '127.0.0.1', userAgent: undefined, answeredModel: 'bench-model', overheadMs: 0.41, capture: undefined, ingress: 'chat', costUsd: undefined, cachedPromptTokens: undefined, requestBytes: 201, responseBytes: 397 }));
const batches = Array.from({ length: 20 }, batchOf);
for (const batch of batches) await threads.base.write(batch);
const baseTid = workerTids()[0] ?? '';
for (const batch of batches) await threads.head.write(batch);
const tids = { base: baseTid, head: workerTids().find((tid) => tid !== baseTid) ?? '' };
const cpu = { base: { main: [] as number[], thread: [] as number[] }, head: { main: [] as number[], thread: [] as number[] } };
for (let round = 0; round < rounds; round += 1) {
  for (const side of round % 2 === 0 ? (['base', 'head'] as const) : (['head', 'base'] as const)) {
    const thread0 = onCpuUs(tids[side]);
    const main0 = process.threadCpuUsage();
    for (const batch of batches) await threads[side].write(batch);
    const main1 = process.threadCpuUsage();
    cpu[side].main.push((main1.user + main1.system - main0.user - main0.system) / batches.length);
    cpu[side].thread.push((onCpuUs(tids[side]) - thread0) / batches.length);
  }
}
for (const side of ['base', 'head'] as const) console.log(`log batch of 200 rows, ${side}: main thread ${median(cpu[side].main).toFixed(0)} µs, log thread ${median(cpu[side].thread).toFixed(0)} µs (${String(rounds)} rounds of 20 batches)`);
await Promise.all([threads.base.close(), threads.head.close(), store.close()]);

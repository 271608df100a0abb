// The balancing strategies compared (docs/routing.md "Measured"): three emulated upstreams behind one
// model, one of them 5× slower (100 ms to first token against 20 ms) or failing 10 % of its requests
// with a 503; for each strategy, what the client sees: p50/p99 latency, error rate, and the odd
// channel's share of the upstream requests.
// Usage: node bench/routing-strategies.ts [--requests 400] [--concurrency 8]
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import OpenAI from 'openai';
import { parseConfig } from '../src/config/index.ts';
import { balanceStrategies, type BalanceStrategy } from '../src/core/routing-policy.ts';
import { startSluice } from '../src/server/start-sluice.ts';
import { startPacedUpstream, type Pace } from '../test/emulators/paced-upstream.ts';
import { percentiles } from './lib/stats.ts';

interface Scenario {
  name: string;
  paces: [Pace, Pace, Pace];
}

const scenarios: Scenario[] = [
  { name: 'one 5× slower', paces: [{ delayMs: 20 }, { delayMs: 20 }, { delayMs: 100 }] },
  { name: 'one failing 10 %', paces: [{ delayMs: 20 }, { delayMs: 20 }, { delayMs: 20, failEvery: 10 }] },
];

interface Row {
  scenario: string;
  strategy: BalanceStrategy;
  p50: number;
  p99: number;
  errorRate: number;
  oddShare: number;
}

async function run(scenario: Scenario, strategy: BalanceStrategy, requests: number, concurrency: number): Promise<Row> {
  const upstreams = await Promise.all(scenario.paces.map((pace) => startPacedUpstream(pace)));
  const channels = upstreams.map((upstream, index) => `  - { name: c${String(index)}, type: openai, base_url: '${upstream.url}', api_key: k, models: [m] }`).join('\n');
  const yaml = `listen: { host: 127.0.0.1, port: 0 }\nlog_level: warn\nrouting: { strategy: ${strategy} }\nchannels:\n${channels}\n`;
  const sluice = await startSluice(parseConfig(yaml, { file: 'bench.yaml', env: {} }), { port: 0, store: 'sqlite::memory:' });
  const client = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: 'x', maxRetries: 0 });
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < requests) {
      next += 1;
      const started = performance.now();
      try {
        await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: `q${String(next)}` }] });
        latencies.push(performance.now() - started);
      } catch {
        errors += 1;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await sluice.close();
    await Promise.all(upstreams.map((upstream) => upstream.close()));
  }
  const total = upstreams.reduce((sum, upstream) => sum + upstream.received.length, 0);
  const spread = percentiles(latencies);
  return { scenario: scenario.name, strategy, p50: spread.p50, p99: spread.p99, errorRate: errors / requests, oddShare: (upstreams[2]?.received.length ?? 0) / total };
}

const { values } = parseArgs({ options: { requests: { type: 'string', default: '400' }, concurrency: { type: 'string', default: '8' } } });
const requests = Number(values.requests);
const concurrency = Number(values.concurrency);
const rows: Row[] = [];
for (const scenario of scenarios) for (const strategy of balanceStrategies) rows.push(await run(scenario, strategy, requests, concurrency));
console.log(`${String(requests)} requests, ${String(concurrency)} at a time, per row\n`);
console.log('| upstreams | strategy | client p50 ms | client p99 ms | client errors | odd channel\'s share |');
console.log('|---|---|---:|---:|---:|---:|');
for (const row of rows) {
  console.log(`| ${row.scenario} | ${row.strategy} | ${row.p50.toFixed(0)} | ${row.p99.toFixed(0)} | ${(row.errorRate * 100).toFixed(1)} % | ${(row.oddShare * 100).toFixed(0)} % |`);
}
